//===- strip_boundaries.h - Module boundaries out of the graph, kept aside -===//
//
// Boundary nodes mark where module calls pass values in and out (ops.def).
// They are identities: code generation works on the graph without them, so
// that they cost nothing and block no fusion, and keeps where each one was
// as metadata, for hooks.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/graph.h"

#include <memory>
#include <utility>
#include <vector>

namespace nnc::passes {

struct StrippedGraph {
  /// The graph without boundary nodes and without dead code: the same
  /// inputs and symbols in the same order, the parameters its outputs use;
  /// each boundary's users read its operand.
  std::unique_ptr<ir::Graph> graph;
  /// Each live boundary of the original graph, in its order, with the node
  /// of `graph` that holds its value.
  std::vector<std::pair<const ir::Node *, ir::ModuleBoundary>> boundaries;
};

StrippedGraph stripBoundaries(const ir::Graph &graph);

} // namespace nnc::passes
