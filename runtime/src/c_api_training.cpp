//===- c_api_training.cpp - Training steps and checkpoints in the C API ---===//
//
// A model handle trains through the same nnrt::Trainer as the executable's
// `train`, with the train block's optimizer. The trainer (the optimizer state:
// three floats per arena element) is made on first use, so that a handle
// that only predicts never pays for it.
//
//===----------------------------------------------------------------------===//
#include "c_api_internal.h"
#include "nnrt/checkpoint.h"
#include "nnrt/error.h"
#include "nnrt/memory.h"

#include <string>

using nnrt::capi::checkModel;
using nnrt::capi::fail;
using nnrt::capi::guarded;

namespace {

nnrt::Trainer &trainerOf(nnrt_model &model) {
  if (!model.trainer) {
    nnrt::requireTraining(model.model);
    model.trainer = std::make_unique<nnrt::Trainer>(model.model,
                                                    model.model.manifest().training->optimizer);
  }
  return *model.trainer;
}

std::vector<int64_t> shapeOf(const int64_t *dims, size_t rank, const char *what) {
  if (!dims)
    throw nnrt::Error(std::string(what) + " is NULL");
  std::vector<int64_t> shape(dims, dims + rank);
  for (int64_t d : shape)
    if (d < 0)
      throw nnrt::Error(nnrt::ErrorKind::Shape, std::string(what) + " " + nnrt::formatShape(shape) +
                                                    " has a negative dimension");
  return shape;
}

/// The caller's batch, checked and copied into the handle's Batch (the
/// trainer takes owned buffers; its storage is reused from step to step).
void copyBatch(nnrt_model &model, const nnrt_batch &in) {
  const nnrt::Manifest &m = model.model.manifest();
  const nnrt::TrainingSpec &spec = *m.training;
  nnrt::Batch &b = model.batch;
  b.inputShape = shapeOf(in.input_shape, m.inputs[0].shape.size(), "nnrt_batch.input_shape");
  if (b.inputShape.empty())
    throw nnrt::Error(nnrt::ErrorKind::Shape, "input `" + m.inputs[0].name +
                                                  "` has no batch dimension to train on");
  if (!in.input)
    throw nnrt::Error("nnrt_batch.input is NULL");
  b.size = b.inputShape[0];
  int64_t numel = nnrt::shapeNumel(b.inputShape);
  nnrt::checkAllocation(numel, sizeof(float), "the batch's input");
  b.inputs.assign(in.input, in.input + numel);
  b.indices.clear();
  b.labels.clear();
  b.targets.clear();
  b.targetShape.clear();
  if (spec.classTargets) {
    if (!in.labels)
      throw nnrt::Error(spec.loss + " trains on class labels: set nnrt_batch.labels (" +
                        std::to_string(b.size) + " class indices)");
    if (in.targets)
      throw nnrt::Error(spec.loss + " trains on class labels, not float targets: leave "
                                    "nnrt_batch.targets NULL");
    b.labels.assign(in.labels, in.labels + b.size);
    return;
  }
  if (!in.targets)
    throw nnrt::Error(spec.loss + " takes float targets: set nnrt_batch.targets and target_shape");
  if (in.labels)
    throw nnrt::Error(spec.loss + " takes float targets, not class labels: leave "
                                  "nnrt_batch.labels NULL");
  if (in.target_rank < 1 || in.target_rank > 32)
    throw nnrt::Error("nnrt_batch.target_rank is " + std::to_string(in.target_rank) +
                      "; the targets' shape starts with the batch dimension");
  b.targetShape = shapeOf(in.target_shape, size_t(in.target_rank), "nnrt_batch.target_shape");
  if (b.targetShape[0] != b.size)
    throw nnrt::Error(nnrt::ErrorKind::Shape,
                      "the targets' shape " + nnrt::formatShape(b.targetShape) + " holds " +
                          std::to_string(b.targetShape[0]) + " samples, and the input " +
                          std::to_string(b.size));
  int64_t targetNumel = nnrt::shapeNumel(b.targetShape);
  nnrt::checkAllocation(targetNumel, sizeof(float), "the batch's targets");
  b.targets.assign(in.targets, in.targets + targetNumel);
}

} // namespace

extern "C" {

int nnrt_can_train(const nnrt_model *model) {
  return model && model->model.manifest().training && model->model.code().hasTraining() ? 1 : 0;
}

int nnrt_train_step(nnrt_model *model, const nnrt_batch *batch, float *loss) {
  if (!checkModel(model))
    return NNRT_INVALID_ARGUMENT;
  if (!batch)
    return fail(NNRT_INVALID_ARGUMENT, "batch is NULL");
  if (model->model.running())
    return fail(NNRT_INVALID_STATE, "the model is running: a hook cannot train its own model");
  return guarded([&] {
    nnrt::Trainer &trainer = trainerOf(*model);
    copyBatch(*model, *batch);
    nnrt::StepResult result = trainer.step(model->batch);
    if (loss)
      *loss = result.loss;
  });
}

int64_t nnrt_train_step_count(const nnrt_model *model) {
  if (!checkModel(model))
    return -1;
  return model->trainer ? model->trainer->steps() : 0;
}

const float *nnrt_grad_data(nnrt_model *model, const char *name, int64_t *numel) {
  if (!checkModel(model))
    return nullptr;
  const float *data = nullptr;
  guarded([&] {
    std::string wanted = name ? name : "";
    nnrt::Trainer &trainer = trainerOf(*model);
    for (const nnrt::TensorSpec &spec : model->model.manifest().tensors)
      if (spec.name == wanted) {
        std::span<float> view = trainer.stateView(0, spec);
        data = view.data();
        if (numel)
          *numel = int64_t(view.size());
        return;
      }
    throw nnrt::Error(nnrt::ErrorKind::NotFound, "the model has no tensor `" + wanted + "`");
  });
  return data;
}

int nnrt_save_checkpoint(nnrt_model *model, const char *path) {
  if (!checkModel(model))
    return NNRT_INVALID_ARGUMENT;
  if (!path)
    return fail(NNRT_INVALID_ARGUMENT, "path is NULL");
  if (model->model.running()) // mid-step, the gradients and slots are half written
    return fail(NNRT_INVALID_STATE, "the model is running: a hook cannot save a checkpoint");
  return guarded([&] {
    nnrt::Trainer &trainer = trainerOf(*model);
    nnrt::CheckpointInfo info;
    info.seed = model->model.manifest().training->seed;
    if (model->preprocessing.recorded()) { // what a loaded checkpoint trained with stays recorded
      info.data.normalize = model->preprocessing.normalize;
      info.data.normalization = model->preprocessing.normalization;
    }
    nnrt::saveCheckpoint(path, trainer, info);
  });
}

int nnrt_load_checkpoint(nnrt_model *model, const char *path) {
  if (!checkModel(model))
    return NNRT_INVALID_ARGUMENT;
  if (!path)
    return fail(NNRT_INVALID_ARGUMENT, "path is NULL");
  if (model->model.running())
    return fail(NNRT_INVALID_STATE, "the model is running: a hook cannot load a checkpoint");
  return guarded(
      [&] {
        nnrt::Trainer &trainer = trainerOf(*model);
        nnrt::LoadedCheckpoint loaded = nnrt::readCheckpoint(path, trainer);
        nnrt::applyCheckpoint(loaded, trainer);
        model->preprocessing.normalize = loaded.info.data.normalize;
        model->preprocessing.normalization = loaded.info.data.normalization;
      },
      NNRT_INVALID_FILE);
}

} // extern "C"
