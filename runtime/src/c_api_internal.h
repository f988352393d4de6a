//===- c_api_internal.h - What the C API's files share ---------------------===//
//
// The model handle behind `nnrt_model *` and the error plumbing of every C
// entry point: each runs its body in guarded(), which turns any exception
// into an nnrt_status and a thread-local message, so that C callers never
// see a C++ exception.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_C_API_INTERNAL_H
#define NNRT_C_API_INTERNAL_H

#include "nnrt.h"
#include "nnrt/data.h"
#include "nnrt/model.h"
#include "nnrt/trainer.h"

#include <exception>
#include <memory>
#include <string>
#include <vector>

struct nnrt_model {
  explicit nnrt_model(const nnrt::ModelCode &code, int threads = 0) : model(code, threads) {}
  nnrt::Model model;
  std::vector<nnrt::Tensor> outputs;
  /// What the last loaded checkpoint recorded about its inputs.
  nnrt::Preprocessing preprocessing;
  bool preprocess = false;    ///< nnrt_set_preprocess
  std::vector<float> scratch; ///< input 0, normalised
  /// The optimizer state and step count, made by the first call that
  /// trains (or reads gradients, or saves or loads a checkpoint).
  std::unique_ptr<nnrt::Trainer> trainer;
  nnrt::Batch batch; ///< nnrt_train_step's copy of the caller's batch
};

namespace nnrt::capi {

/// Records `status` and `message` as the thread's last error; returns status.
int fail(nnrt_status status, std::string message);

/// Records the exception `error` as the last error and returns its status.
/// Errors of kind InvalidArgument become `invalidAs` (a load reports what
/// it refuses in a file as NNRT_INVALID_FILE).
int failWith(const std::exception_ptr &error, nnrt_status invalidAs);

/// False, with NNRT_INVALID_ARGUMENT recorded, for a NULL model.
bool checkModel(const nnrt_model *model);

/// Runs `body`; returns NNRT_OK, or the status of what it threw.
template <typename Body>
int guarded(Body body, nnrt_status invalidAs = NNRT_INVALID_ARGUMENT) {
  try {
    body();
    return NNRT_OK;
  } catch (...) {
    return failWith(std::current_exception(), invalidAs);
  }
}

} // namespace nnrt::capi

#endif // NNRT_C_API_INTERNAL_H
