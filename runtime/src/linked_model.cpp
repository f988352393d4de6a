//===- linked_model.cpp - The compiled model linked into this program -----===//
//
// The only file of libnnrt that refers to the symbols of nnrt_model.h. It is
// pulled out of the static library only by code that asks for the linked
// model (the command line, nnrt_create), so programs that pass their own
// ModelCode, like the unit tests, link without a model object.
//
// The training entry points exist only in models with a `train` block, so
// they are referenced weakly: a model without one still links, and the
// pointers are null (ModelCode::hasTraining() is false).
//
//===----------------------------------------------------------------------===//
#include "nnrt/model.h"
#include "nnrt_model.h"

extern "C" {
__attribute__((weak)) int64_t nnc_model_evaluate_workspace(const int64_t *dims);
__attribute__((weak)) void nnc_model_evaluate(const int64_t *dims,
                                              const float *arena,
                                              const float *const *inputs,
                                              float *const *outputs,
                                              void *workspace);
__attribute__((weak)) int64_t nnc_model_train_workspace(const int64_t *dims);
__attribute__((weak)) void
nnc_model_train_step(const int64_t *dims, float *arena, float *state,
                     const float *const *inputs, float *const *outputs,
                     const nnc_update *update, void *workspace);
}

namespace nnrt {

ModelCode linkedModelCode() {
  ModelCode code;
  code.manifest = nnc_model_manifest;
  code.workspace = nnc_model_forward_workspace;
  code.forward = nnc_model_forward;
  code.evaluateWorkspace = nnc_model_evaluate_workspace;
  code.evaluate = nnc_model_evaluate;
  code.trainWorkspace = nnc_model_train_workspace;
  code.trainStep = nnc_model_train_step;
  return code;
}

} // namespace nnrt
