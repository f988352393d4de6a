//===- tensors.cpp - Operators on values: arithmetic and tensor ops -------===//
//
// Binary operators on compile-time numbers fold to numbers; on tensors they
// become graph nodes, after the op's shape rule has accepted the operands.
// A shape rule's refusal is reported at the operator's source range.
//
//===----------------------------------------------------------------------===//
#include "sema/elaborator.h"

#include <cmath>
#include <cstdio>

namespace nnc::sema {

using syntax::TokenKind;

std::string describe(const Value &v) {
  switch (v.kind) {
  case Value::Poison:
    return "an invalid value";
  case Value::None:
    return "nothing";
  case Value::Int:
    return "the integer " + std::to_string(v.i);
  case Value::Float:
  {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v.f);
    return std::string("the number ") + buf;
  }
  case Value::Bool:
    return v.b ? "`true`" : "`false`";
  case Value::Str:
    return "the string \"" + v.s + "\"";
  case Value::Tensor:
    return "a tensor of shape " + ir::shapeStr(v.tensor->shape);
  case Value::Module:
    if (v.module->kind == ModuleInst::List)
      return "a module list";
    if (v.module->kind == ModuleInst::Dict)
      return "a module dict";
    return "module `" + v.module->type + "`";
  case Value::Tuple:
    return "a tuple of " + std::to_string(v.items.size()) + " values";
  case Value::List:
    return "a list of " + std::to_string(v.items.size()) + " values";
  case Value::Range:
    return "a range";
  case Value::Init:
    return "the initialiser `" + v.init->fn + "`";
  case Value::SymDim:
    return "the dimension " + v.dim.str();
  }
  return "a value";
}

const ir::Node *Elaborator::paramNode(ModuleInst &inst, const TensorDecl &t) {
  ir::Shape shape;
  for (int64_t d : t.shape)
    shape.push_back(ir::Dim::constant(d));
  return graph_->addLeaf(ir::OpKind::Param, inst.fullName(t.name),
                         std::move(shape), t.loc);
}

const ir::Node *Elaborator::asTensor(const Value &v, SourceRange where) {
  if (v.kind == Value::Tensor)
    return v.tensor;
  if (v.isNumber())
    return graph_->constant(v.number(), where.begin);
  return nullptr;
}

Value Elaborator::tensorOp(ir::OpKind op, std::vector<const ir::Node *> operands,
                           ir::Attrs attrs, SourceRange where,
                           const std::string &what) {
  std::vector<ir::Shape> shapes;
  for (const ir::Node *n : operands)
    shapes.push_back(n->shape);
  ir::ShapeError shapeError;
  if (!ir::inferShape(op, shapes, attrs, shapeError))
    return error(DiagKind::ShapeMismatch, where, {what, shapeError.message});
  return Value::ofTensor(graph_->add(op, std::move(operands), std::move(attrs),
                                     where.begin));
}

namespace {

/// `a op b` on two compile-time numbers, or nullopt when `op` does not fold
/// them. Integer arithmetic is checked: `overflow` is set instead of
/// wrapping.
std::optional<Value> foldNumbers(TokenKind op, const Value &a, const Value &b,
                                 bool &overflow) {
  bool ints = a.kind == Value::Int && b.kind == Value::Int;
  double x = a.number(), y = b.number();
  int64_t r = 0;
  switch (op) {
  case TokenKind::Plus:
    if (!ints)
      return Value::ofFloat(x + y);
    overflow = __builtin_add_overflow(a.i, b.i, &r);
    return Value::ofInt(r);
  case TokenKind::Minus:
    if (!ints)
      return Value::ofFloat(x - y);
    overflow = __builtin_sub_overflow(a.i, b.i, &r);
    return Value::ofInt(r);
  case TokenKind::Star:
    if (!ints)
      return Value::ofFloat(x * y);
    overflow = __builtin_mul_overflow(a.i, b.i, &r);
    return Value::ofInt(r);
  case TokenKind::Slash:
    return Value::ofFloat(x / y);
  // Two integers compare exactly, not through doubles (2^53 + 1 == 2^53).
  case TokenKind::EqEq:
    return Value::ofBool(ints ? a.i == b.i : x == y);
  case TokenKind::NotEq:
    return Value::ofBool(ints ? a.i != b.i : x != y);
  case TokenKind::Less:
    return Value::ofBool(ints ? a.i < b.i : x < y);
  case TokenKind::Greater:
    return Value::ofBool(ints ? a.i > b.i : x > y);
  case TokenKind::LessEq:
    return Value::ofBool(ints ? a.i <= b.i : x <= y);
  case TokenKind::GreaterEq:
    return Value::ofBool(ints ? a.i >= b.i : x >= y);
  default:
    return std::nullopt;
  }
}

std::optional<ir::OpKind> tensorOpFor(TokenKind op) {
  switch (op) {
  case TokenKind::Plus:
    return ir::OpKind::Add;
  case TokenKind::Minus:
    return ir::OpKind::Sub;
  case TokenKind::Star:
    return ir::OpKind::Mul;
  case TokenKind::Slash:
    return ir::OpKind::Div;
  case TokenKind::Greater:
  case TokenKind::Less:
    return ir::OpKind::Greater;
  case TokenKind::At:
    return ir::OpKind::MatMul;
  default:
    return std::nullopt;
  }
}

} // namespace

Value Elaborator::evalBinary(const syntax::Expr &e, Value a, Scope &scope) {
  // `and` / `or` short-circuit like Python's, on compile-time booleans.
  if (e.op == TokenKind::KwAnd || e.op == TokenKind::KwOr) {
    if (a.kind == Value::Bool && (a.b == (e.op == TokenKind::KwOr)))
      return a;
  }
  Value b = eval(*e.operands[1], scope);
  return binaryOp(e.op, e.text, a, b, e.range);
}

Value Elaborator::binaryOp(TokenKind op, const std::string &spelling,
                           const Value &a, const Value &b, SourceRange where) {
  if (a.kind == Value::Poison || b.kind == Value::Poison)
    return Value::poison();
  auto invalid = [&] {
    return error(DiagKind::InvalidOperands, where,
                 {spelling, describe(a), describe(b)});
  };
  if (op == TokenKind::KwAnd || op == TokenKind::KwOr) {
    if (a.kind != Value::Bool || b.kind != Value::Bool)
      return invalid();
    return Value::ofBool(op == TokenKind::KwAnd ? a.b && b.b : a.b || b.b);
  }
  if (a.isNumber() && b.isNumber()) {
    bool overflow = false;
    std::optional<Value> folded = foldNumbers(op, a, b, overflow);
    if (overflow)
      return error(DiagKind::IntegerOverflow, where,
                   {std::to_string(a.i) + " " + spelling + " " +
                    std::to_string(b.i)});
    if (folded)
      return *folded;
  }
  if ((op == TokenKind::EqEq || op == TokenKind::NotEq) &&
      a.kind == b.kind && (a.kind == Value::Str || a.kind == Value::Bool)) {
    bool eq = a.kind == Value::Str ? a.s == b.s : a.b == b.b;
    return Value::ofBool(op == TokenKind::EqEq ? eq : !eq);
  }
  if (op == TokenKind::Star &&
      (a.kind == Value::SymDim || b.kind == Value::SymDim) &&
      (a.kind == Value::SymDim || a.kind == Value::Int) &&
      (b.kind == Value::SymDim || b.kind == Value::Int)) {
    Value v;
    v.kind = Value::SymDim;
    auto dimOf = [](const Value &x) {
      return x.kind == Value::Int ? ir::Dim::constant(x.i) : x.dim;
    };
    v.dim = dimOf(a) * dimOf(b);
    return v;
  }
  if (a.kind != Value::Tensor && b.kind != Value::Tensor)
    return invalid();
  std::optional<ir::OpKind> kind = tensorOpFor(op);
  const ir::Node *x = asTensor(a, where), *y = asTensor(b, where);
  if (!kind || !x || !y)
    return invalid();
  if (op == TokenKind::Less)
    std::swap(x, y);
  if (*kind == ir::OpKind::MatMul) {
    if (a.kind != Value::Tensor || b.kind != Value::Tensor)
      return invalid();
    // [..., M, K] @ [K, N]: fold the leading dimensions into M.
    if (x->shape.size() > 2 && y->shape.size() == 2) {
      ir::Shape lead(x->shape.begin(), x->shape.end() - 1);
      ir::Attrs flat;
      flat.shape = {ir::numElements(lead), x->shape.back()};
      Value x2 = tensorOp(ir::OpKind::Reshape, {x}, flat, where, "@");
      Value m = tensorOp(ir::OpKind::MatMul, {x2.tensor, y}, {}, where, "@");
      if (m.kind == Value::Poison)
        return m;
      ir::Attrs back;
      back.shape = lead;
      back.shape.push_back(y->shape[1]);
      return tensorOp(ir::OpKind::Reshape, {m.tensor}, back, where, "@");
    }
    return tensorOp(*kind, {x, y}, {}, where, "@");
  }
  return tensorOp(*kind, {x, y}, {}, where, spelling);
}

} // namespace nnc::sema
