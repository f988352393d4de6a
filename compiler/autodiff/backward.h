//===- backward.h - Symbolic reverse-mode differentiation of the graph ----===//
//
// Adds to a graph the nodes that compute the gradient of
//     L = sum_i <seed_i, output_i>
// with respect to chosen nodes (parameters, inputs). The reverse graph is
// ordinary graph IR: the same verifier, printer, passes and code generation
// apply to it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/graph.h"

#include <vector>

namespace nnc::autodiff {

/// Appends to `graph` the gradients of sum_i <seeds[i], outputs[i]> with
/// respect to each node of `wrt` (same order). `seeds[i]` has the shape of
/// `outputs[i]`. A node that the outputs do not depend on gets zeros.
std::vector<const ir::Node *>
backward(ir::Graph &graph, const std::vector<const ir::Node *> &outputs,
         const std::vector<const ir::Node *> &seeds,
         const std::vector<const ir::Node *> &wrt);

} // namespace nnc::autodiff
