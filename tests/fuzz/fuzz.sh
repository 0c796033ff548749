#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan, build-fuzz/) and fuzzes each one for
# SECONDS_EACH seconds (default 60) from its seed corpus and dictionary. Fails on any crash,
# leak, timeout or sanitizer report; the reproducer is left in build-fuzz/artifacts/.
# New inputs found go to build-fuzz/corpus/<name> (never into the repo by themselves; copy a
# crash reproducer into tests/fuzz/corpus/<name>/ once fixed, so the corpus test keeps it).
# Usage: tests/fuzz/fuzz.sh [SECONDS_EACH] [TARGET...]     (env JOBS, default 2)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(article config watchlist)
JOBS=${JOBS:-2}
command -v clang++ >/dev/null || { echo "fuzz: clang++ not installed (deploy/install-deps.sh installs it)" >&2; exit 77; }
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$ROOT")}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
B="$ROOT/build-fuzz"

# Warnings are clang's, not the gcc set the code base is kept clean for: not errors here.
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNEWSFLOW_SANITIZE=address,undefined,fuzzer-no-link -DNEWSFLOW_FUZZ=ON -DNEWSFLOW_WERROR=OFF \
  -DNEWSFLOW_BUILD_BENCH=OFF >/dev/null
cmake --build "$B" --target "${TARGETS[@]/#/fuzz_}" -j "$JOBS"

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
mkdir -p "$B/artifacts"
for t in "${TARGETS[@]}"; do
  mkdir -p "$B/corpus/$t"
  echo "fuzz: $t for ${SECS}s"
  # -max_len keeps inputs short enough to mutate well; -timeout catches hangs (a YAML bomb etc.).
  "$B/tests/fuzz/fuzz_$t" "$B/corpus/$t" "$ROOT/tests/fuzz/corpus/$t" -dict="$ROOT/tests/fuzz/dict/$t.dict" \
    -max_total_time="$SECS" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$B/artifacts/$t-" 2>&1 | tee "$B/fuzz-$t.log" | grep -E "^(INFO: Seed|#[0-9]+ *DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)" || true
  # A run that did not finish (bad dictionary, bad flag) prints no final stats: a failure too.
  if grep -qE "==[0-9]+==ERROR|SUMMARY: |deadly signal|Test unit written" "$B/fuzz-$t.log" ||
     ! grep -q "stat::number_of_executed_units" "$B/fuzz-$t.log"; then
    echo "fuzz: $t FAILED; see $B/fuzz-$t.log and $B/artifacts/" >&2
    exit 1
  fi
done
echo "fuzz: ${TARGETS[*]}: 0 crashes, 0 leaks in ${SECS}s each"
