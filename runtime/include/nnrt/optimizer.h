//===- optimizer.h - SGD, Adam and AdamW as per-step update scalars -------===//
//
// The compiled train step applies the optimizer itself, element by element,
// with the formulas of nnc_update (nnrt_model.h). What varies from step to
// step (Adam's bias corrections, SGD's first momentum step) is folded into a
// handful of scalars here, once per step, following PyTorch 1.13's
// torch.optim.SGD, Adam and AdamW (single-tensor code paths). The
// hyperparameters come from the manifest's `training.optimizer`, overridden
// by the command line, and are checked with PyTorch's rules and messages.
// docs/training.md derives every coefficient.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_OPTIMIZER_H
#define NNRT_OPTIMIZER_H

#include "nnrt_model.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nnrt {

/// The optimizers of torch.optim that nnc implements.
enum class OptimizerKind { SGD, Adam, AdamW };

/// An optimizer with every hyperparameter explicit. Defaults are PyTorch's
/// (SGD has no default learning rate there; 0.01 is nnc's).
struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::SGD;
  double lr = 0.01;
  double momentum = 0.0;  ///< SGD
  double dampening = 0.0; ///< SGD
  bool nesterov = false;  ///< SGD
  double weightDecay = 0.0;
  double beta1 = 0.9;   ///< Adam, AdamW
  double beta2 = 0.999; ///< Adam, AdamW
  double eps = 1e-8;    ///< Adam, AdamW

  bool operator==(const OptimizerConfig &) const = default;
};

/// PyTorch's defaults for `kind` (AdamW: weight_decay 0.01, lr 0.001; Adam:
/// lr 0.001; SGD: lr 0.01, no momentum).
OptimizerConfig defaultOptimizer(OptimizerKind kind);

/// "SGD", "Adam" or "AdamW".
const char *optimizerName(OptimizerKind kind);

/// The kind called `name`, case-insensitively ("sgd", "AdamW"); throws
/// Error("unknown optimizer `X`: ...") otherwise.
OptimizerKind parseOptimizerKind(const std::string &name);

/// Checks the hyperparameters with torch.optim's rules and messages, e.g.
/// "Invalid learning rate: -0.1", "Nesterov momentum requires a momentum and
/// zero dampening", "Invalid beta parameter at index 1: 1.0". Throws Error.
void validateOptimizer(const OptimizerConfig &config);

/// The manifest's spelling: {"name": "SGD", "lr": ..., "momentum": ...} with
/// the hyperparameters of that optimizer only.
nlohmann::json optimizerToJson(const OptimizerConfig &config);

/// Reads optimizerToJson's form; every hyperparameter of the named optimizer
/// must be present (the manifest makes them explicit). Throws Error naming
/// `where` for a missing or mistyped field; does not validate values.
OptimizerConfig optimizerFromJson(const nlohmann::json &value,
                                  const std::string &where);

/// "SGD(lr=0.05, momentum=0.9, dampening=0, nesterov=false,
/// weight_decay=0)", for messages.
std::string describeOptimizer(const OptimizerConfig &config);

/// The update of step `step` (1-based: the first call of train_step is step
/// 1), as nnrt_model.h defines nnc_update:
///   SGD without momentum: keep = take = 0, d_coef = 1, s1_coef = 0
///   SGD with momentum:    step 1: keep = 0, take = 1 (buf = d); then
///                         keep = momentum, take = 1 - dampening;
///                         nesterov: d_coef = 1, s1_coef = momentum;
///                         else d_coef = 0, s1_coef = 1
///   Adam, AdamW:          lr = lr / (1 - beta1^step) (in double),
///                         bias2_sqrt = sqrt(1 - beta2^step), keep = beta1,
///                         take = 1 - beta1, keep2 = beta2, take2 = 1 - beta2;
///                         Adam: weight_decay = wd, decay = 1;
///                         AdamW: weight_decay = 0, decay = 1 - lr * wd
nnc_update optimizerUpdate(const OptimizerConfig &config, int64_t step);

/// PyTorch's names of the optimizer state that slots 1 and 2 hold, in slot
/// order: {"momentum_buffer"} for SGD with momentum, {} without,
/// {"exp_avg", "exp_avg_sq"} for Adam and AdamW.
std::vector<std::string> optimizerStateNames(const OptimizerConfig &config);

} // namespace nnrt

#endif // NNRT_OPTIMIZER_H
