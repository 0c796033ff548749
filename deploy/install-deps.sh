#!/usr/bin/env bash
# Installs the Debian packages newsflow needs to build, test and run (idempotent, quiet when done).
# `--training` adds what regenerating committed model data needs.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  clang libclang-rt-14-dev  # libFuzzer + sanitizer runtimes for tests/fuzz/fuzz.sh
  librdkafka-dev libtbb-dev prometheus-cpp-dev libsimdjson-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libicu-dev libutf8proc-dev libxxhash-dev
  libcld2-dev libcpp-httplib-dev nlohmann-json3-dev
  kcat prometheus python3 python3-jsonschema iso-codes wngerman wspanish
  openjdk-17-jre-headless maven
)
# Only to regenerate committed model data (`--training`): CLDR exemplar characters for
# config/models/langid-exemplars.tsv (src/stages/langid/scripts/make_exemplars.py).
if [ "${1:-}" = "--training" ]; then PACKAGES+=(unicode-cldr-core); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A JDK or Maven installed another way (e.g. /usr/local) is fine.
if command -v java >/dev/null; then missing=("${missing[@]/openjdk-17-jre-headless}"); fi
if command -v mvn >/dev/null; then missing=("${missing[@]/maven}"); fi
read -r -a missing <<< "${missing[*]}"
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
