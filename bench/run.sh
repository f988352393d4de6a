#!/usr/bin/env bash
# The benchmark harness, one command on a fresh machine: installs what nnc needs
# (scripts/install-deps.sh) and libopenblas0-pthread (so that PyTorch's matrix products run on
# OpenBLAS, as for any user who has it), builds nnc (Release, in build/ unless BUILD_DIR is
# given), and runs bench/harness.py: every workload with nnc and PyTorch (eager and TorchScript)
# alternating, at 1 and 2 threads, with the ratios, GFLOP/s and fraction of the measured FMA peak.
# Not a test: it takes about ten minutes and its figures depend on the machine.
# usage: bash bench/run.sh [BUILD_DIR] [harness.py options: --rounds R --seconds S --only A,B --out DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  build=$(cd "$1" 2>/dev/null && pwd || echo "$1")
  shift
fi
bash "$root/scripts/install-deps.sh"
if ! dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q 'install ok installed'; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "bench/run.sh: installing libopenblas0-pthread"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends libopenblas0-pthread >/dev/null
fi
if [ ! -x "$build/bin/nnc" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$build" nnc nnrt nnrt_main >/dev/null
exec /usr/bin/python3 "$root/bench/harness.py" --nnc "$build/bin/nnc" "$@"
