#!/usr/bin/env bash
# Installs what is missing, builds nnc, and runs every test: first everything but the PyTorch
# comparisons and the docs test under AddressSanitizer + UndefinedBehaviorSanitizer (the negative
# corpus of sources, flags and files included; the docs test compares text, which the normal build
# checks), then the fuzz stage (scripts/fuzz.sh: the fuzz tree built with clang, the saved crash
# corpus replayed, every harness fuzzed for NNC_FUZZ_SECONDS, default 20), then the whole suite in
# the normal build (its ctest summary is the last line). NNC_SKIP_SANITIZE=1 skips the first stage,
# NNC_SKIP_FUZZ=1 the second.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
jobs=$(nproc)

if [ "${NNC_SKIP_SANITIZE:-0}" != 1 ]; then
  cmake -S . -B build-asan -G Ninja -DNNC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
  ninja -C build-asan -j "$jobs"
  (cd build-asan && ctest -j "$jobs" --output-on-failure -LE 'pytorch|docs')
fi

if [ "${NNC_SKIP_FUZZ:-0}" != 1 ]; then
  FUZZ_JOBS=$jobs bash scripts/fuzz.sh "${NNC_FUZZ_SECONDS:-20}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build -j "$jobs"
cd build
ctest -j "$jobs" --output-on-failure
