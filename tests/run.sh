#!/usr/bin/env bash
# Runs the whole test suite from a build directory. Kafka-labelled tests get a real broker
# (deploy/kafka/kafka.sh), started here when such tests exist and stopped afterwards.
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT/$BUILD"
JOBS=$(nproc)

ctest --output-on-failure -LE kafka -j "$JOBS"

if ctest -N -L kafka | grep -q "Total Tests: [1-9]"; then
  "$ROOT/tests/kafka/with-broker.sh" ctest --output-on-failure -L kafka
fi
