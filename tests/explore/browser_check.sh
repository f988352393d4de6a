#!/usr/bin/env bash
# The page of `nnc explore` as a person would use it: opened in headless Chromium.
#   bash tests/explore/browser_check.sh PAGE.html OUT_DIR
# 1. Self-check first: a tiny page that logs a console error and throws must be caught by
#    the console detector, so that this test can never pass because the detector is blind.
# 2. The page, loaded with #selftest (its script then tries every option of every select and
#    reports a wrong panel with console.error): the DOM after the scripts ran must hold every
#    section, the script's ready marker and a passed self-test, and the browser must have
#    logged no console line at all (the page is silent when it works).
# 3. A screenshot, OUT_DIR/explore.png, which must be a PNG of the window size and not
#    nearly empty.
# 4. The page must be self-contained: no script, style, image or font from elsewhere.
# Needs Debian's chromium (scripts/install-deps.sh lists it as optional).
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND exited with $?" >&2' ERR

[ $# -eq 2 ] || { echo "usage: $0 PAGE.html OUT_DIR" >&2; exit 2; }
page=$(realpath "$1")
out=$2
[ -f "$page" ] || fail "no page at $1"
mkdir -p "$out"
out=$(realpath "$out")

browser=""
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null; then browser=$candidate; break; fi
done
[ -n "$browser" ] || fail "chromium is not installed (apt-get install chromium)"
echo "browser check: $("$browser" --version 2>/dev/null | head -n 1)"

sections=(modules forward init activations params curves)
width=1280 height=3400 # the whole page of a small model at a laptop's width

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs the browser on a URL with the given extra flags; stdout to $1, stderr to $2. Every
# run gets a fresh profile and a time limit: a hung browser fails the test, not the CI.
browse() {
  local stdout=$1 stderr=$2
  shift 2
  local profile
  profile=$(mktemp -d -p "$work")
  if ! timeout 60 "$browser" --headless --no-sandbox --disable-gpu --enable-logging=stderr \
      --v=0 --user-data-dir="$profile" --no-first-run --hide-scrollbars "$@" \
      >"$stdout" 2>"$stderr"; then
    tail -n 20 "$stderr" >&2
    fail "chromium failed or timed out on: ${*: -1}"
  fi
}

# Chromium writes each console message and each uncaught exception of the page to stderr as
# one `INFO:CONSOLE...] "message", source: URL (line)` line, whatever its level (log, warn
# and error look alike), so any such line counts as an error.
console_errors() {
  grep -E ':CONSOLE[:(]' "$1" || true
}

# 1. The detector must see a deliberate console.error and a deliberate throw.
cat >"$work/broken.html" <<'EOF'
<!DOCTYPE html><html><body><p>broken on purpose</p><script>
console.error('selfcheck: deliberate console error');
throw new Error('selfcheck: deliberate uncaught exception');
</script></body></html>
EOF
browse "$work/broken.dom" "$work/broken.err" --dump-dom "file://$work/broken.html#selftest"
caught=$(console_errors "$work/broken.err")
grep -q 'deliberate console error' <<<"$caught" ||
  fail "self-check: the console detector missed a deliberate console.error"
grep -q 'Uncaught.*deliberate uncaught exception' <<<"$caught" ||
  fail "self-check: the console detector missed a deliberate uncaught exception"
echo "browser check: self-check passed (a broken page is caught)"

# 2. The DOM after the scripts ran, with the page's own click-through.
browse "$out/explore.dom.html" "$out/selftest.stderr" --dump-dom "file://$page#selftest"
dom=$out/explore.dom.html
[ -s "$dom" ] || fail "chromium dumped an empty DOM"
for id in "${sections[@]}"; do
  grep -q "<section id=\"$id\">" "$dom" || fail "section id=\"$id\" is missing from the page"
done
grep -q 'data-ready="1"' "$dom" || fail "the page's script did not run to its end (no data-ready)"
grep -q 'data-selftest="passed"' "$dom" ||
  fail "the page's self-test did not pass (data-selftest is not \"passed\"; see console lines)"
options=$(grep -o 'data-selftest-options="[0-9]*"' "$dom" | grep -o '[0-9]\+') ||
  fail "the page's self-test did not say how many options it tried"
selects=$({ grep -o '<select data-group=' "$dom" || true; } | wc -l)
[ "$options" -ge "$selects" ] || fail "the self-test tried $options options of $selects selects"
errors=$(console_errors "$out/selftest.stderr")
[ -z "$errors" ] || fail "the page logged to the console:
$errors"
echo "browser check: DOM has all ${#sections[@]} sections;" \
  "self-test tried $options options of $selects selects"

# 3. The screenshot; the page without #selftest, as a person opens it.
rm -f "$out/explore.png"
browse "$work/shot.out" "$out/screenshot.stderr" --window-size="$width,$height" \
  --screenshot="$out/explore.png" "file://$page"
errors=$(console_errors "$out/screenshot.stderr")
[ -z "$errors" ] || fail "the page logged to the console while loading:
$errors"
png=$out/explore.png
[ -s "$png" ] || fail "no screenshot at $png"
[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
  fail "$png is not a PNG"
# The IHDR chunk's width and height, big-endian, at bytes 16..23.
size=$(od -An -tu1 -j16 -N8 "$png" |
  awk '{ printf "%dx%d", (($1*256+$2)*256+$3)*256+$4, (($5*256+$6)*256+$7)*256+$8 }')
[ "$size" = "${width}x${height}" ] || fail "the screenshot is $size, not ${width}x${height}"
bytes=$(stat -c %s "$png")
# A blank or nearly blank page of this size compresses to a few kB; charts and text do not.
[ "$bytes" -ge 40000 ] || fail "the screenshot is only $bytes bytes: the page looks empty"
echo "browser check: screenshot $png ($size, $bytes bytes)"

# 4. Nothing loaded from elsewhere.
if grep -Eno '<(script|img|link|iframe|object|embed)[^>]*(src|href)=|url\(|@import|@font-face' \
    "$page"; then
  fail "the page loads a resource from outside itself (above)"
fi

echo "browser check: all checks passed"
