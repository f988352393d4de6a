//===- backward.cpp - Symbolic reverse-mode differentiation ---------------===//
//
// Algorithm (the reverse sweep of micrograd, over graph IR):
//   1. Mark the nodes the outputs depend on and that depend on a `wrt` node:
//      only those need an adjoint.
//   2. Seed each output's adjoint with its seed (adjoints of an output
//      listed twice add up).
//   3. Walk the nodes in reverse topological order (the reverse of the node
//      list); for each node with an adjoint, apply its op's VJP rule and add
//      each operand's contribution to that operand's adjoint.
//   4. Read the adjoints of the `wrt` nodes; a node with none gets zeros.
//
//===----------------------------------------------------------------------===//
#include "autodiff/backward.h"
#include "autodiff/vjp_rules.h"
#include "base/diagnostics.h"

#include <map>
#include <set>

namespace nnc::autodiff {

std::vector<const ir::Node *>
backward(ir::Graph &graph, const std::vector<const ir::Node *> &outputs,
         const std::vector<const ir::Node *> &seeds,
         const std::vector<const ir::Node *> &wrt) {
  NNC_CHECK(outputs.size() == seeds.size(), "one seed per output");
  GradBuilder b(graph);
  // 1. Nodes on a path from a wrt node (forward reachability).
  std::set<const ir::Node *> needed(wrt.begin(), wrt.end());
  size_t forwardSize = graph.nodes().size();
  for (size_t i = 0; i < forwardSize; ++i) {
    const ir::Node *n = graph.nodes()[i].get();
    for (const ir::Node *o : n->operands)
      if (needed.count(o))
        needed.insert(n);
  }
  // 2. Seeds.
  std::map<const ir::Node *, const ir::Node *> adjoint;
  auto accumulate = [&](const ir::Node *node, const ir::Node *g) {
    auto [it, fresh] = adjoint.emplace(node, g);
    if (!fresh)
      it->second = b.add(it->second, g);
  };
  for (size_t i = 0; i < outputs.size(); ++i) {
    NNC_CHECK(seeds[i]->shape == outputs[i]->shape, "seed shape");
    if (needed.count(outputs[i]))
      accumulate(outputs[i], seeds[i]);
  }
  // 3. The reverse sweep over the forward nodes only.
  for (size_t i = forwardSize; i-- > 0;) {
    const ir::Node *n = graph.nodes()[i].get();
    auto it = adjoint.find(n);
    if (it == adjoint.end() || n->operands.empty())
      continue;
    std::vector<const ir::Node *> grads = vjp(b, *n, it->second);
    for (size_t k = 0; k < grads.size(); ++k)
      if (grads[k] && needed.count(n->operands[k]))
        accumulate(n->operands[k], grads[k]);
  }
  // 4. Results.
  std::vector<const ir::Node *> result;
  for (const ir::Node *w : wrt) {
    auto it = adjoint.find(w);
    result.push_back(it != adjoint.end() ? it->second : b.zeros(w->shape));
  }
  return result;
}

} // namespace nnc::autodiff
