#!/usr/bin/env bash
# with-broker.sh CMD...: run CMD against the local Kafka broker (deploy/kafka/kafka.sh).
# Starts the broker if it is not running, creates the pipeline's topics, exports
# KAFKA_BOOTSTRAP, runs CMD, and stops the broker afterwards only if this script started it.
# Exit status: CMD's, or 1 if the broker could not be started.
# Same environment as kafka.sh (KAFKA_PORT, KAFKA_DATA_DIR, KAFKA_TOPIC_*, ...).
set -uo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 64; }
KAFKA_SH="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../deploy/kafka" && pwd)/kafka.sh"

started=0
stop_if_started() {
  if (( started )); then "$KAFKA_SH" stop || true; fi
}
trap stop_if_started EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! "$KAFKA_SH" status >/dev/null 2>&1; then
  started=1
  "$KAFKA_SH" start || exit 1
fi
"$KAFKA_SH" create-topics || exit 1
KAFKA_BOOTSTRAP="$("$KAFKA_SH" bootstrap)"
export KAFKA_BOOTSTRAP

"$@"
