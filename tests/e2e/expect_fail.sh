#!/usr/bin/env bash
# Runs a command that must fail: checks that it exits non-zero (and not by a signal, which would
# be a crash) and that its stderr contains the expected text.
# usage: expect_fail.sh "EXPECTED TEXT" COMMAND [ARGS...]
set -uo pipefail
expected=$1
shift
err=$(mktemp)
trap 'rm -f "$err"' EXIT
"$@" >/dev/null 2>"$err"
status=$?
if [ $status -eq 0 ]; then
  echo "FAIL: \`$*\` succeeded; expected an error containing: $expected"; exit 1
fi
if [ $status -ge 128 ]; then
  echo "FAIL: \`$*\` died with signal $((status - 128))"; cat "$err"; exit 1
fi
if grep -qi "sanitizer" "$err"; then
  echo "FAIL: sanitizer report"; cat "$err"; exit 1
fi
if ! grep -qF -- "$expected" "$err"; then
  echo "FAIL: stderr of \`$*\` lacks: $expected"; echo "--- stderr:"; cat "$err"; exit 1
fi
echo "OK (exit $status): $(head -n 1 "$err")"
