//===- training.cpp - The training-step graph and its code ----------------===//
//
// The loss is a scalar, so its reverse graph is seeded with the constant 1.
// The optimizer's ranges cover each trainable tensor with its alignment
// padding, merged when adjacent: padding holds zeros in the arena and in
// every slot, and every update rule maps zeros to zeros, so updating it is
// harmless and makes the loops longer and fewer.
//
//===----------------------------------------------------------------------===//
#include "driver/training.h"
#include "autodiff/backward.h"
#include "passes/strip_boundaries.h"

#include <algorithm>

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

codegen::TrainingCode
lowerTraining(const sema::Model &model,
              const std::map<std::string, int64_t> &paramOffsets) {
  codegen::TrainingCode code;
  code.evaluate = codegen::lowerToKernels(*model.training->graph, paramOffsets);
  // Stripping the boundaries removes the dead code too: one copy.
  code.trainStep = codegen::lowerToKernels(
      passes::stripBoundaries(*differentiatedLoss(model)), paramOffsets);
  code.tableOutputs = static_cast<int>(model.outputs.size()) + 1;
  code.arenaElements = model.arenaElements();
  for (const sema::TensorInfo &info : model.tensors) {
    if (!info.trainable())
      continue;
    code.gradOffsets.push_back(info.offset);
    int64_t end = std::min(code.arenaElements, info.offset + info.paddedNumel());
    if (!code.updateRanges.empty() && code.updateRanges.back().second == info.offset)
      code.updateRanges.back().second = end;
    else
      code.updateRanges.push_back({info.offset, end});
  }
  return code;
}

} // namespace nnc::driver
