//===- shapes.cpp - Shape types: patterns, checks, constant shapes --------===//
//
// A forward parameter's shape `[B, d_in]` is a pattern: integer literals and
// names bound in scope (module arguments) must match exactly, and any other
// name binds to the dimension it meets, so `B` in Linear's forward takes the
// caller's batch dimension. At the model's top level those names become the
// symbolic dimensions bound at run time. Result types are checked the same
// way, but there every name must already be bound.
//
//===----------------------------------------------------------------------===//
#include "sema/elaborator.h"

namespace nnc::sema {

std::optional<ir::Dim> Elaborator::evalDim(const syntax::Expr &e, Scope &scope,
                                           bool bindUnknown,
                                           const ir::Dim *actual) {
  if (e.kind == syntax::ExprKind::Name) {
    if (const ir::Dim *d = scope.findDim(e.text))
      return *d;
    bool found = false;
    Value v = lookup(e.text, scope, found, e.range);
    if (!found) {
      if (!bindUnknown) {
        error(DiagKind::UnknownName, e.range, {e.text});
        return std::nullopt;
      }
      ir::Dim d = actual ? *actual : ir::Dim::symbol(e.text);
      scope.dims[e.text] = d;
      return d;
    }
    if (v.kind == Value::SymDim)
      return v.dim;
    if (v.kind == Value::Int)
      return ir::Dim::constant(v.i);
    error(DiagKind::TypeMismatch, e.range, {"a dimension", describe(v)});
    return std::nullopt;
  }
  Value v = eval(e, scope);
  if (v.kind == Value::Int)
    return ir::Dim::constant(v.i);
  if (v.kind == Value::SymDim)
    return v.dim;
  if (v.kind != Value::Poison)
    error(DiagKind::TypeMismatch, e.range, {"a dimension", describe(v)});
  return std::nullopt;
}

std::string Elaborator::patternText(const syntax::TypeExpr &type,
                                    Scope &scope) {
  std::string out = "[";
  for (size_t i = 0; i < type.dims.size(); ++i) {
    const syntax::Expr &e = *type.dims[i];
    out += i ? ", " : "";
    if (e.kind == syntax::ExprKind::Name && !scope.findDim(e.text)) {
      bool found = false;
      Value v = lookup(e.text, scope, found);
      out += found && v.kind == Value::Int ? std::to_string(v.i) : e.text;
    } else if (e.kind == syntax::ExprKind::Name) {
      out += scope.findDim(e.text)->str();
    } else if (e.kind == syntax::ExprKind::Int) {
      out += std::to_string(e.intValue);
    } else {
      out += "...";
    }
  }
  return out + "]";
}

bool Elaborator::bindInput(const syntax::ParamDecl &param, const Value &actual,
                           Scope &scope, const std::string &callee,
                           SourceRange where) {
  if (actual.kind == Value::Poison)
    return false;
  if (actual.kind != Value::Tensor) {
    error(DiagKind::WrongArgumentType, where,
          {callee, param.name, "a tensor", describe(actual)});
    return false;
  }
  const ir::Shape &shape = actual.tensor->shape;
  const syntax::TypeExpr &type = *param.type;
  // The pattern as written, before this call binds any of its names.
  std::string declared = patternText(type, scope);
  std::string why;
  if (shape.size() != type.dims.size())
    why = "rank " + std::to_string(shape.size()) + ", expected " +
          std::to_string(type.dims.size());
  for (size_t i = 0; why.empty() && i < shape.size(); ++i) {
    std::optional<ir::Dim> d = evalDim(*type.dims[i], scope, true, &shape[i]);
    if (!d)
      return false;
    if (!(*d == shape[i]))
      why = "dimension " + std::to_string(i) + " is " + shape[i].str() +
            ", expected " + d->str();
  }
  if (why.empty())
    return true;
  error(DiagKind::InputShapeMismatch, where,
        {param.name, ir::shapeStr(shape), callee, declared, why});
  diags_.report(DiagKind::DeclaredHere,
                SourceRange{param.loc, static_cast<uint32_t>(param.name.size())},
                {param.name});
  return false;
}

bool Elaborator::checkResult(const syntax::TypeExpr &type, const Value &actual,
                             Scope &scope, const std::string &callee,
                             SourceRange where) {
  if (type.kind == syntax::TypeExpr::Tuple) {
    size_t got = actual.kind == Value::Tuple ? actual.items.size() : 1;
    if (actual.kind != Value::Tuple || got != type.elements.size()) {
      error(DiagKind::ReturnCountMismatch, type.range,
            {callee, std::to_string(got), std::to_string(type.elements.size())});
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < got; ++i)
      ok &= checkResult(type.elements[i], actual.items[i], scope, callee, where);
    return ok;
  }
  if (type.kind != syntax::TypeExpr::Shape)
    return true;
  if (actual.kind != Value::Tensor) {
    error(DiagKind::ReturnCountMismatch, type.range,
          {callee, actual.kind == Value::Tuple
                       ? std::to_string(actual.items.size())
                       : "a non-tensor",
           "1"});
    return false;
  }
  const ir::Shape &shape = actual.tensor->shape;
  bool ok = shape.size() == type.dims.size();
  for (size_t i = 0; ok && i < shape.size(); ++i) {
    std::optional<ir::Dim> d = evalDim(*type.dims[i], scope, false, nullptr);
    if (!d)
      return false;
    ok = *d == shape[i];
  }
  if (!ok)
    error(DiagKind::ReturnShapeMismatch, type.range,
          {callee, ir::shapeStr(shape), patternText(type, scope)});
  return ok;
}

std::optional<std::vector<int64_t>>
Elaborator::constShape(const syntax::TypeExpr &type, Scope &scope,
                       const std::string &what) {
  if (type.kind != syntax::TypeExpr::Shape) {
    error(DiagKind::TensorNeedsShape, type.range,
          {what, "4, 8", type.kind == syntax::TypeExpr::Tuple ? "a tuple type"
                                                              : "a scalar type"});
    return std::nullopt;
  }
  std::vector<int64_t> shape;
  for (const syntax::ExprPtr &e : type.dims) {
    Value v = eval(*e, scope);
    if (v.kind == Value::Poison)
      return std::nullopt;
    if (v.kind != Value::Int || v.i <= 0) {
      error(DiagKind::InvalidShape, e->range,
            {"a parameter dimension must be a positive integer, got " +
             describe(v)});
      return std::nullopt;
    }
    shape.push_back(v.i);
  }
  ir::Shape dims;
  for (int64_t d : shape)
    dims.push_back(ir::Dim::constant(d));
  if (std::string problem = ir::shapeProblem(dims); !problem.empty()) {
    error(DiagKind::InvalidShape, type.range, {problem});
    return std::nullopt;
  }
  return shape;
}

} // namespace nnc::sema
