//===- model.h - A compiled model with its parameters, ready to run -------===//
//
// Model ties the compiled code (manifest and entry points of nnrt_model.h) to
// a parameter arena and runs the forward pass: it binds the symbols from the
// input shapes, sizes the outputs, keeps a 64-byte aligned workspace and calls
// the compiled forward function. The C API and the command line are thin
// layers over it. The code is passed in as ModelCode so tests can run a
// hand-written model; linkedModelCode() returns the symbols linked into the
// executable.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_MODEL_H_CXX
#define NNRT_MODEL_H_CXX

#include "nnrt/manifest.h"
#include "nnrt/param_store.h"
#include "nnrt_model.h"

#include <cstdint>
#include <vector>

namespace nnrt {

/// The symbols of a compiled model (see nnrt_model.h). The training entry
/// points are null for a model without a `train` block.
struct ModelCode {
  using WorkspaceFn = int64_t (*)(const int64_t *dims);
  using EvaluateFn = void (*)(const int64_t *dims, const float *arena,
                              const float *const *inputs, float *const *outputs,
                              void *workspace);
  using TrainStepFn = void (*)(const int64_t *dims, float *arena, float *state,
                               const float *const *inputs,
                               float *const *outputs, const nnc_update *update,
                               void *workspace);

  const char *manifest = nullptr;
  WorkspaceFn workspace = nullptr;
  EvaluateFn forward = nullptr;
  WorkspaceFn evaluateWorkspace = nullptr; ///< nnc_model_evaluate_workspace
  EvaluateFn evaluate = nullptr;           ///< nnc_model_evaluate
  WorkspaceFn trainWorkspace = nullptr;    ///< nnc_model_train_workspace
  TrainStepFn trainStep = nullptr;         ///< nnc_model_train_step

  /// True when all four training entry points are there.
  bool hasTraining() const {
    return evaluateWorkspace && evaluate && trainWorkspace && trainStep;
  }
};

/// The model linked into this executable (nnc_model_manifest and friends;
/// the training symbols are weak references, null when not defined).
ModelCode linkedModelCode();

/// A dense row-major float32 tensor.
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

/// A borrowed input: `data` holds the product of `shape` floats.
struct InputRef {
  const float *data = nullptr;
  std::vector<int64_t> shape;
};

/// A compiled model and its parameters.
class Model {
public:
  /// Parses the manifest (throws Error("manifest: ...")) and allocates a
  /// zeroed parameter arena.
  explicit Model(const ModelCode &code);
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  const Manifest &manifest() const { return manifest_; }
  const ModelCode &code() const { return code_; }
  ParamStore &params() { return params_; }
  const ParamStore &params() const { return params_; }

  /// Runs the forward pass on one input per manifest input. Throws Error for
  /// a wrong input count or shapes that do not fit the manifest.
  std::vector<Tensor> forward(const std::vector<InputRef> &inputs);

private:
  ModelCode code_;
  Manifest manifest_;
  ParamStore params_;
  AlignedBuffer workspace_;
};

} // namespace nnrt

#endif // NNRT_MODEL_H_CXX
