//===- graph.cpp - Building and interning graph nodes ---------------------===//
//
// Nodes are interned by value (op, dtype, operands, attributes, shape):
// building the same expression twice yields one node, which is
// common-subexpression elimination for free and keeps the printed IR
// deterministic.
//
//===----------------------------------------------------------------------===//
#include "ir/graph.h"
#include "base/diagnostics.h"
#include <algorithm>
#include <bit>
#include <functional>
#include <map>
#include <set>

namespace nnc::ir {

namespace {

uint64_t bitsOf(double value) { return std::bit_cast<uint64_t>(value); }

void mix(size_t &seed, size_t value) {
  seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

// The interning key is the node itself, compared by value: every field of
// Attrs takes part (its defaulted operator==), whatever the printer shows of
// it. The constant is also compared by its bits, so that 0.0 and -0.0 stay
// two nodes (a NaN, unequal to itself, is never merged; that only costs a
// node).
bool sameNode(const Node &a, const Node &b) {
  return a.op == b.op && a.dtype == b.dtype && a.operands == b.operands &&
         a.attrs == b.attrs && bitsOf(a.attrs.value) == bitsOf(b.attrs.value) &&
         a.shape == b.shape;
}

size_t hashNode(const Node &node) {
  size_t seed = static_cast<size_t>(node.op);
  mix(seed, static_cast<size_t>(node.dtype));
  for (const Node *operand : node.operands)
    mix(seed, static_cast<size_t>(operand->id));
  mix(seed, std::hash<std::string>{}(node.attrs.name));
  mix(seed, bitsOf(node.attrs.value));
  for (int64_t axis : node.attrs.axes)
    mix(seed, static_cast<size_t>(axis));
  mix(seed, node.attrs.keepdim);
  mix(seed, std::hash<std::string>{}(node.attrs.boundary.module));
  mix(seed, static_cast<size_t>(node.attrs.boundary.call));
  mix(seed, static_cast<size_t>(node.attrs.boundary.role));
  mix(seed, static_cast<size_t>(node.attrs.boundary.index));
  mix(seed, node.attrs.shape.size());
  mix(seed, node.shape.size());
  return seed;
}

} // namespace

const Node *Graph::intern(std::unique_ptr<Node> node) {
  size_t hash = hashNode(*node);
  auto [begin, end] = index_.equal_range(hash);
  for (auto it = begin; it != end; ++it)
    if (sameNode(*it->second, *node))
      return it->second;
  node->id = static_cast<int>(nodes_.size());
  const Node *result = node.get();
  nodes_.push_back(std::move(node));
  index_.emplace(hash, result);
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

const Node *Graph::copy(const Node &from, std::vector<const Node *> operands) {
  NNC_CHECK(operands.size() == from.operands.size(), "a copied node's operand count");
  for (size_t i = 0; i < operands.size(); ++i)
    NNC_CHECK(operands[i]->dtype == from.operands[i]->dtype &&
                  operands[i]->shape.size() == from.operands[i]->shape.size(),
              "a copied node's operands differ from the original's");
  auto node = std::make_unique<Node>();
  node->op = from.op;
  node->dtype = from.dtype;
  node->shape = from.shape;
  node->operands = std::move(operands);
  node->attrs = from.attrs;
  node->loc = from.loc;
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

// Marks what the outputs need by walking the nodes backwards, then re-adds
// the live nodes in order into a fresh graph (interning keeps it free of
// duplicates), mapping old operands to new nodes.
std::unique_ptr<Graph> extractGraph(const Graph &graph,
                                    const std::vector<const Node *> &outputs,
                                    const std::vector<const Node *> &inputs) {
  std::set<const Node *> live(outputs.begin(), outputs.end());
  live.insert(inputs.begin(), inputs.end());
  for (size_t i = graph.nodes().size(); i-- > 0;) {
    const Node *n = graph.nodes()[i].get();
    if (live.count(n))
      live.insert(n->operands.begin(), n->operands.end());
  }
  auto result = std::make_unique<Graph>(graph.name());
  for (const std::string &s : graph.symbols())
    result->addSymbol(s);
  std::map<const Node *, const Node *> remap;
  std::set<const Node *> given(inputs.begin(), inputs.end());
  for (const auto &node : graph.nodes()) {
    const Node *n = node.get();
    if (!live.count(n))
      continue;
    NNC_CHECK(n->op != OpKind::Input || given.count(n),
              "an extracted graph needs an input it was not given");
    if (n->op == OpKind::Input || n->op == OpKind::Param) {
      remap[n] = result->addLeaf(n->op, n->attrs.name, n->shape, n->loc);
    } else if (n->op == OpKind::Const) {
      remap[n] = result->constant(n->attrs.value, n->loc);
    } else {
      std::vector<const Node *> operands;
      for (const Node *o : n->operands)
        operands.push_back(remap.at(o));
      remap[n] = result->copy(*n, std::move(operands));
    }
  }
  for (const Node *o : outputs)
    result->addOutput(remap.at(o));
  return result;
}

} // namespace nnc::ir
