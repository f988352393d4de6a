//===- dce.cpp - Dead code elimination on the graph IR --------------------===//
//
// The graph restricted to what its outputs need, with every input kept
// (ir::extractGraph does the work).
//
//===----------------------------------------------------------------------===//
#include "passes/dce.h"


namespace nnc::passes {

std::unique_ptr<ir::Graph> eliminateDeadCode(const ir::Graph &graph) {
  return ir::extractGraph(graph, graph.outputs(), graph.inputs());
}

} // namespace nnc::passes
