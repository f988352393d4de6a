//===- trainer.cpp - Training steps and evaluation over batches -----------===//
//
// Everything that can be wrong with a batch (a label out of range, targets of
// the wrong kind or size, an input of the wrong shape) is found while the
// inputs are prepared, before the compiled code runs, so a refused batch
// leaves the parameters and the optimizer state as they were.
//
//===----------------------------------------------------------------------===//
#include "nnrt/trainer.h"
#include "nnrt/error.h"
#include "nnrt/memory.h"

#include <algorithm>

namespace nnrt {
namespace {

std::vector<int64_t> perSample(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return {};
  return std::vector<int64_t>(shape.begin() + 1, shape.end());
}

std::string lossName(const TrainingSpec &spec) {
  return "the loss `" + (spec.loss.empty() ? std::string("?") : spec.loss) +
         "`";
}

} // namespace

void requireTraining(const Model &model) {
  const Manifest &m = model.manifest();
  if (!m.training)
    throw Error(ErrorKind::Unsupported, "this model has no train block with a loss; add `train { "
                "loss = ... }` to the .nnm");
  if (!model.code().hasTraining())
    throw Error(ErrorKind::Unsupported, "the manifest of model `" + m.model +
                "` has a `training` object, but the executable lacks the "
                "training entry points (train_step, evaluate and their "
                "workspace sizes); rebuild it "
                "with `nnc build`");
}

Trainer::Trainer(Model &model, const OptimizerConfig &optimizer)
    : model_(model), optimizer_(optimizer) {
  requireTraining(model);
  validateOptimizer(optimizer);
  const Manifest &m = model.manifest();
  if (m.inputs.size() != 1)
    throw Error("training feeds the model one input from the data, but model "
                "`" +
                m.model + "` takes " + std::to_string(m.inputs.size()) +
                " inputs");
  // Gradients and two optimizer slots, each laid out like the arena.
  int64_t stateFloats = checkedMul(3, m.arenaElements, "the optimizer state");
  state_ = AlignedBuffer(
      checkAllocation(stateFloats, sizeof(float), "the optimizer state"),
      "the optimizer state");
}

std::span<float> Trainer::stateView(int slot, const TensorSpec &spec) const {
  size_t arena = size_t(model_.manifest().arenaElements);
  return {state() + size_t(slot) * arena + size_t(spec.offset),
          size_t(spec.numel())};
}

void *Trainer::workspace(int64_t reported) {
  size_t bytes = workspaceBytes(reported, "the training workspace");
  if (bytes > workspace_.bytes())
    workspace_ = AlignedBuffer(bytes, "the training workspace");
  return workspace_.data();
}

// One-hot rows [B, C] from class labels, or the batch's float targets as the
// target's shape (any per-sample shape with the same element count: a CSV
// column [N] feeds an output [B, 1]).
void Trainer::buildTarget(const Batch &batch,
                          const std::vector<int64_t> &shape) {
  const TrainingSpec &t = spec();
  bool hasLabels = batch.targets.empty() && batch.targetShape.empty();
  if (t.classTargets) {
    if (!hasLabels)
      throw Error(ErrorKind::Shape, lossName(t) +
                  " takes class labels, but the data has float "
                  "targets of shape " +
                  formatShape(perSample(batch.targetShape)) + " per sample");
    int64_t classes = shape[1];
    int64_t numel = shapeNumel(shape);
    if (!allocationBytes(numel, sizeof(float)))
      checkAllocation(numel, sizeof(float),
                      "the one-hot target of shape " + formatShape(shape));
    target_.assign(size_t(numel), 0.0f);
    for (size_t k = 0; k < batch.labels.size(); ++k) {
      int64_t label = batch.labels[k];
      if (label < 0 || label >= classes)
        throw Error("label " + std::to_string(label) + " of sample " +
                    std::to_string(k < batch.indices.size() ? batch.indices[k]
                                                            : int64_t(k)) +
                    " is out of range for " + std::to_string(classes) +
                    " classes (0.." + std::to_string(classes - 1) + ")");
      target_[k * size_t(classes) + size_t(label)] = 1.0f;
    }
    return;
  }
  // Only a refusal builds its message: a step allocates nothing.
  auto expected = [&] {
    return formatDims(t.target.shape) + " (" + formatShape(perSample(shape)) +
           " per sample)";
  };
  if (hasLabels)
    throw Error(ErrorKind::Shape, lossName(t) + " takes float targets of shape " + expected() +
                ", but the data has class labels");
  if (int64_t(batch.targets.size()) != shapeNumel(shape))
    throw Error(ErrorKind::Shape, "the data's targets have shape " +
                formatShape(perSample(batch.targetShape)) +
                " per sample, but " + lossName(t) + " takes a target of " +
                "shape " + expected());
  target_ = batch.targets;
}

// The shapes follow from the batch's input shape alone: a batch of the
// shape prepared last reuses them, and the step allocates nothing.
const std::vector<int64_t> &Trainer::prepare(const Batch &batch) {
  const Manifest &m = model_.manifest();
  const TrainingSpec &t = spec();
  if (!prepared_ || batch.inputShape != preparedShape_) {
    prepared_ = false;
    std::vector<int64_t> dims = bindSymbols(m, {batch.inputShape});
    targetShape_ = evaluateShape(t.target.shape, dims);
    std::vector<IoSpec> specs = m.inputs;
    specs.push_back(t.target);
    dims_ = bindSymbols(m.symbols, specs, {batch.inputShape, targetShape_});
    outputs_.resize(m.outputs.size() + 1);
    outputPointers_.clear();
    for (size_t i = 0; i < outputs_.size(); ++i) {
      outputs_[i].shape = i < m.outputs.size()
                              ? evaluateShape(m.outputs[i].shape, dims_)
                              : std::vector<int64_t>{1};
      int64_t numel = shapeNumel(outputs_[i].shape);
      if (!allocationBytes(numel, sizeof(float)))
        checkAllocation(numel, sizeof(float),
                        "an output of shape " + formatShape(outputs_[i].shape));
      outputs_[i].data.assign(size_t(numel), 0.0f);
      outputPointers_.push_back(outputs_[i].data.data());
    }
    preparedShape_ = batch.inputShape;
    prepared_ = true;
  }
  buildTarget(batch, targetShape_);
  inputs_.assign({batch.inputs.data(), target_.data()});
  return dims_;
}

// argmax of each row of output 0 against the label; the first maximum wins,
// as torch.argmax.
int64_t Trainer::countCorrect(const Batch &batch) const {
  if (!spec().classTargets || batch.size == 0)
    return 0;
  const std::vector<float> &out = outputs_[0].data;
  size_t row = out.size() / size_t(batch.size);
  int64_t correct = 0;
  for (size_t k = 0; k < size_t(batch.size); ++k) {
    auto first = out.begin() + long(k * row);
    int64_t best = std::max_element(first, first + long(row)) - first;
    correct += best == batch.labels[k] ? 1 : 0;
  }
  return correct;
}

StepResult Trainer::step(const Batch &batch) {
  Model::RunGuard guard(model_); // first: a nested call would resize the outputs being written
  const std::vector<int64_t> &dims = prepare(batch);
  const ModelCode &code = model_.code();
  nnc_update update = optimizerUpdate(optimizer_, steps_ + 1);
  if (!model_.hooks().empty()) {
    model_.hooks().checkTrainable();
    if (!code.trainStepHooked || !code.trainHookedWorkspace)
      throw Error(ErrorKind::Unsupported, "this model's code has no hooked training step; rebuild it with nnc build");
    void *ws = workspace(code.trainHookedWorkspace(model_.context(), dims.data()));
    HookRun run(model_.hooks(), model_.manifest().hooks.trainStep, dims, true);
    nnc_context context = *model_.context();
    context.hooks = run.table();
    code.trainStepHooked(&context, dims.data(), model_.params().arena(), state(),
                         inputs_.data(), outputPointers_.data(), &update, ws);
    run.finish(); // a stopped step updated nothing and does not count
  } else {
    void *ws = workspace(code.trainWorkspace(model_.context(), dims.data()));
    code.trainStep(model_.context(), dims.data(), model_.params().arena(), state(),
                   inputs_.data(), outputPointers_.data(), &update, ws);
  }
  ++steps_;
  return {outputs_.back().data[0], batch.size, countCorrect(batch)};
}

EvalResult Trainer::evaluate(const Dataset &data, int64_t batchSize) {
  if (data.size() == 0)
    throw Error(data.source + ": no samples to evaluate");
  Model::RunGuard guard(model_);
  DataLoader loader(data, {.batchSize = batchSize, .shuffle = false});
  const ModelCode &code = model_.code();
  Batch batch;
  double lossSum = 0;
  int64_t correct = 0;
  EvalResult result;
  while (loader.next(batch)) {
    const std::vector<int64_t> &dims = prepare(batch);
    if (!model_.hooks().empty()) {
      if (!code.evaluateHooked || !code.evaluateHookedWorkspace)
        throw Error(ErrorKind::Unsupported, "this model's code has no hooked evaluation; rebuild it with nnc build");
      void *ws = workspace(code.evaluateHookedWorkspace(model_.context(), dims.data()));
      HookRun run(model_.hooks(), model_.manifest().hooks.evaluate, dims, false);
      nnc_context context = *model_.context();
      context.hooks = run.table();
      code.evaluateHooked(&context, dims.data(), model_.params().arena(), inputs_.data(),
                          outputPointers_.data(), ws);
      run.finish();
    } else {
      void *ws = workspace(code.evaluateWorkspace(model_.context(), dims.data()));
      code.evaluate(model_.context(), dims.data(), model_.params().arena(), inputs_.data(),
                    outputPointers_.data(), ws);
    }
    lossSum += double(outputs_.back().data[0]) * double(batch.size);
    correct += countCorrect(batch);
    result.samples += batch.size;
  }
  result.loss = lossSum / double(result.samples);
  if (spec().classTargets)
    result.accuracy = double(correct) / double(result.samples);
  return result;
}

} // namespace nnrt
