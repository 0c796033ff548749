#!/usr/bin/env bash
# smoke.sh [--restart]: checks the local broker end to end with real clients.
#   - 10,000 keyed records produced with kcat and read back identical (4 partitions)
#   - a 5 MiB record kept byte-for-byte in a topic with the raw/DLQ max.message.bytes
#   - transactions: txn_smoke.c (librdkafka) commits one transaction and aborts another;
#     read_committed sees only the committed one; __transaction_state has 1 replica
#   - with --restart: the broker is stopped and started again and the 10,000 records are still there
# Run it through with-broker.sh (which exports KAFKA_BOOTSTRAP), e.g.
#   tests/kafka/with-broker.sh tests/kafka/smoke.sh --restart
# Without KAFKA_BOOTSTRAP it exits 77 (ctest: skipped), or fails under CI=true.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_SH="$HERE/../../deploy/kafka/kafka.sh"
if [[ -z "${KAFKA_BOOTSTRAP:-}" ]]; then
  echo "smoke: KAFKA_BOOTSTRAP not set: run through tests/kafka/with-broker.sh" >&2
  [[ "${CI:-}" == true ]] && exit 1
  exit 77
fi
B="$KAFKA_BOOTSTRAP"
export KAFKA_PORT="${KAFKA_PORT:-${B##*:}}"  # kafka.sh's admin commands talk to the same broker
N=10000
RUN="newsflow.smoke.$(date +%s).$$"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PASSED=0
step() { echo "smoke: $*" >&2; }
pass() { PASSED=$((PASSED + 1)); step "$@"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

"$KAFKA_SH" create-topic "$RUN.records" 4
"$KAFKA_SH" create-topic "$RUN.large" 1 max.message.bytes=8388608
"$KAFKA_SH" create-topic "$RUN.txn" 4

step "producing $N records"
seq 1 "$N" | awk '{ printf "article-%d\t{\"id\":\"article-%d\",\"title\":\"Headline %d\"}\n", $1, $1, $1 }' \
  >"$WORK/expected"
t0=$(date +%s.%N)
kcat -P -b "$B" -t "$RUN.records" -K $'\t' -X partitioner=murmur2_random <"$WORK/expected"
t1=$(date +%s.%N)
kcat -C -b "$B" -t "$RUN.records" -o beginning -e -q -f '%k\t%s\n' >"$WORK/got"
t2=$(date +%s.%N)
sort "$WORK/expected" >"$WORK/expected.sorted"
sort "$WORK/got" >"$WORK/got.sorted"
cmp -s "$WORK/expected.sorted" "$WORK/got.sorted" || fail "read back $(wc -l <"$WORK/got") records, not the $N produced"
pass "$N records read back identical (produce $(secs "$t0" "$t1") s, consume $(secs "$t1" "$t2") s)"
kcat -C -b "$B" -t "$RUN.records" -o beginning -e -q -f '%p\n' | sort | uniq -c | tr -s ' ' >&2

step "5 MiB record"
head -c $((5 * 1024 * 1024)) /dev/urandom >"$WORK/large.bin"
kcat -P -b "$B" -t "$RUN.large" -X message.max.bytes=10000000 "$WORK/large.bin"
kcat -C -b "$B" -t "$RUN.large" -o beginning -c 1 -e -q -f '%s' >"$WORK/large.got"
cmp -s "$WORK/large.bin" "$WORK/large.got" || fail "the 5 MiB record did not come back byte-for-byte"
pass "5 MiB record read back byte-for-byte"

step "transactions"
# shellcheck disable=SC2046
cc -O1 -Wall -Wextra -Werror "$HERE/txn_smoke.c" -o "$WORK/txn_smoke" $(pkg-config --cflags --libs rdkafka)
"$WORK/txn_smoke" "$B" "$RUN.txn" >&2 || fail "transaction smoke check"
kcat -L -b "$B" -t __transaction_state >"$WORK/txn_md"
grep -q 'replicas: 1, isrs: 1' "$WORK/txn_md" || fail "__transaction_state is not single-replica"
grep -qE 'replicas: [0-9]+,[0-9]' "$WORK/txn_md" && fail "__transaction_state has more than one replica"
pass "transactions commit and abort; __transaction_state: $(grep -c 'partition ' "$WORK/txn_md") partitions, 1 replica each"

if [[ "${1:-}" == "--restart" ]]; then
  step "restarting the broker"
  "$KAFKA_SH" stop
  "$KAFKA_SH" start
  kcat -C -b "$B" -t "$RUN.records" -o beginning -e -q -f '%k\t%s\n' | sort >"$WORK/got.sorted"
  cmp -s "$WORK/expected.sorted" "$WORK/got.sorted" || fail "after a restart: $(wc -l <"$WORK/got.sorted") records, not $N"
  pass "after the restart all $N records are still there"
fi

"$KAFKA_SH" delete-topics "${RUN//./\\.}\\..*"
echo "smoke: $PASSED passed, 0 failed"
