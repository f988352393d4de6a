#!/usr/bin/env bash
# Builds the fuzz tree (build-fuzz: clang-19, libFuzzer, ASan + UBSan; docs/fuzzing.md), replays the
# saved crash corpus (tests/fuzz/crashes/<harness>/, every input that ever crashed a harness), then
# runs every harness for SECONDS (default 60) and prints, per harness, the executions, libFuzzer's
# coverage (cov: edges, ft: features) and what it found. Exits non-zero when a replayed input still
# fails or a harness found a crash, a leak, a timeout or an out-of-memory.
#
# usage: scripts/fuzz.sh [SECONDS]        (0: build and replay only)
# environment:
#   FUZZ_HARNESSES="npy idx"   a subset (default: all eight)
#   FUZZ_JOBS=2                harnesses run at once (default 1)
#   FUZZ_BUILD=DIR             the build tree (default build-fuzz)
# New inputs that reach new coverage accumulate in $FUZZ_BUILD/fuzz-corpus/<harness>/ (never in the
# committed seeds); findings and logs go to $FUZZ_BUILD/fuzz-out/<harness>/.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-60}
build=${FUZZ_BUILD:-$root/build-fuzz}
jobs=${FUZZ_JOBS:-1}
read -r -a harnesses <<<"${FUZZ_HARNESSES:-nnm nnir safetensors checkpoint npy idx idx_gzip csv}"
fuzz=$root/tests/fuzz

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-19 \
  -DCMAKE_CXX_COMPILER=clang++-19 -DNNC_FUZZ=ON >/dev/null || exit 1
ninja -C "$build" fuzz_all || exit 1
export NNC_STDLIB=$root/stdlib

# Options per harness. Sources up to 8 KiB reach the front end's nesting limit (1000 levels) and
# long flat chains; longer ones only slow the search down.
options_for() {
  case $1 in
    nnm) echo "-dict=$fuzz/nnm.dict -max_len=8192" ;;
    nnir) echo "-dict=$fuzz/nnir.dict" ;;
    *) echo "" ;;
  esac
}

# --- the saved crash corpus: each input once, as regression tests
failed=0
for h in "${harnesses[@]}"; do
  mapfile -t inputs < <(find "$fuzz/crashes/$h" -type f ! -name '.*' ! -name 'README.md' 2>/dev/null | sort)
  [ ${#inputs[@]} -eq 0 ] && continue
  if "$build/bin/fuzz_$h" "${inputs[@]}" >"$build/replay-$h.log" 2>&1; then
    echo "replay $h: ${#inputs[@]} saved crashes, all pass"
  else
    echo "replay $h: FAILED (log: $build/replay-$h.log)"; tail -n 30 "$build/replay-$h.log"
    failed=1
  fi
done
[ "$seconds" -eq 0 ] && exit $failed

# --- fuzzing
run_one() {
  local h=$1 out=$build/fuzz-out/$1 work=$build/fuzz-corpus/$1
  rm -rf "$out"
  mkdir -p "$out" "$work"
  # shellcheck disable=SC2046
  "$build/bin/fuzz_$h" $(options_for "$h") -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/" "$work" "$fuzz/corpus/$h" \
    >"$out/log" 2>&1
  echo $? >"$out/status"
}

running=0
for h in "${harnesses[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  run_one "$h" &
  running=$((running + 1))
done
wait

count() { find "$build/fuzz-out/$1" -maxdepth 1 -name "$2-*" | wc -l; }
printf '\n%-12s %12s %8s %8s %8s %9s %6s %5s\n' harness executions cov ft crashes timeouts leaks ooms
for h in "${harnesses[@]}"; do
  out=$build/fuzz-out/$h
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$out/log" | tail -n 1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$out/log" | tail -n 1 | cut -d' ' -f2)
  crashes=$(count "$h" crash) timeouts=$(count "$h" timeout) leaks=$(count "$h" leak)
  ooms=$(count "$h" oom)
  printf '%-12s %12s %8s %8s %8s %9s %6s %5s\n' "$h" "${execs:-?}" "${cov:-?}" "${ft:-?}" \
    "$crashes" "$timeouts" "$leaks" "$ooms"
  status=$(cat "$out/status")
  if [ $((crashes + timeouts + leaks + ooms)) -gt 0 ] || [ "$status" -ne 0 ]; then
    failed=1
    echo "  $h: libFuzzer exited $status; the input and log are in $out" >&2
  fi
done
exit $failed
