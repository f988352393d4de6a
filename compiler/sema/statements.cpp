//===- statements.cpp - Running forward and fn bodies ---------------------===//
//
// Statements run at compile time: assignments bind names, `for` loops over
// module lists and ranges are unrolled, `if` needs a condition known at
// compile time, `return` ends the body with its value.
//
//===----------------------------------------------------------------------===//
#include "sema/elaborator.h"

#include <limits>

namespace nnc::sema {

const Value *Scope::findVar(const std::string &name) const {
  for (const Scope *s = this; s; s = s->parent)
    for (auto it = s->vars.rbegin(); it != s->vars.rend(); ++it)
      if (it->first == name)
        return &it->second;
  return nullptr;
}

const ir::Dim *Scope::findDim(const std::string &name) const {
  for (const Scope *s = this; s; s = s->parent)
    if (auto it = s->dims.find(name); it != s->dims.end())
      return &it->second;
  return nullptr;
}

void Scope::set(const std::string &name, Value v) {
  for (Scope *s = this; s; s = s->parent)
    for (auto &[n, existing] : s->vars)
      if (n == name) {
        existing = std::move(v);
        return;
      }
  vars.emplace_back(name, std::move(v));
}

int64_t rangeLength(const Value &range) {
  int64_t lo = range.items[0].i, hi = range.items[1].i;
  if (hi <= lo)
    return 0;
  int64_t length = 0;
  // 0..INT64_MAX from a negative start does not fit: as long as can be.
  if (__builtin_sub_overflow(hi, lo, &length))
    return std::numeric_limits<int64_t>::max();
  return length;
}

bool Elaborator::exec(const syntax::Block &block, Scope &scope,
                      Value &result) {
  if (block.empty())
    return false;
  if (!enter(block.front()->range)) {
    result = Value::poison();
    return true;
  }
  bool returned = execStatements(block, scope, result);
  leave();
  return returned;
}

bool Elaborator::execStatements(const syntax::Block &block, Scope &scope,
                                Value &result) {
  for (const syntax::StmtPtr &stmt : block) {
    const syntax::Stmt &s = *stmt;
    switch (s.kind) {
    case syntax::StmtKind::Assign: {
      Value v = eval(*s.value, scope);
      if (s.targets.size() == 1) {
        scope.set(s.targets[0], std::move(v));
        break;
      }
      if (v.kind != Value::Tuple || v.items.size() != s.targets.size()) {
        if (v.kind != Value::Poison)
          error(DiagKind::TypeMismatch, rangeOf(*s.value),
                {"a tuple of " + std::to_string(s.targets.size()) + " values",
                 describe(v)});
        for (const std::string &t : s.targets)
          scope.set(t, Value::poison());
        break;
      }
      for (size_t i = 0; i < s.targets.size(); ++i)
        scope.set(s.targets[i], v.items[i]);
      break;
    }
    case syntax::StmtKind::Return:
      result = eval(*s.value, scope);
      return true;
    case syntax::StmtKind::Expr:
      eval(*s.value, scope);
      break;
    case syntax::StmtKind::For: {
      Value seq = eval(*s.iterable, scope);
      std::vector<Value> items;
      if (seq.kind == Value::Module && (seq.module->kind == ModuleInst::List ||
                                        seq.module->kind == ModuleInst::Sequential)) {
        for (auto &[name, child] : seq.module->children)
          items.push_back(Value::ofModule(child));
      } else if (seq.kind == Value::Range) {
        if (!charge(rangeLength(seq), rangeOf(*s.iterable)))
          break;
        for (int64_t i = seq.items[0].i; i < seq.items[1].i; ++i)
          items.push_back(Value::ofInt(i));
      } else if (seq.kind == Value::List || seq.kind == Value::Tuple) {
        if (!charge(static_cast<int64_t>(seq.items.size()), rangeOf(*s.iterable)))
          break;
        items = seq.items;
      } else {
        if (seq.kind != Value::Poison)
          error(DiagKind::TypeMismatch, rangeOf(*s.iterable),
                {"a module list, a range or a list", describe(seq)});
        break;
      }
      // The loop body shares the enclosing scope (as in Python), so that
      // `for blk in blocks { x = blk(x) }` updates the outer `x`.
      for (Value &item : items) {
        scope.set(s.var, item);
        if (exec(s.body, scope, result))
          return true;
      }
      break;
    }
    case syntax::StmtKind::If: {
      Value cond = eval(*s.value, scope);
      if (cond.kind == Value::Poison)
        break;
      if (cond.kind != Value::Bool) {
        error(DiagKind::TypeMismatch, rangeOf(*s.value),
              {"a condition known at compile time (a boolean)", describe(cond)});
        break;
      }
      if (exec(cond.b ? s.body : s.elseBody, scope, result))
        return true;
      break;
    }
    }
  }
  return false;
}

} // namespace nnc::sema
