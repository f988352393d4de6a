//===- dce.cpp - Dead code elimination on the graph IR --------------------===//
//
// Algorithm:
//   1. Mark the outputs and the inputs live.
//   2. Walk the nodes backwards; an operand of a live node is live.
//   3. Rebuild: re-add the live nodes in order into a fresh graph (interning
//      keeps it free of duplicates), mapping old operands to new nodes.
//
//===----------------------------------------------------------------------===//
#include "passes/dce.h"

#include <map>
#include <set>

namespace nnc::passes {

std::unique_ptr<ir::Graph> eliminateDeadCode(const ir::Graph &graph) {
  std::set<const ir::Node *> live(graph.outputs().begin(),
                                  graph.outputs().end());
  live.insert(graph.inputs().begin(), graph.inputs().end());
  for (size_t i = graph.nodes().size(); i-- > 0;) {
    const ir::Node *n = graph.nodes()[i].get();
    if (live.count(n))
      live.insert(n->operands.begin(), n->operands.end());
  }
  auto result = std::make_unique<ir::Graph>(graph.name());
  for (const std::string &s : graph.symbols())
    result->addSymbol(s);
  std::map<const ir::Node *, const ir::Node *> remap;
  for (const auto &node : graph.nodes()) {
    const ir::Node *n = node.get();
    if (!live.count(n))
      continue;
    if (n->op == ir::OpKind::Input || n->op == ir::OpKind::Param) {
      remap[n] = result->addLeaf(n->op, n->attrs.name, n->shape, n->loc);
    } else if (n->op == ir::OpKind::Const) {
      remap[n] = result->constant(n->attrs.value, n->loc);
    } else {
      std::vector<const ir::Node *> operands;
      for (const ir::Node *o : n->operands)
        operands.push_back(remap.at(o));
      remap[n] = result->add(n->op, operands, n->attrs, n->loc, n->dtype);
    }
  }
  for (const ir::Node *o : graph.outputs())
    result->addOutput(remap.at(o));
  return result;
}

} // namespace nnc::passes
