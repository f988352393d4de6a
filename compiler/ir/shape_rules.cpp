//===- shape_rules.cpp - The shape rule of each op ------------------------===//
//
// One function per ShapeRule named in ops.def. A rule either returns the
// result shape or explains, in words a user can act on, why the operand
// shapes do not fit; sema attaches the explanation to the source location.
//
//===----------------------------------------------------------------------===//
#include "ir/graph.h"

#include <algorithm>

namespace nnc::ir {
namespace {

using Shapes = std::vector<Shape>;

std::optional<Shape> fail(ShapeError &error, std::string message) {
  error.message = std::move(message);
  return std::nullopt;
}

std::optional<Shape> shapeLeaf(const Shapes &, const Attrs &, ShapeError &e) {
  return fail(e, "leaves carry their own shape");
}

std::optional<Shape> shapeUnary(const Shapes &in, const Attrs &, ShapeError &) {
  return in[0];
}

// NumPy broadcasting: align trailing dimensions; each pair must be equal or
// one of them 1. Symbolic dimensions broadcast only against 1 or themselves.
std::optional<Shape> shapeBroadcast(const Shapes &in, const Attrs &,
                                    ShapeError &error) {
  size_t rank = 0;
  for (const Shape &s : in)
    rank = std::max(rank, s.size());
  Shape out(rank, Dim::constant(1));
  for (const Shape &s : in) {
    size_t offset = rank - s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      Dim &o = out[offset + i];
      if (o == s[i] || s[i].isOne())
        continue;
      if (o.isOne()) {
        o = s[i];
        continue;
      }
      std::string shapes;
      for (size_t k = 0; k < in.size(); ++k)
        shapes += (k ? " and " : "") + shapeStr(in[k]);
      return fail(error, shapes + " do not broadcast: dimension " +
                             std::to_string(offset + i) + " of the result is " +
                             o.str() + " in one and " + s[i].str() +
                             " in the other");
    }
  }
  return out;
}

std::optional<Shape> shapeBroadcastTo(const Shapes &in, const Attrs &attrs,
                                      ShapeError &error) {
  const Shape &from = in[0], &to = attrs.shape;
  if (from.size() > to.size())
    return fail(error, "cannot broadcast " + shapeStr(from) + " to the lower "
                       "rank " + shapeStr(to));
  size_t offset = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i)
    if (!(from[i] == to[offset + i]) && !from[i].isOne())
      return fail(error, "cannot broadcast " + shapeStr(from) + " to " +
                             shapeStr(to) + ": dimension " +
                             std::to_string(offset + i) + " is " +
                             from[i].str() + ", not 1 or " +
                             to[offset + i].str());
  return to;
}

// [M, K] x [K, N] -> [M, N]
std::optional<Shape> shapeMatMul(const Shapes &in, const Attrs &,
                                 ShapeError &error) {
  const Shape &a = in[0], &b = in[1];
  if (a.size() != 2 || b.size() != 2)
    return fail(error, shapeStr(a) + " @ " + shapeStr(b) +
                           ": both operands must have rank 2");
  if (!(a[1] == b[0]))
    return fail(error, shapeStr(a) + " @ " + shapeStr(b) +
                           ": the inner dimensions differ (" + a[1].str() +
                           " vs " + b[0].str() + ")");
  return Shape{a[0], b[1]};
}

std::optional<Shape> shapeTranspose(const Shapes &in, const Attrs &attrs,
                                    ShapeError &error) {
  const Shape &a = in[0];
  std::vector<int64_t> sorted = attrs.axes;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i)
    if (sorted[i] != static_cast<int64_t>(i))
      sorted.clear();
  if (sorted.size() != a.size())
    return fail(error, "the permutation does not match a tensor of shape " +
                           shapeStr(a));
  Shape out;
  for (int64_t axis : attrs.axes)
    out.push_back(a[axis]);
  return out;
}

std::optional<Shape> shapeReshape(const Shapes &in, const Attrs &attrs,
                                  ShapeError &error) {
  if (!(numElements(in[0]) == numElements(attrs.shape)))
    return fail(error, "cannot reshape " + shapeStr(in[0]) + " (" +
                           numElements(in[0]).str() + " elements) to " +
                           shapeStr(attrs.shape) + " (" +
                           numElements(attrs.shape).str() + " elements)");
  return attrs.shape;
}

std::optional<Shape> shapeReduce(const Shapes &in, const Attrs &attrs,
                                 ShapeError &error) {
  const Shape &a = in[0];
  Shape out;
  for (size_t i = 0; i < attrs.axes.size(); ++i) {
    int64_t axis = attrs.axes[i];
    if (axis < 0 || axis >= static_cast<int64_t>(a.size()))
      return fail(error, "dimension " + std::to_string(axis) +
                             " is out of range for shape " + shapeStr(a));
    if (std::find(attrs.axes.begin(), attrs.axes.begin() + i, axis) !=
        attrs.axes.begin() + i)
      return fail(error, "dimension " + std::to_string(axis) +
                             " appears more than once in the axes");
  }
  for (size_t i = 0; i < a.size(); ++i) {
    bool reduced = std::find(attrs.axes.begin(), attrs.axes.end(),
                             static_cast<int64_t>(i)) != attrs.axes.end();
    if (!reduced)
      out.push_back(a[i]);
    else if (attrs.keepdim)
      out.push_back(Dim::constant(1));
  }
  return out;
}

} // namespace

std::optional<Shape> inferShape(OpKind op, const std::vector<Shape> &in,
                                const Attrs &attrs, ShapeError &error) {
  if (static_cast<int>(in.size()) != opInfo(op).arity)
    return fail(error, std::string("`") + opInfo(op).mnemonic + "` takes " +
                           std::to_string(opInfo(op).arity) + " operand(s)");
  std::optional<Shape> result;
  switch (op) {
#define NNC_OP(Name, Mnemonic, Surface, Arity, ShapeRule, Lowering)            \
  case OpKind::Name:                                                           \
    result = ShapeRule(in, attrs, error);                                      \
    break;
#include "ir/ops.def"
  }
  // A product of valid shapes (a matmul, a broadcast) can still be too big.
  if (result)
    if (std::string problem = shapeProblem(*result); !problem.empty())
      return fail(error, "the result " + problem);
  return result;
}

} // namespace nnc::ir
