//===- strip_boundaries.cpp - Module boundaries out of the graph ----------===//
//
// One pass in order: every node is re-added to a fresh graph with its
// operands mapped, except a boundary, which maps to its mapped operand.
// Interning may then merge nodes that differed only by the boundaries under
// them (`relu` of the same value in two calls of one module): the kernels
// compute such a value once, and both boundaries point at it.
//
//===----------------------------------------------------------------------===//
#include "passes/strip_boundaries.h"

#include <unordered_map>

namespace nnc::passes {

StrippedGraph stripBoundaries(const ir::Graph &graph) {
  StrippedGraph out;
  out.graph = std::make_unique<ir::Graph>(graph.name());
  ir::Graph &g = *out.graph;
  for (const std::string &s : graph.symbols())
    g.addSymbol(s);
  std::unordered_map<const ir::Node *, const ir::Node *> remap;
  for (const auto &node : graph.nodes()) {
    const ir::Node *n = node.get();
    switch (n->op) {
    case ir::OpKind::Input:
    case ir::OpKind::Param:
      remap[n] = g.addLeaf(n->op, n->attrs.name, n->shape, n->loc);
      break;
    case ir::OpKind::Const:
      remap[n] = g.constant(n->attrs.value, n->loc);
      break;
    case ir::OpKind::Boundary: {
      const ir::Node *value = remap.at(n->operands[0]);
      remap[n] = value;
      out.boundaries.emplace_back(value, n->attrs.boundary);
      break;
    }
    default: {
      std::vector<const ir::Node *> operands;
      for (const ir::Node *o : n->operands)
        operands.push_back(remap.at(o));
      remap[n] = g.add(n->op, std::move(operands), n->attrs, n->loc, n->dtype);
    }
    }
  }
  for (const ir::Node *o : graph.outputs())
    g.addOutput(remap.at(o));
  return out;
}

} // namespace nnc::passes
