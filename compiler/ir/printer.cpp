//===- printer.cpp - The textual form of the graph IR ---------------------===//
//
//   graph @MLP(B) {
//     %0 = input "x" : f32[B, 1, 28, 28]
//     %1 = param "net.0.weight" : f32[256, 784]
//     %2 = reshape %0 {shape = [B, 784]} : f32[B, 784]
//     %3 = transpose %1 {perm = [1, 0]} : f32[784, 256]
//     %4 = matmul %2, %3 : f32[B, 256]
//     return %4
//   }
//
// Deterministic: nodes print in their (topological) order with their ids.
//
//===----------------------------------------------------------------------===//
#include "base/float_text.h"
#include "ir/graph.h"

#include <cmath>
#include <ostream>

namespace nnc::ir {

namespace {
std::string intList(const std::vector<int64_t> &values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i)
    out += (i ? ", " : "") + std::to_string(values[i]);
  return out + "]";
}

/// `"x"`, `0.5`, `{perm = [1, 0]}`, `{shape = [B, 784]}`, or empty.
std::string attrsText(const Node &node) {
  const Attrs &a = node.attrs;
  switch (node.op) {
  case OpKind::Input:
  case OpKind::Param:
    return "\"" + a.name + "\"";
  case OpKind::Const:
    return floatText(a.value);
  case OpKind::Transpose:
    return "{perm = " + intList(a.axes) + "}";
  case OpKind::Reshape:
  case OpKind::Broadcast:
    return "{shape = " + shapeStr(a.shape) + "}";
  case OpKind::ReduceSum:
  case OpKind::ReduceMax:
  case OpKind::ReduceMean:
    return "{axes = " + intList(a.axes) +
           ", keepdim = " + (a.keepdim ? "true" : "false") + "}";
  case OpKind::Boundary:
    return "{module = \"" + a.boundary.module +
           "\", call = " + std::to_string(a.boundary.call) +
           ", role = " + boundaryRoleName(a.boundary.role) +
           ", index = " + std::to_string(a.boundary.index) + "}";
  default:
    return "";
  }
}
} // namespace

void printGraph(const Graph &graph, std::ostream &out) {
  out << "graph @" << graph.name() << "(";
  for (size_t i = 0; i < graph.symbols().size(); ++i)
    out << (i ? ", " : "") << graph.symbols()[i];
  out << ") {\n";
  for (const auto &node : graph.nodes()) {
    out << "  %" << node->id << " = " << opInfo(node->op).mnemonic;
    for (size_t i = 0; i < node->operands.size(); ++i)
      out << (i ? ", %" : " %") << node->operands[i]->id;
    std::string attrs = attrsText(*node);
    if (!attrs.empty())
      out << " " << attrs;
    out << " : " << dtypeName(node->dtype) << shapeStr(node->shape) << "\n";
  }
  out << "  return";
  for (size_t i = 0; i < graph.outputs().size(); ++i)
    out << (i ? ", %" : " %") << graph.outputs()[i]->id;
  out << "\n}\n";
}

} // namespace nnc::ir
