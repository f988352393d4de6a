#!/usr/bin/env bash
# Installs what is missing, builds nnc, and runs every test: first the negative tests and the
# runtime's unit tests under AddressSanitizer + UndefinedBehaviorSanitizer, then the whole suite
# in the normal build (its ctest summary is the last line).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
jobs=$(nproc)

if [ "${NNC_SKIP_SANITIZE:-0}" != 1 ]; then
  cmake -S . -B build-asan -G Ninja -DNNC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
  ninja -C build-asan -j "$jobs"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=0 ctest -j "$jobs" --output-on-failure \
     -L 'negative|sanitize')
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build -j "$jobs"
cd build
ctest -j "$jobs" --output-on-failure
