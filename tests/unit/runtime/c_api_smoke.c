/*===- c_api_smoke.c - The C API compiled as C ----------------------------===
 *
 * nnrt.h must be valid C: this program includes it from a C translation unit,
 * initialises the fake model, saves its parameters, asks for its input
 * normalisation, runs a forward pass and checks the output shape. Exit code 0
 * on success.
 *
 *===----------------------------------------------------------------------===*/
#include "nnrt.h"

#include <stdio.h>

int main(int argc, char **argv) {
  nnrt_model *model = nnrt_create();
  if (!model || argc < 2) {
    fprintf(stderr, "create: %s\n", nnrt_last_error());
    return 1;
  }
  if (nnrt_init_params(model, 1) != 0 ||
      nnrt_save_params(model, argv[1]) != 0) {
    fprintf(stderr, "params: %s\n", nnrt_last_error());
    return 1;
  }
  /* Parameters from init record no input normalisation: preprocessing,
   * even when asked for, changes nothing. */
  if (nnrt_input_normalization(model, NULL, NULL) != 0 ||
      nnrt_set_preprocess(model, 1) != 0) {
    fprintf(stderr, "normalisation: %s\n", nnrt_last_error());
    return 1;
  }
  const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const int64_t shape[2] = {3, 3};
  const float *inputs[1] = {x};
  const int64_t *shapes[1] = {shape};
  if (nnrt_forward(model, inputs, shapes) != 0) {
    fprintf(stderr, "forward: %s\n", nnrt_last_error());
    return 1;
  }
  const int64_t *out_shape = NULL;
  int rank = 0;
  const float *y = nnrt_output(model, 0, &out_shape, &rank);
  if (!y || rank != 2 || out_shape[0] != 3 || out_shape[1] != 2) {
    fprintf(stderr, "unexpected output\n");
    return 1;
  }
  printf("y[0] = %g\n", (double)y[0]);
  nnrt_destroy(model);
  return 0;
}
