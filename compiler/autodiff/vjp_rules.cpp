//===- vjp_rules.cpp - One vector-Jacobian product rule per op ------------===//
//
// vjp<Name> for every row of ops.def (a missing one fails to build). Each
// rule states its math above it; `g` is the incoming gradient (shape of the
// node), `y` the node's value, and "unbroadcast" sums a gradient back to the
// shape of a broadcast operand.
//
//===----------------------------------------------------------------------===//
#include "autodiff/vjp_rules.h"

#include <cmath>

namespace nnc::autodiff {
namespace {

using ir::Node;
using Grads = std::vector<const Node *>;

const Node *arg(const Node &n, size_t i) { return n.operands[i]; }
const Node *self(const Node &n) { return &n; }

// Leaves have no operands.
Grads vjpInput(GradBuilder &, const Node &, const Node *) { return {}; }
Grads vjpParam(GradBuilder &, const Node &, const Node *) { return {}; }
Grads vjpConst(GradBuilder &, const Node &, const Node *) { return {}; }

// d(-x) = -g
Grads vjpNeg(GradBuilder &b, const Node &, const Node *g) { return {b.neg(g)}; }
// d exp(x) = g * exp(x) = g * y
Grads vjpExp(GradBuilder &b, const Node &n, const Node *g) { return {b.mul(g, self(n))}; }
// d log(x) = g / x
Grads vjpLog(GradBuilder &b, const Node &n, const Node *g) { return {b.div(g, arg(n, 0))}; }
// d tanh(x) = g * (1 - y^2)
Grads vjpTanh(GradBuilder &b, const Node &n, const Node *g) {
  return {b.mul(g, b.sub(b.c(1.0), b.mul(self(n), self(n))))};
}
// d erf(x) = g * 2/sqrt(pi) * exp(-x^2)
Grads vjpErf(GradBuilder &b, const Node &n, const Node *g) {
  const Node *x = arg(n, 0);
  const Node *e = b.op(ir::OpKind::Exp, {b.neg(b.mul(x, x))});
  return {b.mul(g, b.mul(b.c(2.0 / std::sqrt(M_PI)), e))};
}
// d sqrt(x) = g / (2 y)
Grads vjpSqrt(GradBuilder &b, const Node &n, const Node *g) {
  return {b.div(g, b.mul(b.c(2.0), self(n)))};
}
// d |x| = g * sign(x), with sign(0) = 0 as in PyTorch
Grads vjpAbs(GradBuilder &b, const Node &n, const Node *g) {
  const Node *x = arg(n, 0);
  const Node *sign = b.sub(b.gt(x, b.c(0.0)), b.gt(b.c(0.0), x));
  return {b.mul(g, sign)};
}
// d relu(x) = g * [x > 0] (PyTorch's subgradient 0 at 0). [y > 0] is the
// same mask, NaN and -0 included, and reading the output instead of x (as
// PyTorch's threshold_backward does) leaves x dead once the forward pass is
// done: the layer's product then stores relu(x) alone, from its epilogue.
Grads vjpRelu(GradBuilder &b, const Node &n, const Node *g) {
  return {b.mul(g, b.gt(self(n), b.c(0.0)))};
}
// d sigmoid(x) = g * y * (1 - y)
Grads vjpSigmoid(GradBuilder &b, const Node &n, const Node *g) {
  return {b.mul(g, b.mul(self(n), b.sub(b.c(1.0), self(n))))};
}
// d(a + b) = (g, g), each unbroadcast
Grads vjpAdd(GradBuilder &b, const Node &n, const Node *g) {
  return {b.unbroadcast(g, arg(n, 0)->shape), b.unbroadcast(g, arg(n, 1)->shape)};
}
// d(a - b) = (g, -g)
Grads vjpSub(GradBuilder &b, const Node &n, const Node *g) {
  return {b.unbroadcast(g, arg(n, 0)->shape),
          b.unbroadcast(b.neg(g), arg(n, 1)->shape)};
}
// d(a * b) = (g * b, g * a)
Grads vjpMul(GradBuilder &b, const Node &n, const Node *g) {
  return {b.unbroadcast(b.mul(g, arg(n, 1)), arg(n, 0)->shape),
          b.unbroadcast(b.mul(g, arg(n, 0)), arg(n, 1)->shape)};
}
// d(a / b) = (g / b, -g * a / b^2)
Grads vjpDiv(GradBuilder &b, const Node &n, const Node *g) {
  const Node *x = arg(n, 0), *y = arg(n, 1);
  return {b.unbroadcast(b.div(g, y), x->shape),
          b.unbroadcast(b.neg(b.div(b.mul(g, x), b.mul(y, y))), y->shape)};
}
// d max(a, b): g goes to the larger operand, split evenly on a tie (as
// torch.maximum does).
Grads vjpMax(GradBuilder &b, const Node &n, const Node *g) {
  const Node *x = arg(n, 0), *y = arg(n, 1);
  const Node *toX = b.select(b.gt(x, y), b.c(1.0), b.select(b.gt(y, x), b.c(0.0), b.c(0.5)));
  return {b.unbroadcast(b.mul(g, toX), x->shape),
          b.unbroadcast(b.mul(g, b.sub(b.c(1.0), toX)), y->shape)};
}
// d min(a, b): the same with the smaller operand.
Grads vjpMin(GradBuilder &b, const Node &n, const Node *g) {
  const Node *x = arg(n, 0), *y = arg(n, 1);
  const Node *toX = b.select(b.gt(y, x), b.c(1.0), b.select(b.gt(x, y), b.c(0.0), b.c(0.5)));
  return {b.unbroadcast(b.mul(g, toX), x->shape),
          b.unbroadcast(b.mul(g, b.sub(b.c(1.0), toX)), y->shape)};
}
// A comparison is piecewise constant: no gradient.
Grads vjpGreater(GradBuilder &, const Node &, const Node *) { return {nullptr, nullptr}; }
// d select(c, a, b) = (none, g where c, g where not c)
Grads vjpSelect(GradBuilder &b, const Node &n, const Node *g) {
  const Node *c = arg(n, 0), *zero = b.c(0.0);
  return {nullptr, b.unbroadcast(b.select(c, g, zero), arg(n, 1)->shape),
          b.unbroadcast(b.select(c, zero, g), arg(n, 2)->shape)};
}
// d broadcast(x) = g summed back to x's shape
Grads vjpBroadcast(GradBuilder &b, const Node &n, const Node *g) {
  return {b.unbroadcast(g, arg(n, 0)->shape)};
}
// C = A B: dA = g B^T, dB = A^T g
Grads vjpMatMul(GradBuilder &b, const Node &n, const Node *g) {
  const Node *a = arg(n, 0), *m = arg(n, 1);
  return {b.matmul(g, b.transpose(m, {1, 0})), b.matmul(b.transpose(a, {1, 0}), g)};
}
// d transpose(x, p) = transpose(g, p^-1)
Grads vjpTranspose(GradBuilder &b, const Node &n, const Node *g) {
  const std::vector<int64_t> &perm = n.attrs.axes;
  std::vector<int64_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    inverse[perm[i]] = static_cast<int64_t>(i);
  return {b.transpose(g, inverse)};
}
// d reshape(x) = reshape(g, shape of x)
Grads vjpReshape(GradBuilder &b, const Node &n, const Node *g) {
  return {b.reshape(g, arg(n, 0)->shape)};
}

// A boundary is the identity; the gradient of a module's input or output is
// marked as its grad_input or grad_output (what PyTorch's full backward hooks
// receive), and a gradient's mark passes the gradient through.
Grads vjpBoundary(GradBuilder &b, const Node &n, const Node *g) {
  ir::ModuleBoundary mark = n.attrs.boundary;
  switch (mark.role) {
  case ir::BoundaryRole::Input:
    mark.role = ir::BoundaryRole::GradInput;
    break;
  case ir::BoundaryRole::Output:
    mark.role = ir::BoundaryRole::GradOutput;
    break;
  default:
    return {g};
  }
  ir::Attrs attrs;
  attrs.boundary = std::move(mark);
  return {b.op(ir::OpKind::Boundary, {g}, std::move(attrs))};
}

/// g with the reduced axes kept (as size 1), ready to broadcast back.
const Node *keptGrad(GradBuilder &b, const Node &n, const Node *g) {
  if (n.attrs.keepdim)
    return g;
  ir::Shape kept = arg(n, 0)->shape;
  for (int64_t axis : n.attrs.axes)
    kept[axis] = ir::Dim::constant(1);
  return b.reshape(g, kept);
}
// d sum(x, axes) = g broadcast over the reduced axes
Grads vjpReduceSum(GradBuilder &b, const Node &n, const Node *g) {
  return {b.broadcastTo(keptGrad(b, n, g), arg(n, 0)->shape)};
}
// d mean(x, axes) = g / count broadcast over the reduced axes. A symbolic
// count is known at run time only: the sum of ones over the same axes.
Grads vjpReduceMean(GradBuilder &b, const Node &n, const Node *g) {
  const Node *x = arg(n, 0);
  ir::Dim count = ir::Dim::constant(1);
  for (int64_t axis : n.attrs.axes)
    count = count * x->shape[axis];
  const Node *divisor =
      count.isConstant() ? b.c(static_cast<double>(count.constantValue()))
                         : b.sum(b.broadcastTo(b.c(1.0), x->shape), n.attrs.axes, true);
  return {b.broadcastTo(b.div(keptGrad(b, n, g), divisor), x->shape)};
}
// d amax(x, axes) = g shared evenly by the elements equal to the maximum
Grads vjpReduceMax(GradBuilder &b, const Node &n, const Node *g) {
  const Node *x = arg(n, 0);
  ir::Attrs keep = n.attrs;
  keep.keepdim = true;
  const Node *y = b.op(ir::OpKind::ReduceMax, {x}, keep);
  // x <= y everywhere, so x == y exactly where not (y > x).
  const Node *isMax = b.sub(b.c(1.0), b.gt(y, x));
  const Node *count = b.sum(isMax, n.attrs.axes, true);
  return {b.mul(b.div(keptGrad(b, n, g), count), isMax)};
}

} // namespace

std::vector<const Node *> vjp(GradBuilder &b, const Node &n, const Node *g) {
  switch (n.op) {
#define NNC_OP(Name, Mnemonic, Surface, Arity, ShapeRule, Lowering)            \
  case ir::OpKind::Name:                                                       \
    return vjp##Name(b, n, g);
#include "ir/ops.def"
  }
  return {};
}

} // namespace nnc::autodiff
