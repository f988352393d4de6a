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

#include "nnrt/hooks.h"
#include "nnrt/manifest.h"
#include "nnrt/param_store.h"
#include "nnrt/thread_pool.h"
#include "nnrt_model.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace nnrt {

/// The entry points of a compiled model (a model descriptor of
/// nnrt_model.h). The training entry points are null for a model without a
/// `train` block.
struct ModelCode {
  using WorkspaceFn = nnc_workspace_fn;
  using EvaluateFn = nnc_run_fn;
  using TrainStepFn = nnc_train_step_fn;

  /// The descriptor's NNC_MODEL_ABI_VERSION: Model refuses any other.
  int abiVersion = NNC_MODEL_ABI_VERSION;
  const char *manifest = nullptr;
  WorkspaceFn workspace = nullptr;
  EvaluateFn forward = nullptr;
  WorkspaceFn evaluateWorkspace = nullptr;
  EvaluateFn evaluate = nullptr;
  WorkspaceFn trainWorkspace = nullptr;
  TrainStepFn trainStep = nullptr;
  /// The hooked variants (nnrt_model.h); null in code without them.
  WorkspaceFn forwardHookedWorkspace = nullptr;
  EvaluateFn forwardHooked = nullptr;
  WorkspaceFn evaluateHookedWorkspace = nullptr;
  EvaluateFn evaluateHooked = nullptr;
  WorkspaceFn trainHookedWorkspace = nullptr;
  TrainStepFn trainStepHooked = nullptr;

  /// True when all four training entry points are there.
  bool hasTraining() const {
    return evaluateWorkspace && evaluate && trainWorkspace && trainStep;
  }

  /// The entry points `descriptor` points to. Its version is checked when a
  /// Model is made of them, before anything else of it is read.
  static ModelCode fromDescriptor(const nnc_model_descriptor &descriptor);
};

/// Throws Error when `code` comes from a descriptor of another ABI version:
/// another ABI may lay out even the descriptor differently, so this comes
/// before anything else of it is read.
void checkModelAbi(const ModelCode &code);

/// The model linked into this executable: the descriptor `nnc_model`.
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
  /// Checks the ABI version, parses the manifest (throws Error("manifest:
  /// ...")) and allocates a zeroed parameter arena. The compiled code runs
  /// on `threads` threads, the caller's included (0: every CPU this process
  /// may use).
  explicit Model(const ModelCode &code, int threads = 0);
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  const Manifest &manifest() const { return manifest_; }
  const ModelCode &code() const { return code_; }
  ParamStore &params() { return params_; }
  const ParamStore &params() const { return params_; }

  /// Runs the forward pass on one input per manifest input. Throws Error for
  /// a wrong input count or shapes that do not fit the manifest.
  std::vector<Tensor> forward(const std::vector<InputRef> &inputs);
  /// The same into `outputs`, whose storage is reused: a call with inputs of
  /// the shapes of the previous call allocates nothing (serving a stream of
  /// small batches, or timing them).
  void forward(const std::vector<InputRef> &inputs, std::vector<Tensor> &outputs);
  /// The same into the caller's buffers, one per output, each holding at
  /// least `capacities[i]` floats (checked against the output's size; no
  /// check when `capacities` is null). Nothing is allocated for the outputs.
  void forwardInto(const std::vector<InputRef> &inputs, float *const *outputs,
                   const int64_t *capacities);
  /// The output shapes for inputs of these shapes (binding the symbols);
  /// throws Error when they do not fit the manifest.
  std::vector<std::vector<int64_t>>
  outputShapesFor(const std::vector<std::vector<int64_t>> &inputShapes) const;

  /// What every call of the compiled code gets: the thread pool.
  const nnc_context *context() const { return &context_; }
  int threads() const { return context_.threads; }

  /// Whether the compiled code is running (a hook is calling back).
  bool running() const { return running_; }

  /// Marks the compiled code as running for the guard's lifetime; throws
  /// Error when it already is (a hook calling its own model).
  class RunGuard {
  public:
    explicit RunGuard(Model &model);
    ~RunGuard() { model_.running_ = false; }
    RunGuard(const RunGuard &) = delete;
    RunGuard &operator=(const RunGuard &) = delete;

  private:
    Model &model_;
  };

  /// The hooks registered on this model. While there is one, forward() and
  /// a Trainer run the hooked variants of the code.
  Hooks &hooks() { return hooks_; }
  const Hooks &hooks() const { return hooks_; }
  /// Registers a hook (Hooks::add) against this model's modules; throws
  /// Error when the code was compiled without hook points.
  int64_t addHook(HookKind kind, const std::string &pattern, HookFn fn, bool replaces = false);

private:
  /// Binds the symbols from the inputs' shapes, unless they are the last
  /// call's, and sizes outputShapes_.
  void prepare(const std::vector<InputRef> &inputs);
  /// Runs the forward code on bound symbols and output pointers.
  void run(const std::vector<InputRef> &inputs);

  ModelCode code_;
  std::unique_ptr<ThreadPool> pool_;
  nnc_context context_{};
  Hooks hooks_;
  /// The compiled code is running (a hook that calls forward is refused:
  /// the call would reuse the workspace of the one under way).
  bool running_ = false;
  Manifest manifest_;
  ParamStore params_;
  AlignedBuffer workspace_;
  // What forward() derived from the last call's input shapes.
  std::vector<std::vector<int64_t>> preparedShapes_, outputShapes_;
  std::vector<int64_t> dims_;
  std::vector<const float *> inputPointers_;
  std::vector<float *> outputPointers_;
};

} // namespace nnrt

#endif // NNRT_MODEL_H_CXX
