#!/usr/bin/env bash
# The pictures of docs/pictures.md, made by the commands the page shows: the module tree, the
# forward graph and the autograd graph (`nnc graph --format svg`), compared byte for byte with
# docs/images/; and the explorer of the seed's MLP (`nnc explore`), whose page must pass the browser
# test. With --update the pictures in docs/images/ are rewritten, the explorer's page and its
# screenshot (Chromium's rendering differs between versions, so they are not compared) included.
# usage: pictures.sh NNC SOURCE_ROOT [--update]
set -euo pipefail
nnc=$1 root=$2 update=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
images=$root/docs/images

"$nnc" graph "$root/examples/residual.nnm" --view modules --format svg -o graph_modules.svg
"$nnc" graph "$root/examples/xor.nnm" --view forward --format svg -o graph_forward.svg
"$nnc" graph "$root/examples/xor.nnm" --view backward --format svg -o graph_backward.svg
for picture in graph_modules graph_forward graph_backward; do
  if [ "$update" = --update ]; then
    cp "$picture.svg" "$images/$picture.svg"
  fi
  cmp "$picture.svg" "$images/$picture.svg" \
    || fail "docs/images/$picture.svg is not what the command draws (run with --update)"
done

"$nnc" explore "$root/examples/mlp.nnm" -o explore.html 2>/dev/null
bash "$root/tests/explore/browser_check.sh" explore.html "$work/browser" >/dev/null
if [ "$update" = --update ]; then
  cp explore.html "$images/explore.html"
  cp "$work/browser/explore.png" "$images/explore.png"
fi
echo "pictures: all checks passed"
