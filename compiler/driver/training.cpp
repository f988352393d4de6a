//===- training.cpp - The training-step graph and its code ----------------===//
//
// The loss is a scalar, so its reverse graph is seeded with the constant 1.
// Each gradient goes to its tensor's offset in the gradient arena, which has
// the parameter arena's layout; the optimizer updates the layout's ranges.
//
//===----------------------------------------------------------------------===//
#include "driver/training.h"
#include "autodiff/backward.h"
#include "base/diagnostics.h"
#include "passes/strip_boundaries.h"

namespace nnc::driver {

namespace {

/// The training step's graph with the dead code autodiff leaves.
std::unique_ptr<ir::Graph> differentiatedLoss(const sema::Model &model) {
  const sema::TrainSpec &t = *model.training;
  std::unique_ptr<ir::Graph> g =
      ir::extractGraph(*t.graph, t.graph->outputs(), t.graph->inputs());
  const ir::Node *loss = g->outputs().back();
  std::vector<const ir::Node *> wrt;
  for (const sema::TensorInfo &info : model.tensors) {
    if (!info.trainable())
      continue;
    ir::Shape shape;
    for (int64_t d : info.shape)
      shape.push_back(ir::Dim::constant(d));
    // An unused parameter is not in the graph yet; its gradient is zeros.
    wrt.push_back(g->addLeaf(ir::OpKind::Param, info.name, shape, info.loc));
  }
  std::vector<const ir::Node *> grads =
      autodiff::backward(*g, {loss}, {g->constant(1.0)}, wrt);
  for (const ir::Node *grad : grads)
    g->addOutput(grad);
  return g;
}

} // namespace

std::unique_ptr<ir::Graph> buildTrainStepGraph(const sema::Model &model) {
  std::unique_ptr<ir::Graph> g = differentiatedLoss(model);
  return ir::extractGraph(*g, g->outputs(), g->inputs());
}

codegen::TrainingCode lowerTraining(const sema::Model &model,
                                   const codegen::ArenaLayout &arena, bool hooked) {
  NNC_CHECK(arena.offsets.size() == model.tensors.size(),
            "the arena's layout is not the model's");
  codegen::TrainingCode code;
  if (hooked) {
    code.evaluate = codegen::lowerToKernelsWithHooks(*model.training->graph, arena.byName);
    code.trainStep = codegen::lowerToKernelsWithHooks(*differentiatedLoss(model), arena.byName);
  } else {
    code.evaluate = codegen::lowerToKernels(*model.training->graph, arena.byName);
    // Stripping the boundaries removes the dead code too: one copy.
    code.trainStep = codegen::lowerToKernels(
        passes::stripBoundaries(*differentiatedLoss(model)), arena.byName);
  }
  code.tableOutputs = static_cast<int>(model.outputs.size()) + 1;
  code.arenaElements = arena.elements;
  // The gradients come in the order of the trainable tensors (buildTrainStepGraph).
  for (size_t i = 0; i < model.tensors.size(); ++i)
    if (model.tensors[i].trainable())
      code.gradOffsets.push_back(arena.offsets[i]);
  code.updateRanges = arena.updateRanges;
  return code;
}

codegen::ModelPrograms lowerModel(const sema::Model &model, const codegen::ArenaLayout &arena) {
  codegen::ModelPrograms programs;
  programs.forward = codegen::lowerToKernels(*model.graph, arena.byName);
  programs.forwardHooked = codegen::lowerToKernelsWithHooks(*model.graph, arena.byName);
  if (model.training) {
    programs.training = lowerTraining(model, arena);
    programs.trainingHooked = lowerTraining(model, arena, true);
  }
  return programs;
}

} // namespace nnc::driver
