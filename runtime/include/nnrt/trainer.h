//===- trainer.h - Training steps and evaluation over batches -------------===//
//
// Trainer drives the training entry points of a compiled model
// (the descriptor's train_step and evaluate; see nnrt_model.h). It owns the
// optimizer state arena and the step counter; each step
//
//   1. takes the model input from the batch ([B, sample...]),
//   2. builds the target: one-hot rows [B, C] from class labels when the
//      manifest says class_targets, else the batch's float targets, which
//      must hold the target's elements per sample,
//   3. binds the symbols over [inputs..., target] and sizes the outputs
//      (the manifest outputs, then the one-float loss),
//   4. calls train_step with the nnc_update of this step number.
//
// evaluate() runs the compiled evaluate over a dataset in order, without
// touching parameters or state. Checkpoints (checkpoint.h) save and restore
// the parameters, the state and the step counter.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_TRAINER_H
#define NNRT_TRAINER_H

#include "nnrt/data.h"
#include "nnrt/model.h"
#include "nnrt/optimizer.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace nnrt {

/// What one training step saw (computed before the update).
struct StepResult {
  float loss = 0;      ///< Mean over the batch, as the loss computes it.
  int64_t size = 0;    ///< Samples in the batch.
  int64_t correct = 0; ///< Samples whose argmax is the label (class targets).
};

/// Loss and accuracy over a dataset.
struct EvalResult {
  double loss = 0;                ///< Mean over samples (batches weighted).
  std::optional<double> accuracy; ///< Class targets only.
  int64_t samples = 0;
};

/// Throws Error unless the model can train: the manifest has a `training`
/// object and the code defines the training entry points. The message for a
/// model without a train block says how to add one.
void requireTraining(const Model &model);

/// Trains one model in place. The model must outlive the trainer.
class Trainer {
public:
  /// Throws Error (requireTraining) for a model that cannot train, and for
  /// an optimizer that fails validateOptimizer.
  Trainer(Model &model, const OptimizerConfig &optimizer);
  Trainer(const Trainer &) = delete;
  Trainer &operator=(const Trainer &) = delete;

  Model &model() { return model_; }
  const Model &model() const { return model_; }
  const TrainingSpec &spec() const { return *model_.manifest().training; }
  const OptimizerConfig &optimizer() const { return optimizer_; }

  /// Steps done so far (the next step is steps() + 1).
  int64_t steps() const { return steps_; }
  void setSteps(int64_t steps) { steps_ = steps; }

  /// The state arena: 3 * arena_elements floats (gradients, slot 1, slot 2).
  float *state() const { return state_.floats(); }
  /// Slot `slot` (0: gradients, 1, 2) of tensor `spec`.
  std::span<float> stateView(int slot, const TensorSpec &spec) const;

  /// One training step on `batch`; updates the parameters and the state.
  /// Throws Error for targets that do not fit the model (the parameters are
  /// then untouched).
  StepResult step(const Batch &batch);

  /// The outputs of the last step or evaluation batch: the manifest outputs,
  /// then the loss [1].
  const std::vector<Tensor> &outputs() const { return outputs_; }

  /// Mean loss and accuracy of the current parameters over `data`, in order,
  /// `batchSize` samples at a time. Throws Error for an empty dataset.
  EvalResult evaluate(const Dataset &data, int64_t batchSize);

private:
  // Fills inputs_/outputs_ for `batch`; returns the symbol values.
  const std::vector<int64_t> &prepare(const Batch &batch);
  void buildTarget(const Batch &batch, const std::vector<int64_t> &shape);
  int64_t countCorrect(const Batch &batch) const;
  void *workspace(int64_t bytes);

  Model &model_;
  OptimizerConfig optimizer_;
  AlignedBuffer state_;
  AlignedBuffer workspace_;
  int64_t steps_ = 0;
  std::vector<float> target_;
  // What prepare() derived from the last batch's input shape.
  bool prepared_ = false;
  std::vector<int64_t> preparedShape_, targetShape_, dims_;
  std::vector<const float *> inputs_;
  std::vector<Tensor> outputs_;
  std::vector<float *> outputPointers_;
};

} // namespace nnrt

#endif // NNRT_TRAINER_H
