//===- dce.h - Dead code elimination on the graph IR ----------------------===//
#pragma once

#include "ir/graph.h"

#include <memory>

namespace nnc::passes {

/// A copy of `graph` holding only the nodes its outputs depend on, in the
/// same relative order. Inputs are kept even when unused: they are part of
/// the graph's signature (the executable's input files).
std::unique_ptr<ir::Graph> eliminateDeadCode(const ir::Graph &graph);

} // namespace nnc::passes
