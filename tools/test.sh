#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tools/test.sh: the one test command. On a fresh Debian 12 machine it
# installs what is missing (apt-get, only when missing), configures, builds
# and runs the whole suite with ctest, after checking the C files' format
# (tools/format.sh --check):
#   1. a sanitizer build (AddressSanitizer + UBSan) running the unit suite,
#   2. a clang libFuzzer build running every fuzz target for a bounded time,
#   3. the main build running every test (unit, integration, scenario, fuzz
#      replay, slow); its ctest summary is the last thing printed.
#
# Environment: ZC_BUILD_DIR (default build), ZC_QUICK=1 skips steps 1 and 2,
# ZC_FUZZ_SECONDS (default 20) per fuzz target, ZC_JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

need=(build-essential cmake pkg-config clang clang-format git openssl python3
      libnfc-dev libnfc-bin libnfc-examples libserialport-dev libmbedtls-dev
      libsqlite3-dev sqlite3 libcmocka-dev libjansson-dev libcsv-dev
      pcscd vsmartcard-vpcd opensc yubico-piv-tool iproute2 procps)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "== format: the C files against .clang-format"
tools/format.sh --check
echo "== size: no function over 120 lines, no file over 1,200 in host/, shared/, firmware/"
python3 tools/longfn.py host shared firmware

jobs=${ZC_JOBS:-$(nproc)}
build=${ZC_BUILD_DIR:-build}

if [ "${ZC_QUICK:-0}" != 1 ]; then
  echo "== sanitizer build (ASan + UBSan): unit suite"
  cmake -S . -B "$build-asan" -DZC_WERROR=ON -DZC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build "$build-asan" -j "$jobs" >/dev/null
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$build-asan" -L unit --output-on-failure -j "$jobs"

  echo "== fuzz build (clang, libFuzzer): bounded runs"
  CC=clang cmake -S . -B "$build-fuzz" -DZC_WERROR=ON -DZC_FUZZ=ON -DZC_FUZZ_SECONDS="${ZC_FUZZ_SECONDS:-20}" >/dev/null
  cmake --build "$build-fuzz" -j "$jobs" >/dev/null
  ctest --test-dir "$build-fuzz" --output-on-failure
fi

echo "== main build: the whole suite"
cmake -S . -B "$build" -DZC_WERROR=ON >/dev/null
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" --output-on-failure -j "$jobs"
