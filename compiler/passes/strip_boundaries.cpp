//===- strip_boundaries.cpp - Module boundaries out of the graph ----------===//
//
// A backward walk marks what the outputs need; then one pass in order
// re-adds every live node to a fresh graph with its operands mapped, except
// a boundary, which maps to its mapped operand. The inputs are kept even
// when unused: they are part of the signature.
// Interning may then merge nodes that differed only by the boundaries under
// them (`relu` of the same value in two calls of one module): the kernels
// compute such a value once, and both boundaries point at it.
//
//===----------------------------------------------------------------------===//
#include "passes/strip_boundaries.h"

#include <unordered_map>
#include <vector>

namespace nnc::passes {

StrippedGraph stripBoundaries(const ir::Graph &graph) {
  StrippedGraph out;
  out.graph = std::make_unique<ir::Graph>(graph.name());
  ir::Graph &g = *out.graph;
  for (const std::string &s : graph.symbols())
    g.addSymbol(s);
  std::vector<char> live(graph.nodes().size(), 0);
  for (const ir::Node *o : graph.outputs())
    live[static_cast<size_t>(o->id)] = 1;
  for (const ir::Node *in : graph.inputs())
    live[static_cast<size_t>(in->id)] = 1;
  for (size_t i = graph.nodes().size(); i-- > 0;)
    if (live[i])
      for (const ir::Node *o : graph.nodes()[i]->operands)
        live[static_cast<size_t>(o->id)] = 1;
  std::unordered_map<const ir::Node *, const ir::Node *> remap;
  remap.reserve(graph.nodes().size());
  for (const auto &node : graph.nodes()) {
    const ir::Node *n = node.get();
    if (!live[static_cast<size_t>(n->id)])
      continue;
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
      remap[n] = g.copy(*n, std::move(operands));
    }
    }
  }
  for (const ir::Node *o : graph.outputs())
    g.addOutput(remap.at(o));
  return out;
}

} // namespace nnc::passes
