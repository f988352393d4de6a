//===- verifier.cpp - Invariants of the graph IR --------------------------===//
//
// Runs after sema and after every pass in tests. Checks, for each node:
//   1. operands appear earlier in the node list (topological order);
//   2. the operand count is the op's arity;
//   3. the shape is the one the op's shape rule gives;
//   4. ids are the node's position;
//   5. the shape is valid (ir::shapeProblem): the leaves' shapes come from
//      outside (sema, the IR parser), the others from the rules.
// and that the graph has outputs, all of them its own nodes.
//
//===----------------------------------------------------------------------===//
#include "ir/graph.h"

#include <set>

namespace nnc::ir {

std::string verifyGraph(const Graph &graph) {
  std::set<const Node *> seen;
  for (size_t i = 0; i < graph.nodes().size(); ++i) {
    const Node &node = *graph.nodes()[i];
    std::string where = "%" + std::to_string(node.id) + " (" +
                        opInfo(node.op).mnemonic + "): ";
    if (node.id != static_cast<int>(i))
      return where + "id does not match its position";
    if (static_cast<int>(node.operands.size()) != opInfo(node.op).arity)
      return where + "wrong number of operands";
    std::vector<Shape> shapes;
    for (const Node *operand : node.operands) {
      if (!seen.count(operand))
        return where + "operand is not defined before its use";
      shapes.push_back(operand->shape);
    }
    if (std::string problem = shapeProblem(node.shape); !problem.empty())
      return where + problem;
    if (opInfo(node.op).lowering != Lowering::Leaf) {
      ShapeError error;
      std::optional<Shape> shape =
          inferShape(node.op, shapes, node.attrs, error);
      if (!shape)
        return where + error.message;
      if (!(*shape == node.shape))
        return where + "shape " + shapeStr(node.shape) + " differs from " +
               shapeStr(*shape);
    }
    seen.insert(&node);
  }
  if (graph.outputs().empty())
    return "the graph has no outputs";
  for (const Node *out : graph.outputs())
    if (!seen.count(out))
      return "an output is not a node of the graph";
  return "";
}

} // namespace nnc::ir
