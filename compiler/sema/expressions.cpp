//===- expressions.cpp - Evaluating expressions ---------------------------===//
//
// Numbers, strings and booleans are computed at compile time; operations on
// tensors add graph nodes. Calls resolve, in order: a module value in scope
// (runs its forward), a user or stdlib module (instantiates it, in member
// declarations only), a `fn`, a builtin.
//
//===----------------------------------------------------------------------===//
#include "sema/elaborator.h"

#include <cmath>
#include <limits>

namespace nnc::sema {

using syntax::ExprKind;
using syntax::TokenKind;

namespace {

/// A link of a chain that is flat in the source: its first operand is
/// evaluated first, and a chain of them (`a + b + c`, `----x`, `x.T.T`,
/// `blocks[0].block[1]`, `f(x)(y)`) is a tree as deep as it is long.
bool isChainLink(const syntax::Expr &e) {
  switch (e.kind) {
  case ExprKind::Unary:
  case ExprKind::Binary:
  case ExprKind::Member:
  case ExprKind::Index:
    return true;
  case ExprKind::Call:
    return e.operands[0]->kind != ExprKind::Name;
  default:
    return false;
  }
}

} // namespace

// Walks down the chain's first operands with a loop, evaluates the innermost
// expression, then applies the links outwards: recursion is left for the
// other operands, whose depth the parser bounds (nesting in brackets).
Value Elaborator::eval(const syntax::Expr &e, Scope &scope) {
  if (!enter(e.range))
    return Value::poison();
  Value v = evalChain(e, scope);
  leave();
  return v;
}

Value Elaborator::evalChain(const syntax::Expr &e, Scope &scope) {
  std::vector<const syntax::Expr *> links;
  const syntax::Expr *innermost = &e;
  while (isChainLink(*innermost)) {
    links.push_back(innermost);
    innermost = innermost->operands[0].get();
  }
  Value v = evalAtom(*innermost, scope);
  for (size_t i = links.size(); i-- > 0;)
    v = applyLink(*links[i], std::move(v), scope);
  return v;
}

Value Elaborator::applyLink(const syntax::Expr &e, Value first, Scope &scope) {
  switch (e.kind) {
  case ExprKind::Unary:
    return unaryOp(e, first);
  case ExprKind::Binary:
    return evalBinary(e, std::move(first), scope);
  case ExprKind::Member:
    return memberOf(e, first);
  case ExprKind::Index:
    return indexOf(e, first, scope);
  case ExprKind::Call:
    return callValue(e, first, scope);
  default:
    return Value::poison();
  }
}

Value Elaborator::unaryOp(const syntax::Expr &e, const Value &v) {
  if (e.op == TokenKind::KwNot) {
    if (v.kind == Value::Bool)
      return Value::ofBool(!v.b);
  } else if (v.kind == Value::Int) {
    if (v.i == std::numeric_limits<int64_t>::min())
      return error(DiagKind::IntegerOverflow, e.range,
                   {"-(" + std::to_string(v.i) + ")"});
    return Value::ofInt(-v.i);
  } else if (v.kind == Value::Float) {
    return Value::ofFloat(-v.f);
  } else if (v.kind == Value::Tensor) {
    return tensorOp(ir::OpKind::Neg, {v.tensor}, {}, e.range, "neg");
  }
  if (v.kind == Value::Poison)
    return v;
  return error(DiagKind::TypeMismatch, e.range,
               {e.text == "not" ? "a boolean" : "a number or a tensor",
                describe(v)});
}

Value Elaborator::evalAtom(const syntax::Expr &e, Scope &scope) {
  switch (e.kind) {
  case ExprKind::Int:
    return Value::ofInt(e.intValue);
  case ExprKind::Float:
    return Value::ofFloat(e.floatValue);
  case ExprKind::String:
    return Value::ofStr(e.text);
  case ExprKind::Bool:
    return Value::ofBool(e.boolValue);
  case ExprKind::Name:
    return evalName(e, scope);
  case ExprKind::Call:
    return evalCall(e, scope);
  case ExprKind::List:
  case ExprKind::Tuple: {
    Value v;
    v.kind = e.kind == ExprKind::List ? Value::List : Value::Tuple;
    for (const syntax::ExprPtr &item : e.operands)
      v.items.push_back(eval(*item, scope));
    if (e.kind == ExprKind::List && instantiating_)
      return collectModules(std::move(v.items), false, {}, e.range);
    return v;
  }
  case ExprKind::ListComp:
    return evalListComp(e, scope);
  case ExprKind::Dict: {
    std::vector<Value> items;
    std::vector<std::string> keys;
    for (const syntax::Arg &a : e.args) {
      keys.push_back(a.name.empty() ? std::to_string(keys.size()) : a.name);
      items.push_back(eval(*a.value, scope));
    }
    return collectModules(std::move(items), true, keys, e.range);
  }
  case ExprKind::Range: {
    Value lo = eval(*e.operands[0], scope), hi = eval(*e.operands[1], scope);
    if (lo.kind != Value::Int || hi.kind != Value::Int) {
      if (lo.kind == Value::Poison || hi.kind == Value::Poison)
        return Value::poison();
      return error(DiagKind::TypeMismatch, e.range,
                   {"integer bounds", describe(lo.kind != Value::Int ? lo : hi)});
    }
    Value r;
    r.kind = Value::Range;
    r.items = {lo, hi};
    return r;
  }
  case ExprKind::Unary:
  case ExprKind::Binary:
  case ExprKind::Member:
  case ExprKind::Index:
    break; // chain links: eval applies them
  }
  return Value::poison();
}

// A list or dict whose items are all modules is a ModuleList / ModuleDict,
// named `0`, `1`, ... or by key as PyTorch names them.
Value Elaborator::collectModules(std::vector<Value> items, bool dict,
                                 const std::vector<std::string> &keys,
                                 SourceRange where) {
  bool allModules = !items.empty();
  for (const Value &v : items) {
    if (v.kind == Value::Poison)
      return v;
    allModules &= v.kind == Value::Module;
  }
  if (!allModules) {
    if (dict)
      return error(DiagKind::TypeMismatch, where,
                   {"a dict of modules", "other values"});
    Value list;
    list.kind = Value::List;
    list.items = std::move(items);
    return list;
  }
  ModuleInst *inst = newModule(dict ? ModuleInst::Dict : ModuleInst::List,
                               dict ? "ModuleDict" : "ModuleList");
  inst->created = where;
  for (size_t i = 0; i < items.size(); ++i)
    inst->children.emplace_back(dict ? keys[i] : std::to_string(i),
                                items[i].module);
  return Value::ofModule(inst);
}

Value Elaborator::evalListComp(const syntax::Expr &e, Scope &scope) {
  Value seq = eval(*e.operands[1], scope);
  if (seq.kind == Value::Poison)
    return seq;
  if (seq.kind != Value::Range)
    return error(DiagKind::TypeMismatch, rangeOf(*e.operands[1]),
                 {"a range such as `0..n`", describe(seq)});
  if (!charge(rangeLength(seq), rangeOf(*e.operands[1])))
    return Value::poison();
  std::vector<Value> items;
  Scope inner;
  inner.parent = &scope;
  inner.module = scope.module;
  for (int64_t i = seq.items[0].i; i < seq.items[1].i; ++i) {
    inner.vars = {{e.var, Value::ofInt(i)}};
    items.push_back(eval(*e.operands[0], inner));
  }
  if (instantiating_)
    return collectModules(std::move(items), false, {}, e.range);
  Value list;
  list.kind = Value::List;
  list.items = std::move(items);
  return list;
}

Value Elaborator::lookup(const std::string &name, Scope &scope, bool &found,
                         SourceRange where) {
  found = true;
  if (const Value *v = scope.findVar(name))
    return *v;
  if (const ir::Dim *d = scope.findDim(name)) {
    if (d->isConstant())
      return Value::ofInt(d->constantValue());
    Value v;
    v.kind = Value::SymDim;
    v.dim = *d;
    return v;
  }
  for (Scope *s = &scope; s; s = s->parent) {
    ModuleInst *m = s->module;
    if (!m)
      continue;
    if (const TensorDecl *t = m->tensor(name))
      return instantiating_
                 ? error(DiagKind::InvalidValue, where,
                         {"the parameter `" + name +
                          "` has no value while the module is being built: "
                          "member declarations can use the module's "
                          "arguments, not its parameters"})
                            : Value::ofTensor(paramNode(*m, *t));
    if (ModuleInst *c = m->child(name))
      return Value::ofModule(c);
    if (const Value *v = m->lookup(name))
      return *v;
    break;
  }
  found = false;
  return Value::poison();
}

Value Elaborator::evalName(const syntax::Expr &e, Scope &scope) {
  bool found = false;
  Value v = lookup(e.text, scope, found, e.range);
  if (found)
    return v;
  if (program_.modules.count(e.text) || program_.functions.count(e.text))
    return error(DiagKind::TypeMismatch, e.range,
                 {"a value", "`" + e.text + "`, which must be called"});
  return error(DiagKind::UnknownName, e.range, {e.text});
}

CallArgs Elaborator::evalArgs(const std::vector<syntax::Arg> &args,
                              Scope &scope) {
  CallArgs out;
  for (const syntax::Arg &a : args) {
    Value v = eval(*a.value, scope);
    if (a.name.empty()) {
      out.positional.push_back(std::move(v));
      out.positionalRanges.push_back(rangeOf(*a.value));
    } else {
      out.named.emplace_back(a.name, std::move(v));
      out.namedLocs.push_back(a.nameLoc);
    }
  }
  return out;
}

namespace {

/// The poison among evaluated arguments, if any (reported already).
const Value *firstPoison(const CallArgs &args) {
  for (const Value &v : args.positional)
    if (v.kind == Value::Poison)
      return &v;
  for (const auto &nv : args.named)
    if (nv.second.kind == Value::Poison)
      return &nv.second;
  return nullptr;
}

} // namespace

// `f(x)` where `f` is not a plain name: `blocks[0](x)`, `heads.cls(x)`.
Value Elaborator::callValue(const syntax::Expr &e, const Value &target,
                            Scope &scope) {
  CallArgs args = evalArgs(e.args, scope);
  if (const Value *poison = firstPoison(args))
    return *poison;
  if (target.kind == Value::Module)
    return callModule(*target.module, args, e.range);
  if (target.kind == Value::Poison)
    return target;
  return error(DiagKind::NotCallable, rangeOf(*e.operands[0]),
               {describe(target)});
}

Value Elaborator::evalCall(const syntax::Expr &e, Scope &scope) {
  const syntax::Expr &callee = *e.operands[0];
  CallArgs args = evalArgs(e.args, scope);
  if (const Value *poison = firstPoison(args))
    return *poison;
  const std::string &name = callee.text;
  bool found = false;
  Value local = lookup(name, scope, found, rangeOf(callee));
  if (found) {
    if (local.kind == Value::Module)
      return callModule(*local.module, args, e.range);
    if (local.kind == Value::Poison) // a member that failed: reported already
      return local;
    return error(DiagKind::NotCallable, rangeOf(callee), {describe(local)});
  }
  if (name == "Sequential") {
    if (!instantiating_)
      return error(DiagKind::InvalidValue, e.range,
                   {"modules are created in member declarations, not in "
                    "`forward`: declare `Sequential(...)` as a member"});
    return makeSequential(args, e.range);
  }
  if (auto it = program_.modules.find(name); it != program_.modules.end()) {
    if (!instantiating_)
      return error(DiagKind::InvalidValue, e.range,
                   {"modules are created in member declarations, not in "
                    "`forward`: declare `" + name + "(...)` as a member"});
    return instantiate(*it->second, args, e.range);
  }
  if (auto it = program_.functions.find(name); it != program_.functions.end())
    return callFunction(*it->second, nullptr, args, e.range, name);
  Value result = callBuiltin(name, args, e.range, found);
  if (found)
    return result;
  return error(DiagKind::UnknownModule, rangeOf(callee), {name});
}

Value Elaborator::memberOf(const syntax::Expr &e, const Value &base) {
  if (base.kind == Value::Poison)
    return base;
  if (base.kind == Value::Tensor && e.text == "T") {
    size_t rank = base.tensor->shape.size();
    if (rank < 2)
      return error(DiagKind::RankMismatch, e.range,
                   {".T", "at least 2", std::to_string(rank)});
    ir::Attrs attrs;
    for (size_t i = 0; i < rank; ++i)
      attrs.axes.push_back(static_cast<int64_t>(i));
    std::swap(attrs.axes[rank - 1], attrs.axes[rank - 2]);
    return tensorOp(ir::OpKind::Transpose, {base.tensor}, attrs, e.range,
                    "transpose");
  }
  if (base.kind == Value::Module) {
    ModuleInst &m = *base.module;
    if (ModuleInst *c = m.child(e.text))
      return Value::ofModule(c);
    if (const TensorDecl *t = m.tensor(e.text); t && !instantiating_)
      return Value::ofTensor(paramNode(m, *t));
    if (const Value *v = m.lookup(e.text))
      return *v;
  }
  return error(DiagKind::UnknownMember, e.range, {describe(base), e.text});
}

Value Elaborator::indexOf(const syntax::Expr &e, const Value &base,
                         Scope &scope) {
  Value index = eval(*e.operands[1], scope);
  if (base.kind == Value::Poison || index.kind == Value::Poison)
    return Value::poison();
  if (base.kind == Value::Module && index.kind == Value::Str)
    if (ModuleInst *c = base.module->child(index.s))
      return Value::ofModule(c);
  if (index.kind != Value::Int)
    return error(DiagKind::TypeMismatch, rangeOf(*e.operands[1]),
                 {"an integer index", describe(index)});
  int64_t i = index.i;
  size_t size = base.kind == Value::Module ? base.module->children.size()
                                           : base.items.size();
  if (base.kind != Value::Module && base.kind != Value::Tuple &&
      base.kind != Value::List)
    return error(DiagKind::TypeMismatch, rangeOf(*e.operands[0]),
                 {"a module list, a tuple or a list", describe(base)});
  if (i < 0)
    i += static_cast<int64_t>(size);
  if (i < 0 || i >= static_cast<int64_t>(size))
    return error(DiagKind::InvalidValue, rangeOf(*e.operands[1]),
                 {"index " + std::to_string(index.i) +
                  " is out of range for " + std::to_string(size) + " items"});
  if (base.kind == Value::Module)
    return Value::ofModule(base.module->children[i].second);
  return base.items[i];
}

} // namespace nnc::sema
