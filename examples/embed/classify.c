/* classify.c: two trained models in one C program, through the libraries
 * that `nnc build --emit lib` makes (mlp.h, resnet.h) and the C API of
 * nnrt.h. It classifies Fashion-MNIST test images with each model, reads
 * the 128 features of the MLP's second hidden layer with a forward hook,
 * and shows what a bad call returns.
 *
 *   classify MLP.safetensors RESNET.safetensors IMAGES.gz LABELS.gz
 */
#include "idx.h"
#include "mlp.h"
#include "resnet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SAMPLES = 2000, BATCH = 500, CLASSES = 10 };

/* What the forward hook collects: the features of the last batch. */
typedef struct features {
  float values[BATCH * 128];
  int64_t count; /* floats stored */
  int calls;
} features;

static int keep_features(void *user, const nnrt_hook_call *call) {
  features *f = user;
  const nnrt_hook_tensor *out = &call->outputs[0];
  int64_t n = 1;
  for (int d = 0; d < out->rank; ++d)
    n *= out->shape[d];
  if (n > (int64_t)(sizeof f->values / sizeof f->values[0]))
    return 1; /* stops the call: more than we can hold */
  memcpy(f->values, out->data, (size_t)n * sizeof(float));
  f->count = n;
  f->calls++;
  return 0;
}

/* Classifies the samples with `model`; returns the accuracy, or -1. */
static double accuracy(nnrt_model *model, const char *name, const float *images,
                       const int64_t *labels, int64_t *predicted) {
  static float logits[BATCH * CLASSES];
  int64_t correct = 0;
  for (int64_t start = 0; start < SAMPLES; start += BATCH) {
    const float *inputs[] = {images + start * 784};
    int64_t shape[] = {BATCH, 1, 28, 28};
    const int64_t *shapes[] = {shape};
    float *outputs[] = {logits};
    int64_t capacities[] = {BATCH * CLASSES};
    int status = nnrt_forward_into(model, inputs, shapes, outputs, capacities);
    if (status != NNRT_OK) {
      fprintf(stderr, "%s: %s: %s\n", name, nnrt_status_name(status), nnrt_last_error());
      return -1;
    }
    for (int64_t i = 0; i < BATCH; ++i) {
      int64_t best = 0;
      for (int64_t c = 1; c < CLASSES; ++c)
        if (logits[i * CLASSES + c] > logits[i * CLASSES + best])
          best = c;
      predicted[start + i] = best;
      correct += best == labels[start + i];
    }
  }
  return (double)correct / SAMPLES;
}

/* A model handle with a trained checkpoint whose input normalisation is
 * applied in forward calls, as the executable's `predict` does. */
static nnrt_model *load(nnrt_model *model, const char *name, const char *params) {
  if (!model) {
    fprintf(stderr, "%s: %s\n", name, nnrt_last_error());
    return NULL;
  }
  if (nnrt_load_params(model, params) != NNRT_OK || nnrt_set_preprocess(model, 1) != NNRT_OK) {
    fprintf(stderr, "%s: %s: %s\n", name, nnrt_status_name(nnrt_last_status()), nnrt_last_error());
    nnrt_destroy(model);
    return NULL;
  }
  return model;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: classify MLP.safetensors RESNET.safetensors IMAGES.gz LABELS.gz\n");
    return 2;
  }
  if (nnrt_api_version() != NNRT_API_VERSION) {
    fprintf(stderr, "libnnrt has C API %d, this program was built for %d\n", nnrt_api_version(),
            NNRT_API_VERSION);
    return 1;
  }
  float *images = NULL;
  int64_t *labels = NULL, rows = 0, cols = 0;
  if (idx_read_images(argv[3], SAMPLES, &images, &rows, &cols) != SAMPLES ||
      idx_read_labels(argv[4], SAMPLES, &labels) != SAMPLES || rows != 28 || cols != 28)
    return 1;

  nnrt_options options = {sizeof(nnrt_options), 0};
  nnrt_model *mlp = load(mlp_create(&options), "mlp", argv[1]);
  nnrt_model *resnet = load(resnet_create(&options), "resnet", argv[2]);
  if (!mlp || !resnet)
    return 1;
  printf("models: mlp (%d tensors), resnet (%d tensors); input `%s` [%s, 1, 28, 28]\n",
         nnrt_param_count(mlp), nnrt_param_count(resnet), nnrt_input_name(mlp, 0),
         nnrt_input_dim(mlp, 0, 0));

  static int64_t by_mlp[SAMPLES], by_resnet[SAMPLES];
  double acc_mlp = accuracy(mlp, "mlp", images, labels, by_mlp);
  double acc_resnet = accuracy(resnet, "resnet", images, labels, by_resnet);
  int64_t agree = 0;
  for (int64_t i = 0; i < SAMPLES; ++i)
    agree += by_mlp[i] == by_resnet[i];
  printf("accuracy on %d test images: mlp %.4f, resnet %.4f; the two agree on %.4f\n", SAMPLES,
         acc_mlp, acc_resnet, (double)agree / SAMPLES);

  /* Features of the MLP's second hidden layer (after its ReLU: net.3). */
  static features f;
  int64_t hook = nnrt_register_forward_hook(mlp, "net.3", keep_features, &f, 0);
  if (hook < 0) {
    fprintf(stderr, "hook: %s\n", nnrt_last_error());
    return 1;
  }
  int64_t shape[] = {8, 1, 28, 28};
  const int64_t *shapes[] = {shape};
  const float *inputs[] = {images};
  if (nnrt_forward(mlp, inputs, shapes) != NNRT_OK) {
    fprintf(stderr, "mlp: %s\n", nnrt_last_error());
    return 1;
  }
  nnrt_remove_hook(mlp, hook);
  int64_t zeros = 0;
  double norm = 0;
  for (int64_t i = 0; i < f.count; ++i) {
    zeros += f.values[i] == 0.0f;
    norm += (double)f.values[i] * f.values[i];
  }
  printf("hook on net.3: %d call, %lld features of 8 images, %.1f%% zero (ReLU), norm %.2f\n",
         f.calls, (long long)f.count, 100.0 * zeros / (f.count ? f.count : 1), sqrt(norm));

  /* A call that does not fit says so, by status and message. */
  int64_t wrong[] = {8, 1, 28, 27};
  const int64_t *wrong_shapes[] = {wrong};
  int status = nnrt_forward(mlp, inputs, wrong_shapes);
  printf("a 28x27 image: %s: %s\n", nnrt_status_name(status), nnrt_last_error());

  int ok = acc_mlp > 0.7 && acc_resnet > 0.7 && f.calls == 1 && f.count == 8 * 128 &&
           status == NNRT_SHAPE_MISMATCH;
  nnrt_destroy(mlp);
  nnrt_destroy(resnet);
  free(images);
  free(labels);
  if (!ok) {
    fprintf(stderr, "classify: a check failed\n");
    return 1;
  }
  printf("classify: ok\n");
  return 0;
}
