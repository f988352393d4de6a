//===- dot.h - Graphviz views of a model ----------------------------------===//
//
// `nnc graph`: the module tree, or a graph IR (forward, or forward with its
// reverse graph) as a DOT digraph. Node labels use the IR's mnemonics and
// shapes, so a picture and the textual IR name the same things.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/graph.h"
#include "sema/model.h"

#include <ostream>

namespace nnc::driver {

/// The module tree: one box per module (path and type), with its parameter
/// and buffer names and shapes.
void printModuleDot(const sema::Model &model, std::ostream &out);

/// A graph IR: one node per IR node, edges from operands to users; inputs,
/// parameters and outputs are drawn apart.
void printGraphDot(const ir::Graph &graph, std::ostream &out);

} // namespace nnc::driver
