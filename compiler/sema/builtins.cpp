//===- builtins.cpp - Functions built into the language -------------------===//
//
// The builtins that cannot be written in .nnm: the elementwise primitives of
// the op table (by their surface names), reductions, shape functions, and
// the initialisers. Everything composite (softmax, gelu, the activation
// modules, Linear) lives in stdlib/*.nnm on top of these.
//
//===----------------------------------------------------------------------===//
#include "ir/scalar_reference.h"
#include "sema/elaborator.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

namespace nnc::sema {
namespace {

/// A builtin's parameter: its name and default (None = required).
struct BuiltinParam {
  const char *name;
  Value fallback;
};

Value none() { return Value{}; }

const std::set<std::string> kNonlinearities = {
    "linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
    "conv_transpose2d", "conv_transpose3d", "sigmoid", "tanh", "relu",
    "leaky_relu", "selu"};

const std::set<std::string> kInitializers = {
    "zeros", "ones", "constant", "normal", "uniform", "randn",
    "kaiming_normal", "kaiming_uniform", "xavier_normal", "xavier_uniform"};

} // namespace

Value Elaborator::callBuiltin(const std::string &name, const CallArgs &args,
                              SourceRange where, bool &found) {
  found = true;
  // Binds args to `params`; returns false after reporting a problem.
  std::vector<Value> a;
  auto bind = [&](std::vector<BuiltinParam> params) {
    std::vector<syntax::ParamDecl> decls;
    Scope scope;
    if (args.positional.size() > params.size()) {
      error(DiagKind::WrongArgumentCount, where,
            {name, std::to_string(params.size()),
             std::to_string(args.positional.size() + args.named.size())});
      return false;
    }
    std::vector<bool> given(params.size(), false);
    a.assign(params.size(), Value{});
    for (size_t i = 0; i < args.positional.size(); ++i) {
      a[i] = args.positional[i];
      given[i] = true;
    }
    for (size_t k = 0; k < args.named.size(); ++k) {
      size_t i = 0;
      while (i < params.size() && args.named[k].first != params[i].name)
        ++i;
      SourceRange at{args.namedLocs[k],
                     static_cast<uint32_t>(args.named[k].first.size())};
      if (i == params.size()) {
        error(DiagKind::UnknownArgument, at, {name, args.named[k].first});
        return false;
      }
      if (given[i]) {
        error(DiagKind::ArgumentGivenTwice, at, {name, params[i].name});
        return false;
      }
      a[i] = args.named[k].second;
      given[i] = true;
    }
    for (size_t i = 0; i < params.size(); ++i) {
      if (given[i])
        continue;
      if (params[i].fallback.kind == Value::None) {
        error(DiagKind::MissingArgument, where, {name, params[i].name});
        return false;
      }
      a[i] = params[i].fallback;
    }
    return true;
  };
  auto expectKind = [&](size_t i, Value::Kind kind, const char *what,
                        const char *param) {
    if (a[i].kind == kind || (kind == Value::Float && a[i].isNumber()))
      return true;
    error(DiagKind::WrongArgumentType,
          i < args.positionalRanges.size() ? args.positionalRanges[i] : where,
          {name, param, what, describe(a[i])});
    return false;
  };
  auto tensorArg = [&](size_t i, const char *param) -> const ir::Node * {
    if (a[i].kind == Value::Tensor)
      return a[i].tensor;
    error(DiagKind::WrongArgumentType,
          i < args.positionalRanges.size() ? args.positionalRanges[i] : where,
          {name, param, "a tensor", describe(a[i])});
    return nullptr;
  };
  // Normalises a possibly negative dimension index against `rank`.
  auto axis = [&](int64_t d, size_t rank, int64_t &out) {
    int64_t r = static_cast<int64_t>(rank);
    out = d < 0 ? d + r : d;
    if (out >= 0 && out < r)
      return true;
    error(DiagKind::AxisOutOfRange, where, {std::to_string(d), std::to_string(rank)});
    return false;
  };

  // Elementwise primitives of the op table.
  if (std::optional<ir::OpKind> op = ir::opBySurface(name)) {
    int arity = ir::opInfo(*op).arity;
    std::vector<BuiltinParam> params;
    static const char *kNames[] = {"x", "y", "z"};
    if (*op == ir::OpKind::Select)
      params = {{"condition", none()}, {"input", none()}, {"other", none()}};
    else
      for (int i = 0; i < arity; ++i)
        params.push_back({kNames[i], none()});
    if (!bind(params))
      return Value::poison();
    if (arity == 1 && a[0].isNumber()) {
      double x = a[0].number();
      return Value::ofFloat(ir::evalScalar(*op, {&x, 1}));
    }
    std::vector<const ir::Node *> operands;
    bool anyTensor = false;
    for (size_t i = 0; i < a.size(); ++i) {
      anyTensor |= a[i].kind == Value::Tensor;
      const ir::Node *n = asTensor(a[i], where);
      if (!n)
        return error(DiagKind::WrongArgumentType, where,
                     {name, params[i].name, "a tensor or a number",
                      describe(a[i])});
      operands.push_back(n);
    }
    if (!anyTensor)
      return error(DiagKind::WrongArgumentType, where,
                   {name, params[0].name, "a tensor", describe(a[0])});
    return tensorOp(*op, operands, {}, where, name);
  }

  if (name == "flatten") {
    if (!bind({{"x", none()}, {"start_dim", Value::ofInt(1)},
               {"end_dim", Value::ofInt(-1)}}))
      return Value::poison();
    const ir::Node *x = tensorArg(0, "x");
    if (!x || !expectKind(1, Value::Int, "an integer", "start_dim") ||
        !expectKind(2, Value::Int, "an integer", "end_dim"))
      return Value::poison();
    int64_t s = 0, e = 0;
    if (!axis(a[1].i, x->shape.size(), s) || !axis(a[2].i, x->shape.size(), e))
      return Value::poison();
    ir::Attrs attrs;
    ir::Dim merged = ir::Dim::constant(1);
    for (int64_t i = 0; i < static_cast<int64_t>(x->shape.size()); ++i) {
      if (i < s || i > e)
        attrs.shape.push_back(x->shape[i]);
      else
        merged = merged * x->shape[i];
      if (i == e)
        attrs.shape.push_back(merged);
    }
    if (attrs.shape == x->shape)
      return a[0];
    return tensorOp(ir::OpKind::Reshape, {x}, attrs, where, "flatten");
  }

  if (name == "reshape") {
    if (!bind({{"x", none()}, {"shape", none()}}))
      return Value::poison();
    const ir::Node *x = tensorArg(0, "x");
    if (!x || !expectKind(1, Value::List, "a list of dimensions", "shape"))
      return Value::poison();
    ir::Attrs attrs;
    int inferred = -1;
    ir::Dim known = ir::Dim::constant(1);
    for (const Value &d : a[1].items) {
      if (d.kind == Value::Int && d.i == -1 && inferred < 0) {
        inferred = static_cast<int>(attrs.shape.size());
        attrs.shape.push_back(ir::Dim::constant(1));
        continue;
      }
      if (d.kind == Value::Int && d.i > 0)
        attrs.shape.push_back(ir::Dim::constant(d.i));
      else if (d.kind == Value::SymDim)
        attrs.shape.push_back(d.dim);
      else
        return error(DiagKind::InvalidShape, where,
                     {"dimensions must be positive integers, symbolic "
                      "dimensions or one -1, got " + describe(d)});
      known = known * attrs.shape.back();
    }
    if (inferred >= 0 &&
        !ir::divideExact(ir::numElements(x->shape), known,
                         attrs.shape[inferred]))
      return error(DiagKind::ShapeMismatch, where,
                   {"reshape", "cannot infer -1: " +
                                   ir::numElements(x->shape).str() +
                                   " elements are not a multiple of " +
                                   known.str()});
    return tensorOp(ir::OpKind::Reshape, {x}, attrs, where, "reshape");
  }

  if (name == "transpose") {
    if (!bind({{"x", none()}, {"dim0", none()}, {"dim1", none()}}))
      return Value::poison();
    const ir::Node *x = tensorArg(0, "x");
    if (!x || !expectKind(1, Value::Int, "an integer", "dim0") ||
        !expectKind(2, Value::Int, "an integer", "dim1"))
      return Value::poison();
    int64_t d0 = 0, d1 = 0;
    if (!axis(a[1].i, x->shape.size(), d0) || !axis(a[2].i, x->shape.size(), d1))
      return Value::poison();
    ir::Attrs attrs;
    for (size_t i = 0; i < x->shape.size(); ++i)
      attrs.axes.push_back(static_cast<int64_t>(i));
    std::swap(attrs.axes[d0], attrs.axes[d1]);
    return tensorOp(ir::OpKind::Transpose, {x}, attrs, where, "transpose");
  }

  if (name == "sum" || name == "amax" || name == "mean") {
    if (!bind({{"x", none()}, {"dim", Value::ofStr("all")},
               {"keepdim", Value::ofBool(false)}}))
      return Value::poison();
    const ir::Node *x = tensorArg(0, "x");
    if (!x || !expectKind(2, Value::Bool, "a boolean", "keepdim"))
      return Value::poison();
    ir::Attrs attrs;
    attrs.keepdim = a[2].b;
    std::vector<Value> dims;
    if (a[1].kind == Value::Int)
      dims = {a[1]};
    else if (a[1].kind == Value::List || a[1].kind == Value::Tuple)
      dims = a[1].items;
    else if (a[1].kind != Value::Str)
      return error(DiagKind::WrongArgumentType, where,
                   {name, "dim", "an integer or a list of integers",
                    describe(a[1])});
    if (a[1].kind == Value::Str)
      for (size_t i = 0; i < x->shape.size(); ++i)
        attrs.axes.push_back(static_cast<int64_t>(i));
    if (a[1].kind != Value::Str && dims.empty())
      return error(DiagKind::InvalidValue, where,
                   {"`dim` of `" + name + "` is empty: name the dimensions to "
                    "reduce, or leave `dim` out to reduce them all"});
    for (const Value &d : dims) {
      int64_t ax = 0;
      if (d.kind != Value::Int)
        return error(DiagKind::WrongArgumentType, where,
                     {name, "dim", "an integer or a list of integers",
                      describe(d)});
      if (!axis(d.i, x->shape.size(), ax))
        return Value::poison();
      // PyTorch refuses a repeated dimension; summing it twice would be
      // silently wrong (mean(x, [1, 1]) divided by 9).
      if (std::find(attrs.axes.begin(), attrs.axes.end(), ax) != attrs.axes.end())
        return error(DiagKind::InvalidValue, where,
                     {"dim " + std::to_string(ax) + " appears multiple times "
                      "in the list of dims of `" + name + "`"});
      attrs.axes.push_back(ax);
    }
    std::sort(attrs.axes.begin(), attrs.axes.end());
    ir::OpKind op = name == "amax"   ? ir::OpKind::ReduceMax
                    : name == "mean" ? ir::OpKind::ReduceMean
                                     : ir::OpKind::ReduceSum;
    return tensorOp(op, {x}, attrs, where, name);
  }

  if (kInitializers.count(name))
    return [&]() -> Value {
      auto spec = std::make_shared<InitSpec>();
      spec->fn = name;
      std::vector<BuiltinParam> params;
      if (name == "constant")
        params = {{"value", none()}};
      else if (name == "normal")
        params = {{"mean", Value::ofFloat(0)}, {"std", Value::ofFloat(1)}};
      else if (name == "uniform")
        params = {{"a", Value::ofFloat(0)}, {"b", Value::ofFloat(1)}};
      else if (name.rfind("kaiming", 0) == 0)
        params = {{"a", Value::ofFloat(0)}, {"mode", Value::ofStr("fan_in")},
                  {"nonlinearity", Value::ofStr("leaky_relu")}};
      else if (name.rfind("xavier", 0) == 0)
        params = {{"gain", Value::ofFloat(1)}};
      if (!bind(params))
        return Value::poison();
      for (size_t i = 0; i < params.size(); ++i) {
        bool isString = params[i].fallback.kind == Value::Str;
        if (!expectKind(i, isString ? Value::Str : Value::Float,
                        isString ? "a string" : "a number", params[i].name))
          return Value::poison();
        if (isString)
          spec->args.emplace_back(params[i].name, a[i].s);
        else
          spec->args.emplace_back(params[i].name, a[i].number());
      }
      if (name.rfind("kaiming", 0) == 0) {
        if (a[1].s != "fan_in" && a[1].s != "fan_out")
          return error(DiagKind::InvalidValue, where,
                       {"`mode` must be \"fan_in\" or \"fan_out\", got \"" +
                        a[1].s + "\""});
        if (!kNonlinearities.count(a[2].s))
          return error(DiagKind::InvalidValue, where,
                       {"unknown nonlinearity \"" + a[2].s +
                        "\" (PyTorch's calculate_gain knows linear, sigmoid, "
                        "tanh, relu, leaky_relu, selu and the conv kinds)"});
      }
      if (name == "uniform" && a[0].number() > a[1].number())
        return error(DiagKind::InvalidValue, where,
                     {"`uniform` needs a <= b"});
      if (name == "normal" && a[1].number() < 0)
        return error(DiagKind::InvalidValue, where,
                     {"`normal` needs std >= 0"});
      Value v;
      v.kind = Value::Init;
      v.init = spec;
      return v;
    }();

  found = false;
  return Value::poison();
}

} // namespace nnc::sema
