#!/usr/bin/env bash
# Runs the tests under sanitizers (CI step after `make test`; see tests/sanitizers/README.md):
#   asan: ASan+UBSan build in build-asan, the `unit` and `graph` labelled tests
#   tsan: TSan build in build-tsan, the `graph` labelled tests and the concurrent unit tests
# Any sanitizer report fails the test that produced it (halt_on_error), so 0 reports = green.
# Only test binaries are built (targets tests_unit / tests_graph; no bench, tools or app), through
# ccache when installed. Usage: tests/sanitize.sh [asan|tsan|all]   (env JOBS, default 2)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WHAT=${1:-all}
JOBS=${JOBS:-2}
# Relative paths in ccache keys: a fresh clone elsewhere (CI) hits what a worktree built.
# (-g puts the build directory into the hash unless hash_dir is off.)
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$ROOT")}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
SUPP="$ROOT/tests/sanitizers"

configure() {  # DIR SANITIZERS
  cmake -S "$ROOT" -B "$ROOT/$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEWSFLOW_SANITIZE="$2" \
    -DNEWSFLOW_BUILD_BENCH=OFF -DNEWSFLOW_BUILD_TESTS=ON >/dev/null
}

run_asan() {
  local t0=$SECONDS
  configure build-asan address,undefined
  cmake --build "$ROOT/build-asan" --target tests_unit tests_graph -j "$JOBS"
  export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
  export LSAN_OPTIONS="suppressions=$SUPP/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$SUPP/ubsan.supp"
  (cd "$ROOT/build-asan" && ctest --output-on-failure -L 'unit|graph' -j "$JOBS")
  echo "sanitize: asan+ubsan done in $((SECONDS - t0)) s"
}

run_tsan() {
  local t0=$SECONDS
  configure build-tsan thread
  cmake --build "$ROOT/build-tsan" --target tests_graph offset_tracker_test -j "$JOBS"
  # TBB's scheduler is not instrumented; see tests/sanitizers/tsan.supp for what is suppressed and why.
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$SUPP/tsan.supp"
  (cd "$ROOT/build-tsan" && ctest --output-on-failure -L graph -j "$JOBS" &&
     ctest --output-on-failure -R '^OffsetTracker\.' -j "$JOBS")
  echo "sanitize: tsan done in $((SECONDS - t0)) s"
}

case "$WHAT" in
  asan) run_asan ;;
  tsan) run_tsan ;;
  all) run_asan; run_tsan ;;
  *) echo "usage: $0 [asan|tsan|all]" >&2; exit 64 ;;
esac
