//===- fake_model_untrained.cpp - A "compiled" model without a train block ===//
//
// y = 2 * x with no parameters and no `training` in its manifest, and none
// of the training symbols: the executable linked from it checks that libnnrt
// refers to those symbols weakly (it links) and that `train` and `eval` say
// the model has no train block. The `train` key is what older manifests had;
// the runtime must ignore it.
//
//===----------------------------------------------------------------------===//
#include "nnrt_model.h"

namespace {

const char kManifest[] = R"json({
  "format": 1, "abi": 3,
  "model": "Doubler",
  "source": "doubler.nnm",
  "symbols": ["B"],
  "inputs": [{"name": "x", "shape": ["B", 3], "dtype": "f32"}],
  "outputs": [{"name": "y", "shape": ["B", 3], "dtype": "f32"}],
  "arena_elements": 0,
  "tensors": [],
  "train": {}
})json";

int64_t forwardWorkspace(const nnc_context *, const int64_t *) { return 0; }

void forward(const nnc_context *, const int64_t *dims, const float *,
             const float *const *inputs, float *const *outputs, void *) {
  for (int64_t k = 0; k < dims[0] * 3; ++k)
    outputs[0][k] = 2.0f * inputs[0][k];
}

} // namespace

extern "C" const nnc_model_descriptor nnc_model = {
    NNC_MODEL_ABI_VERSION, 0, kManifest, forwardWorkspace, forward,
    nullptr,               nullptr, nullptr, nullptr};
