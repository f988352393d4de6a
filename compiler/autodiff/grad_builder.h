//===- grad_builder.h - Building gradient expressions ---------------------===//
//
// Small helpers over Graph::add for the VJP rules, so that each rule reads
// like its math. Every helper asserts the shapes it builds are valid: a rule
// that builds an ill-shaped node is a bug in nnc, not user error.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/graph.h"

namespace nnc::autodiff {

class GradBuilder {
public:
  explicit GradBuilder(ir::Graph &g) : g_(g) {}

  const ir::Node *op(ir::OpKind kind, std::vector<const ir::Node *> operands,
                     ir::Attrs attrs = {}) {
    return g_.add(kind, std::move(operands), std::move(attrs));
  }
  const ir::Node *c(double v) { return g_.constant(v); }
  const ir::Node *add(const ir::Node *a, const ir::Node *b) { return op(ir::OpKind::Add, {a, b}); }
  const ir::Node *sub(const ir::Node *a, const ir::Node *b) { return op(ir::OpKind::Sub, {a, b}); }
  const ir::Node *mul(const ir::Node *a, const ir::Node *b) { return op(ir::OpKind::Mul, {a, b}); }
  const ir::Node *div(const ir::Node *a, const ir::Node *b) { return op(ir::OpKind::Div, {a, b}); }
  const ir::Node *neg(const ir::Node *a) { return op(ir::OpKind::Neg, {a}); }
  const ir::Node *gt(const ir::Node *a, const ir::Node *b) { return op(ir::OpKind::Greater, {a, b}); }
  const ir::Node *select(const ir::Node *c, const ir::Node *a, const ir::Node *b) {
    return op(ir::OpKind::Select, {c, a, b});
  }
  const ir::Node *matmul(const ir::Node *a, const ir::Node *b) { return op(ir::OpKind::MatMul, {a, b}); }
  // transpose(transpose(x, p), q) = transpose(x, p[q]); the identity
  // permutation is x itself. (A B)^T = B^T A^T: the weight gradient of
  // x @ W.T is then one matmul with folded transposes instead of a matmul and
  // a transposing copy.
  const ir::Node *transpose(const ir::Node *a, std::vector<int64_t> perm) {
    if (a->op == ir::OpKind::MatMul && perm == std::vector<int64_t>{1, 0})
      return matmul(transpose(a->operands[1], {1, 0}),
                    transpose(a->operands[0], {1, 0}));
    if (a->op == ir::OpKind::Transpose) {
      std::vector<int64_t> composed;
      for (int64_t axis : perm)
        composed.push_back(a->attrs.axes[axis]);
      a = a->operands[0];
      perm = composed;
    }
    bool identity = true;
    for (size_t i = 0; i < perm.size(); ++i)
      identity &= perm[i] == static_cast<int64_t>(i);
    if (identity)
      return a;
    ir::Attrs attrs;
    attrs.axes = std::move(perm);
    return op(ir::OpKind::Transpose, {a}, attrs);
  }
  const ir::Node *reshape(const ir::Node *a, const ir::Shape &shape) {
    if (a->shape == shape)
      return a;
    ir::Attrs attrs;
    attrs.shape = shape;
    return op(ir::OpKind::Reshape, {a}, attrs);
  }
  const ir::Node *broadcastTo(const ir::Node *a, const ir::Shape &shape) {
    if (a->shape == shape)
      return a;
    ir::Attrs attrs;
    attrs.shape = shape;
    return op(ir::OpKind::Broadcast, {a}, attrs);
  }
  const ir::Node *sum(const ir::Node *a, std::vector<int64_t> axes, bool keepdim) {
    ir::Attrs attrs;
    attrs.axes = std::move(axes);
    attrs.keepdim = keepdim;
    return op(ir::OpKind::ReduceSum, {a}, attrs);
  }
  /// Zeros of `shape` (a broadcast constant).
  const ir::Node *zeros(const ir::Shape &shape) { return broadcastTo(c(0.0), shape); }

  /// The gradient `g` of a broadcast result, summed back to `shape`: over
  /// the leading dimensions `shape` lacks and the ones where it has 1.
  const ir::Node *unbroadcast(const ir::Node *g, const ir::Shape &shape) {
    if (g->shape == shape)
      return g;
    std::vector<int64_t> axes;
    size_t offset = g->shape.size() - shape.size();
    for (size_t i = 0; i < g->shape.size(); ++i)
      if (i < offset || (shape[i - offset].isOne() && !g->shape[i].isOne()))
        axes.push_back(static_cast<int64_t>(i));
    const ir::Node *summed = axes.empty() ? g : sum(g, axes, true);
    return reshape(summed, shape);
  }

private:
  ir::Graph &g_;
};

} // namespace nnc::autodiff
