//===- fake_model.cpp - A hand-written "compiled" model for runtime tests -===//
//
// Defines the model descriptor `nnc_model` of nnrt_model.h the way `nnc
// build` does, without the compiler: a Linear(3, 2) followed by a per-feature scale buffer,
//   y = (x @ fc.weight.T + fc.bias) * scale      x: [B, 3], y: [B, 2]
// with PyTorch's default Linear initialisation (kaiming_uniform a=sqrt(5),
// bias uniform(-1/sqrt(3), 1/sqrt(3))) and scale = ones. The product goes
// through the workspace so the workspace contract (size, 64-byte alignment)
// is exercised too.
//
// It also has a train block: loss = mse(y, target) (the mean over all B * 2
// elements), with the gradients written out by hand
//   dL/dy       = 2 (y - t) / (2B)
//   dL/dW[o, i] = sum_b dL/dy[b, o] * scale[o] * x[b, i]
//   dL/db[o]    = sum_b dL/dy[b, o] * scale[o]
// and the per-element formulas of nnc_update applied to fc.weight and
// fc.bias; `scale` is a buffer and is never touched.
//
//===----------------------------------------------------------------------===//
#include "nnrt_model.h"
#include "reference_update.h"

#include <cstdlib>

namespace {

const char kManifest[] = R"json({
  "format": 1, "abi": 3,
  "model": "Fake",
  "source": "fake.nnm",
  "symbols": ["B"],
  "inputs": [{"name": "x", "shape": ["B", 3], "dtype": "f32"}],
  "outputs": [{"name": "y", "shape": ["B", 2], "dtype": "f32"}],
  "arena_elements": 10,
  "tensors": [
    {"name": "fc.weight", "kind": "param", "trainable": true, "shape": [2, 3],
     "dtype": "f32", "offset": 0,
     "init": {"fn": "kaiming_uniform", "a": 2.23606797749979, "mode": "fan_in",
              "nonlinearity": "leaky_relu"}},
    {"name": "fc.bias", "kind": "param", "trainable": true, "shape": [2],
     "dtype": "f32", "offset": 6,
     "init": {"fn": "uniform", "a": -0.5773502691896258, "b": 0.5773502691896258}},
    {"name": "scale", "kind": "buffer", "trainable": false, "shape": [2],
     "dtype": "f32", "offset": 8, "init": {"fn": "ones"}}
  ],
  "modules": [{"path": "", "type": "Fake"}, {"path": "fc", "type": "Linear"}],
  "training": {
    "loss": "mse",
    "loss_source": "mse(output, target)",
    "class_targets": false,
    "target": {"name": "target", "shape": ["B", 2], "dtype": "f32"},
    "optimizer": {"name": "SGD", "lr": 0.1, "momentum": 0.9, "dampening": 0.0,
                  "nesterov": false, "weight_decay": 0.0},
    "batch": 4,
    "epochs": 3,
    "seed": 0,
    "shuffle": true,
    "validation": 0.0,
    "normalize": "none"
  }
})json";

int64_t forwardWorkspace(const nnc_context *, const int64_t *dims) {
  return dims[0] * 2 * int64_t(sizeof(float));
}

void forward(const nnc_context *, const int64_t *dims, const float *arena,
             const float *const *inputs, float *const *outputs, void *workspace) {
  // The contract promises a 64-byte aligned workspace; a broken promise must
  // be loud in tests.
  if (reinterpret_cast<uintptr_t>(workspace) % 64 != 0)
    std::abort();
  const int64_t batch = dims[0];
  const float *weight = arena, *bias = arena + 6, *scale = arena + 8;
  float *product = static_cast<float *>(workspace); // [B, 2]
  for (int64_t b = 0; b < batch; ++b)
    for (int o = 0; o < 2; ++o) {
      float sum = bias[o];
      for (int i = 0; i < 3; ++i)
        sum += inputs[0][b * 3 + i] * weight[o * 3 + i];
      product[b * 2 + o] = sum;
    }
  for (int64_t k = 0; k < batch * 2; ++k)
    outputs[0][k] = product[k] * scale[k % 2];
}

constexpr int kTrainable = 8; // fc.weight (6) and fc.bias (2)

// mean((y - t)^2) over the B * 2 elements, accumulated in double.
float mseLoss(int64_t batch, const float *y, const float *target) {
  double sum = 0;
  for (int64_t k = 0; k < batch * 2; ++k) {
    double diff = double(y[k]) - double(target[k]);
    sum += diff * diff;
  }
  return float(sum / double(batch * 2));
}

void gradients(int64_t batch, const float *arena, const float *x,
               const float *y, const float *target, float *grad) {
  const float *scale = arena + 8;
  for (int j = 0; j < 10; ++j)
    grad[j] = 0.0f; // this step's values, not accumulated
  for (int64_t b = 0; b < batch; ++b)
    for (int o = 0; o < 2; ++o) {
      float dy = 2.0f * (y[b * 2 + o] - target[b * 2 + o]) / float(batch * 2);
      float dproduct = dy * scale[o];
      for (int i = 0; i < 3; ++i)
        grad[o * 3 + i] += dproduct * x[b * 3 + i];
      grad[6 + o] += dproduct;
    }
}

void evaluate(const nnc_context *ctx, const int64_t *dims, const float *arena,
              const float *const *inputs, float *const *outputs, void *workspace) {
  forward(ctx, dims, arena, inputs, outputs, workspace);
  outputs[1][0] = mseLoss(dims[0], outputs[0], inputs[1]);
}

void trainStep(const nnc_context *ctx, const int64_t *dims, float *arena, float *state,
               const float *const *inputs, float *const *outputs, const nnc_update *u,
               void *workspace) {
  const int64_t arenaElements = 10;
  evaluate(ctx, dims, arena, inputs, outputs, workspace);
  float *grad = state, *s1 = state + arenaElements,
        *s2 = state + 2 * arenaElements;
  gradients(dims[0], arena, inputs[0], outputs[0], inputs[1], grad);
  referenceUpdate(*u, arena, grad, s1, s2, kTrainable);
}

} // namespace

extern "C" const nnc_model_descriptor nnc_model = {
    NNC_MODEL_ABI_VERSION, 0,        kManifest, forwardWorkspace, forward,
    forwardWorkspace,      evaluate, forwardWorkspace, trainStep};
