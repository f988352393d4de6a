//===- fake_model.cpp - A hand-written "compiled" model for runtime tests -===//
//
// Defines the symbols of nnrt_model.h the way `nnc build` will, without the
// compiler: a Linear(3, 2) followed by a per-feature scale buffer,
//   y = (x @ fc.weight.T + fc.bias) * scale      x: [B, 3], y: [B, 2]
// with PyTorch's default Linear initialisation (kaiming_uniform a=sqrt(5),
// bias uniform(-1/sqrt(3), 1/sqrt(3))) and scale = ones. The product goes
// through the workspace so the workspace contract (size, 64-byte alignment)
// is exercised too.
//
//===----------------------------------------------------------------------===//
#include "nnrt_model.h"

#include <cstdlib>

extern "C" const char nnc_model_manifest[] = R"json({
  "format": 1,
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
  "modules": [{"path": "", "type": "Fake"}, {"path": "fc", "type": "Linear"}]
})json";

extern "C" int64_t nnc_model_forward_workspace(const int64_t *dims) {
  return dims[0] * 2 * int64_t(sizeof(float));
}

extern "C" void nnc_model_forward(const int64_t *dims, const float *arena,
                                  const float *const *inputs,
                                  float *const *outputs, void *workspace) {
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
