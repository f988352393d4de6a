//===- model_builder.cpp - From the instantiated tree to a Model ----------===//
//
// Once the root module exists:
//   1. name every module and tensor by its PyTorch path (`net.0.weight`);
//   2. list the tensors in state_dict order (a module's own parameters, then
//      its buffers, then its children), the arena's order, and check that
//      together they fit in one arena (the kernel level lays it out);
//   3. create the graph's inputs from the root forward's parameter shapes,
//      whose unbound names become the symbolic dimensions;
//   4. trace the root forward into the graph and mark its results as outputs;
//   5. check the train block and build the loss (train_builder.cpp).
//
//===----------------------------------------------------------------------===//
#include "sema/elaborator.h"

#include <set>

namespace nnc::sema {
namespace {

struct Naming {
  std::set<const ModuleInst *> named;
  ModuleInst *shared = nullptr; ///< an instance reached twice
  std::string secondPath;
};

/// Names the tree in pre-order. Returns false at the first instance reached
/// twice (its `path` is the first place it was seen).
bool nameTree(ModuleInst &inst, const std::string &path, int depth,
              Model &model, Naming &naming) {
  if (!naming.named.insert(&inst).second) {
    naming.shared = &inst;
    naming.secondPath = path;
    return false;
  }
  inst.path = path;
  model.modules.push_back({path, inst.type, depth});
  for (const TensorDecl &t : inst.tensors) {
    if (t.isBuffer)
      continue;
    TensorInfo info{inst.fullName(t.name), false, t.frozen, t.shape, t.init,
                    t.loc};
    model.tensors.push_back(std::move(info));
  }
  for (const TensorDecl &t : inst.tensors) {
    if (!t.isBuffer)
      continue;
    TensorInfo info{inst.fullName(t.name), true, false, t.shape, t.init,
                    t.loc};
    model.tensors.push_back(std::move(info));
  }
  for (auto &[name, child] : inst.children)
    if (!nameTree(*child, inst.fullName(name), depth + 1, model, naming))
      return false;
  return true;
}

} // namespace

void Elaborator::finish(ModuleInst &root, Model &model, SourceRange where) {
  Naming naming;
  if (!nameTree(root, "", 0, model, naming)) {
    const ModuleInst &shared = *naming.shared;
    error(DiagKind::SharedModule, shared.created,
          {shared.path.empty() ? "(the model)" : shared.path,
           naming.secondPath});
    return;
  }
  // The limit is on what the tensors hold, without offsets: alignment
  // padding is the layout's (codegen/kernel/arena.h), and its less than 64
  // bytes per tensor keep every offset and size far from overflowing int64.
  // Each tensor holds at most ir::kMaxElements, so the sum cannot overflow
  // before it passes the limit.
  int64_t held = 0;
  for (const TensorInfo &t : model.tensors) {
    held += t.numel();
    if (held > ir::kMaxElements) {
      error(DiagKind::InvalidShape, SourceRange{t.loc, static_cast<uint32_t>(1)},
            {"the parameters and buffers up to `" + t.name +
             "` hold more than 2^48 = " + std::to_string(ir::kMaxElements) +
             " elements, the most the parameter arena may hold"});
      return;
    }
  }
  if (!root.forward) {
    error(DiagKind::MissingForward, where, {root.type});
    return;
  }
  Scope scope;
  scope.module = &root;
  CallArgs args;
  for (const syntax::ParamDecl &p : root.forward->params) {
    if (!p.type || p.type->kind != syntax::TypeExpr::Shape) {
      error(DiagKind::ModelInputNeedsShape,
            SourceRange{p.loc, static_cast<uint32_t>(p.name.size())},
            {p.name});
      return;
    }
    ir::Shape shape;
    for (const syntax::ExprPtr &e : p.type->dims) {
      std::optional<ir::Dim> d = evalDim(*e, scope, true, nullptr);
      if (!d)
        return;
      for (const std::string &s : d->symbolNames())
        graph_->addSymbol(s);
      shape.push_back(*d);
    }
    if (std::string problem = ir::shapeProblem(shape); !problem.empty()) {
      error(DiagKind::InvalidShape, p.type->range, {problem});
      return;
    }
    model.inputs.push_back({p.name, shape});
    args.positional.push_back(
        Value::ofTensor(graph_->addLeaf(ir::OpKind::Input, p.name, shape, p.loc)));
    args.positionalRanges.push_back(
        SourceRange{p.loc, static_cast<uint32_t>(p.name.size())});
  }
  Value out = callModule(root, args, where);
  std::vector<Value> results =
      out.kind == Value::Tuple ? out.items : std::vector<Value>{out};
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].kind == Value::Poison)
      return;
    if (results[i].kind != Value::Tensor) {
      error(DiagKind::TypeMismatch, where,
            {"the model to return tensors", describe(results[i])});
      return;
    }
    graph_->addOutput(results[i].tensor);
    std::string name = results.size() == 1 ? "output"
                                           : "output" + std::to_string(i);
    model.outputs.push_back({name, results[i].tensor->shape});
  }
  buildTraining(root, model, graph_->outputs());
  // The forward graph alone: without the train block's target and loss.
  if (model.training)
    model.graph = ir::extractGraph(*graph_, graph_->outputs(),
                                   {graph_->inputs().begin(),
                                    graph_->inputs().end() - 1});
}

} // namespace nnc::sema
