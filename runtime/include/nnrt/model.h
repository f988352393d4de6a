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

#include <cstdint>
#include <vector>

namespace nnrt {

/// The symbols of a compiled model (see nnrt_model.h).
struct ModelCode {
  const char *manifest = nullptr;
  int64_t (*workspace)(const int64_t *dims) = nullptr;
  void (*forward)(const int64_t *dims, const float *arena,
                  const float *const *inputs, float *const *outputs,
                  void *workspace) = nullptr;
};

/// The model linked into this executable (nnc_model_manifest and friends).
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
