//===- training.h - The training-step graph and its code ------------------===//
//
// From a model with a train block to what code generation needs for the
// training entry points: the evaluate program (forward + loss) and the
// training-step program (forward + loss + the reverse graph of the loss with
// respect to every trainable tensor), with where each gradient goes and which
// ranges of the arena the optimizer updates, as the arena's layout says.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/kernel/arena.h"
#include "codegen/kernel/kernels.h"
#include "sema/model.h"

#include <memory>

namespace nnc::driver {

/// The training step's graph: inputs are the model's inputs then `target`;
/// outputs are the model's outputs, the loss, then the gradient of the loss
/// for each trainable tensor in arena order (zeros for one the loss does not
/// depend on). Dead code is removed.
std::unique_ptr<ir::Graph> buildTrainStepGraph(const sema::Model &model);

/// Lowers the evaluate and training-step graphs of `model` (which must have
/// a TrainSpec) to kernels over `arena`, the layout of model.tensors; with
/// `hooked`, their hooked variants (codegen/kernel/kernels.h).
codegen::TrainingCode lowerTraining(const sema::Model &model,
                                   const codegen::ArenaLayout &arena, bool hooked = false);

/// Every program of `model`'s code: forward, and with a train block the
/// training ones, each fused and hooked.
codegen::ModelPrograms lowerModel(const sema::Model &model, const codegen::ArenaLayout &arena);

} // namespace nnc::driver
