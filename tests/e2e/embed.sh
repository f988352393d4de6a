#!/usr/bin/env bash
# The embedding story as a user lives it: `cmake --install` of this build into a temporary prefix,
# which is then moved (the package is relocatable); examples/embed configured out of tree with
# find_package(nnc), built (nnc_add_model compiles both models) and its own ctest run (each model
# trained one epoch by its executable, then the C and the C++ program); a C program built with
# pkg-config against a library from the installed `nnc build --emit lib`; and that library's
# symbols and files.
# usage: embed.sh BUILD_DIR SOURCE_ROOT
set -euo pipefail
build=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$work/installed" >/dev/null
mv "$work/installed" "$work/prefix"
prefix=$work/prefix
for f in bin/nnc lib/libnnrt.a lib/libnnrt.so include/nnrt.h include/nnrt.hpp \
  include/nnrt_model.h lib/cmake/nnc/nncConfig.cmake lib/pkgconfig/nnrt.pc \
  share/nnc/stdlib/nn.nnm; do
  [ -e "$prefix/$f" ] || fail "the install has no $f"
done
# The shared runtime exports the C API and nothing else.
if nm -D --defined-only "$prefix/lib/libnnrt.so" | awk '{print $3}' | grep -v '^nnrt_' | grep .; then
  fail "libnnrt.so exports symbols outside the C API"
fi

cmake -S "$root/examples/embed" -B "$work/embed" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/embed" >/dev/null
(cd "$work/embed" && ctest --output-on-failure) | tee "$work/ctest.txt"
# nnc's depfile names the residual classifier's import, so that the build tracks it.
grep -q "examples/residual.nnm" "$work/embed/nnc_models/resnet/resnet.d" \
  || fail "the depfile of resnet does not list residual.nnm"
grep -q "residual.nnm" "$work/embed"/CMakeFiles/d/*.d \
  || fail "the build does not read the depfile (CMake's copy of it lists no residual.nnm)"
grep -q '100% tests passed' "$work/ctest.txt" || fail "examples/embed: its tests failed"

# pkg-config: a library from the installed nnc, a C program against the shared runtime.
"$prefix/bin/nnc" build "$root/examples/xor.nnm" --emit lib -o "$work/lib/xor" 2>/dev/null \
  && fail "--emit lib wrote into a missing folder"
mkdir "$work/lib"
"$prefix/bin/nnc" build "$root/examples/xor.nnm" --emit lib -o "$work/lib/xor"
[ "$(nm -g --defined-only "$work/lib/libxor.so" | awk '{print $3}')" = xor_model ] \
  || fail "libxor.so should define xor_model alone"
cat > "$work/xor_main.c" <<'C'
#include "xor.h"
#include <stdio.h>
int main(void) {
  /* No model with the default prefix is linked: nnrt_create says so. */
  if (nnrt_create() != NULL || nnrt_last_status() != NNRT_NOT_FOUND) return 2;
  nnrt_model *m = xor_create(NULL);
  if (!m || XOR_INPUT_COUNT != 1 || !XOR_CAN_TRAIN) return 1;
  const float x[2] = {1, 0};
  const int64_t shape[2] = {1, 2};
  const float *in[1] = {x};
  const int64_t *shapes[1] = {shape};
  if (nnrt_init_params(m, 1) || nnrt_forward(m, in, shapes)) return 1;
  printf("xor output %s %d\n", nnrt_output_name(m, 0), nnrt_output_rank(m, 0));
  nnrt_destroy(m);
  return 0;
}
C
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# shellcheck disable=SC2046  # pkg-config prints a list of flags
cc -std=c11 -I"$work/lib" "$work/xor_main.c" "$work/lib/libxor.a" $(pkg-config --cflags --libs nnrt) \
  -Wl,-rpath,"$prefix/lib" -o "$work/xor_main"
"$work/xor_main" | grep -q '^xor output' || fail "the pkg-config program"
# shellcheck disable=SC2046
cc -std=c11 -I"$work/lib" "$work/xor_main.c" "$work/lib/libxor.a" \
  $(pkg-config --static --cflags --libs nnrt | sed 's/-lnnrt/-l:libnnrt.a/') -o "$work/xor_static"
"$work/xor_static" | grep -q '^xor output' || fail "the program with the static runtime"
ldd "$work/xor_static" | grep -q libnnrt && fail "the static program loads libnnrt.so"
echo "embed: all checks passed"
