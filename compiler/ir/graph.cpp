//===- graph.cpp - Building and interning graph nodes ---------------------===//
//
// Nodes are interned by (op, dtype, operands, attributes): building the same
// expression twice yields one node, which is common-subexpression
// elimination for free and keeps the printed IR deterministic.
//
//===----------------------------------------------------------------------===//
#include "ir/graph.h"
#include "base/diagnostics.h"
#include "ir/printer_detail.h"

#include <algorithm>

namespace nnc::ir {

const Node *Graph::intern(std::unique_ptr<Node> node) {
  std::string key = std::string(opInfo(node->op).mnemonic) + " " +
                    dtypeName(node->dtype);
  for (const Node *operand : node->operands)
    key += " %" + std::to_string(operand->id);
  key += " " + attrsText(*node);
  // Inputs and params are unique by name; equal keys mean the same node.
  auto [begin, end] = index_.equal_range(key);
  for (auto it = begin; it != end; ++it)
    if (it->second->shape == node->shape)
      return it->second;
  node->id = static_cast<int>(nodes_.size());
  const Node *result = node.get();
  nodes_.push_back(std::move(node));
  index_.emplace(std::move(key), result);
  if (result->op == OpKind::Input)
    inputs_.push_back(result);
  if (result->op == OpKind::Param)
    params_.push_back(result);
  return result;
}

const Node *Graph::add(OpKind op, std::vector<const Node *> operands,
                       Attrs attrs, SourceLoc loc, DType dtype) {
  std::vector<Shape> shapes;
  for (const Node *operand : operands)
    shapes.push_back(operand->shape);
  ShapeError error;
  std::optional<Shape> shape = inferShape(op, shapes, attrs, error);
  NNC_CHECK(shape.has_value(), "graph node built with operands that do not "
                               "fit its shape rule");
  auto node = std::make_unique<Node>();
  node->op = op;
  node->dtype = dtype;
  node->shape = std::move(*shape);
  node->operands = std::move(operands);
  node->attrs = std::move(attrs);
  node->loc = loc;
  return intern(std::move(node));
}

const Node *Graph::addLeaf(OpKind op, const std::string &name, Shape shape,
                           SourceLoc loc) {
  auto node = std::make_unique<Node>();
  node->op = op;
  node->shape = std::move(shape);
  node->attrs.name = name;
  node->loc = loc;
  return intern(std::move(node));
}

const Node *Graph::constant(double value, SourceLoc loc) {
  auto node = std::make_unique<Node>();
  node->op = OpKind::Const;
  node->attrs.value = value;
  node->loc = loc;
  return intern(std::move(node));
}

void Graph::addSymbol(const std::string &s) {
  if (std::find(symbols_.begin(), symbols_.end(), s) == symbols_.end())
    symbols_.push_back(s);
}

} // namespace nnc::ir
