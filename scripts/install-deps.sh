#!/usr/bin/env bash
# Installs every Debian package that nnc needs to build, test (the fuzz stage: clang-19 with
# libFuzzer and the sanitizer runtimes) and run its demo.
# Idempotent: when everything is present it prints nothing and exits 0.
set -euo pipefail

packages=(
  build-essential cmake ninja-build
  llvm-19-dev llvm-19-tools
  clang-19 libfuzzer-19-dev libclang-rt-19-dev
  nlohmann-json3-dev doctest-dev libcli11-dev zlib1g-dev
  python3-torch python3-numpy pkgconf
)
optional=(graphviz dataset-fashion-mnist chromium)

missing=()
for p in "${packages[@]}" "${optional[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
