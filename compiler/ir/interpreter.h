//===- interpreter.h - A reference evaluator of the graph IR, in double ---===//
//
// The naive, obviously correct oracle that compiled code and symbolic
// gradients are checked against (finite differences need double precision).
// Dense row-major tensors, one loop per op, no fusion, no cleverness.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/graph.h"

#include <map>
#include <string>
#include <vector>

namespace nnc::ir {

struct HostTensor {
  std::vector<int64_t> shape;
  std::vector<double> data;

  static HostTensor zeros(std::vector<int64_t> shape);
  int64_t numel() const;
};

/// Evaluates `graph` with its symbols bound to `symbols` and its inputs and
/// parameters taken by name from `leaves`. Returns the outputs, in order.
/// Throws std::runtime_error for a missing leaf or a leaf of the wrong shape.
std::vector<HostTensor> interpret(const Graph &graph,
                                  const std::map<std::string, int64_t> &symbols,
                                  const std::map<std::string, HostTensor> &leaves);

/// A shape with its symbols bound.
std::vector<int64_t> concreteShape(const Shape &shape,
                                   const std::map<std::string, int64_t> &symbols);

} // namespace nnc::ir
