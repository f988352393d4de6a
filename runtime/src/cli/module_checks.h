//===- module_checks.h - `--check-finite` and `--stats` through hooks ------===//
//
// Two flags of `predict`, `eval` and `train` built on hooks (nnrt/hooks.h):
//   --check-finite  every module call's inputs and outputs (and in a training
//                   step its gradients) are checked before the call goes on;
//                   the first NaN or infinity stops the call, before the
//                   optimizer update, naming the tensor as --capture would.
//   --stats         the mean, standard deviation and fraction of zeros of
//                   every module call's output (dead ReLUs show as zeros).
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_CLI_MODULE_CHECKS_H
#define NNRT_CLI_MODULE_CHECKS_H

#include "nnrt/model.h"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace nnrt::cli {

/// The name --capture gives a tensor of a hook call: `net.0:output`,
/// `net.0#2:input.0`, `net.0:grad_input.1`...
std::string hookTensorName(const HookCall &call, bool input, const HookTensor &tensor);

class FiniteCheck {
public:
  /// Registers the check on `model` (forward, and with `gradients` backward).
  void attach(Model &model, bool gradients);
  /// What stopped the call ("`net.2:output` holds nan (element 37 of [16,
  /// 128])"), or "" while every value was finite.
  const std::string &found() const { return found_; }

private:
  int check(const HookCall &call);
  std::string found_;
};

/// Mean, standard deviation and fraction of zeros of module outputs,
/// accumulated over the calls seen since clear().
class ActivationStats {
public:
  void attach(Model &model);
  void detach(Model &model);
  void clear() { entries_.clear(); }
  bool empty() const { return entries_.empty(); }
  /// One line per tensor: `  net.1:output  mean 0.4123  std 0.6021  zeros 48.4%`.
  void print(std::ostream &out) const;
  /// {"net.1:output": {"mean": ..., "std": ..., "zeros": ...}, ...}
  nlohmann::ordered_json json() const;

private:
  struct Entry {
    std::string name;
    double count = 0, sum = 0, squares = 0, zeros = 0;
  };
  std::vector<Entry> entries_;
  std::vector<int64_t> ids_;
};

} // namespace nnrt::cli

#endif // NNRT_CLI_MODULE_CHECKS_H
