//===- elaborator.cpp - Module instantiation and calls --------------------===//
//
// Building the module tree (members, parameters, init overrides), binding
// call arguments, and running forward functions and `fn` functions by
// inlining their bodies into the graph under construction.
//
//===----------------------------------------------------------------------===//
#include "sema/elaborator.h"
#include "sema/sema.h"

#include <algorithm>

namespace nnc::sema {
namespace {

constexpr int kMaxCallDepth = 64;

/// `*` matches one path segment, `**` any number (including none). Dynamic
/// programming over (pattern suffix, path suffix), so that `**.**.**...`
/// takes time proportional to the product of the lengths, not exponential.
bool globMatch(const std::vector<std::string> &pattern,
               const std::vector<std::string> &path) {
  size_t p = pattern.size(), n = path.size();
  // next[i]: pattern[k+1..] matches path[i..]; here[i]: pattern[k..] does.
  std::vector<char> next(n + 1, 0), here(n + 1, 0);
  next[n] = 1; // the empty pattern matches only the empty path
  for (size_t k = p; k-- > 0;) {
    for (size_t i = n + 1; i-- > 0;) {
      if (pattern[k] == "**")
        here[i] = next[i] || (i < n && here[i + 1]);
      else
        here[i] = i < n && (pattern[k] == "*" || pattern[k] == path[i]) &&
                  next[i + 1];
    }
    std::swap(next, here);
  }
  return next[0];
}

/// Every tensor of `inst`'s subtree with its path relative to `inst`.
void collectTensors(ModuleInst &inst, std::vector<std::string> prefix,
                    std::vector<std::pair<std::vector<std::string>, TensorDecl *>> &out) {
  for (TensorDecl &t : inst.tensors) {
    std::vector<std::string> path = prefix;
    path.push_back(t.name);
    out.emplace_back(std::move(path), &t);
  }
  for (auto &[name, child] : inst.children) {
    std::vector<std::string> path = prefix;
    path.push_back(name);
    collectTensors(*child, std::move(path), out);
  }
}

std::string joinPath(const std::vector<std::string> &path) {
  std::string out;
  for (const std::string &s : path)
    out += (out.empty() ? "" : ".") + s;
  return out;
}

/// kaiming_* and xavier_* compute fan-in and fan-out from dimensions 0 and 1.
bool needsFan(const std::string &fn) {
  return fn.rfind("kaiming", 0) == 0 || fn.rfind("xavier", 0) == 0;
}

} // namespace

ModuleInst *ModuleInst::child(const std::string &name) const {
  for (const auto &[n, c] : children)
    if (n == name)
      return c;
  return nullptr;
}

const TensorDecl *ModuleInst::tensor(const std::string &name) const {
  for (const TensorDecl &t : tensors)
    if (t.name == name)
      return &t;
  return nullptr;
}

const Value *ModuleInst::lookup(const std::string &name) const {
  for (const auto &[n, v] : env)
    if (n == name)
      return &v;
  return nullptr;
}

SourceRange rangeOf(const syntax::Expr &e) { return e.range; }

Value Elaborator::error(DiagKind kind, SourceRange where,
                        const std::vector<std::string> &args) {
  diags_.report(kind, where, args);
  return Value::poison();
}

bool Elaborator::enter(SourceRange where) {
  if (evalDepth_ < kMaxEvalDepth && !tooDeep_) {
    ++evalDepth_;
    return true;
  }
  if (!tooDeep_)
    error(DiagKind::EvaluationTooDeep, where, {std::to_string(kMaxEvalDepth)});
  tooDeep_ = true;
  return false;
}

bool Elaborator::charge(int64_t steps, SourceRange where) {
  if (!overBudget_ && steps <= kMaxSteps - steps_) {
    steps_ += steps;
    return true;
  }
  if (!overBudget_)
    error(DiagKind::UnrollLimit, where, {std::to_string(kMaxSteps)});
  overBudget_ = true;
  return false;
}

ModuleInst *Elaborator::newModule(ModuleInst::Kind kind, std::string type) {
  modules_.push_back(std::make_unique<ModuleInst>());
  modules_.back()->kind = kind;
  modules_.back()->type = std::move(type);
  return modules_.back().get();
}

bool Elaborator::bindArgs(const std::string &callee,
                          const std::vector<syntax::ParamDecl> &params,
                          const CallArgs &args, SourceRange where,
                          Scope &into) {
  if (args.positional.size() > params.size()) {
    error(DiagKind::WrongArgumentCount, where,
          {callee, std::to_string(params.size()),
           std::to_string(args.positional.size() + args.named.size())});
    return false;
  }
  std::vector<const Value *> bound(params.size(), nullptr);
  for (size_t i = 0; i < args.positional.size(); ++i)
    bound[i] = &args.positional[i];
  bool ok = true;
  for (size_t k = 0; k < args.named.size(); ++k) {
    const auto &[name, value] = args.named[k];
    auto it = std::find_if(params.begin(), params.end(),
                           [&](const auto &p) { return p.name == name; });
    if (it == params.end()) {
      error(DiagKind::UnknownArgument, SourceRange{args.namedLocs[k], 
            static_cast<uint32_t>(name.size())}, {callee, name});
      ok = false;
      continue;
    }
    size_t index = static_cast<size_t>(it - params.begin());
    if (bound[index]) {
      error(DiagKind::ArgumentGivenTwice, SourceRange{args.namedLocs[k], 
            static_cast<uint32_t>(name.size())}, {callee, name});
      ok = false;
      continue;
    }
    bound[index] = &value;
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const syntax::ParamDecl &p = params[i];
    Value v;
    if (bound[i]) {
      v = *bound[i];
    } else if (p.defaultValue) {
      Scope global;
      v = eval(*p.defaultValue, global);
    } else {
      error(DiagKind::MissingArgument, where, {callee, p.name});
      ok = false;
      continue;
    }
    if (p.type && p.type->kind != syntax::TypeExpr::Shape &&
        p.type->kind != syntax::TypeExpr::Tuple && v.kind != Value::Poison) {
      using TK = syntax::TypeExpr;
      bool fits = (p.type->kind == TK::Int && v.kind == Value::Int) ||
                  (p.type->kind == TK::Float && v.isNumber()) ||
                  (p.type->kind == TK::Bool && v.kind == Value::Bool) ||
                  (p.type->kind == TK::Str && v.kind == Value::Str);
      if (!fits) {
        const char *want = p.type->kind == TK::Int     ? "an integer"
                           : p.type->kind == TK::Float ? "a number"
                           : p.type->kind == TK::Bool  ? "a boolean"
                                                       : "a string";
        SourceRange at = i < args.positionalRanges.size()
                             ? args.positionalRanges[i]
                             : where;
        error(DiagKind::WrongArgumentType, at, {callee, p.name, want,
                                                describe(v)});
        ok = false;
        continue;
      }
      if (p.type->kind == TK::Float)
        v = Value::ofFloat(v.number());
    }
    into.set(p.name, std::move(v));
  }
  return ok;
}

Value Elaborator::instantiate(const syntax::ModuleDecl &decl,
                              const CallArgs &args, SourceRange where) {
  if (!charge(1, where))
    return Value::poison();
  if (++depth_ > kMaxCallDepth) {
    --depth_;
    return error(DiagKind::RecursionTooDeep, where, {decl.name});
  }
  ModuleInst *inst = newModule(ModuleInst::User, decl.name);
  inst->decl = &decl;
  inst->created = where;
  Scope scope;
  scope.module = inst;
  bool ok = bindArgs(decl.name, decl.params, args, where, scope);
  inst->env = scope.vars;
  scope.vars.clear();
  if (ok) {
    bool saved = instantiating_;
    instantiating_ = true;
    declareMembers(*inst, scope);
    applyInits(*inst, scope);
    instantiating_ = saved;
  }
  --depth_;
  return ok ? Value::ofModule(inst) : Value::poison();
}

void Elaborator::declareMembers(ModuleInst &inst, Scope &scope) {
  std::map<std::string, SourceLoc> names;
  auto claim = [&](const std::string &name, SourceLoc loc) {
    auto [it, fresh] = names.emplace(name, loc);
    if (fresh && !inst.lookup(name))
      return true;
    diags_.report(DiagKind::DuplicateDefinition,
                  SourceRange{loc, static_cast<uint32_t>(name.size())}, {name});
    if (!fresh)
      diags_.report(DiagKind::PreviousDefinition, it->second, {name});
    return false;
  };
  for (const syntax::Member &m : inst.decl->members) {
    switch (m.kind) {
    case syntax::MemberKind::Submodule: {
      if (!claim(m.name, m.nameLoc))
        break;
      Value v = eval(*m.value, scope);
      if (v.kind == Value::Module)
        inst.children.emplace_back(m.name, v.module);
      else
        inst.env.emplace_back(m.name, v);
      break;
    }
    case syntax::MemberKind::Param:
    case syntax::MemberKind::Buffer: {
      if (!claim(m.name, m.nameLoc))
        break;
      TensorDecl t;
      t.name = m.name;
      t.isBuffer = m.kind == syntax::MemberKind::Buffer;
      t.frozen = m.frozen;
      t.loc = m.nameLoc;
      auto shape = constShape(*m.type, scope, m.name);
      if (!shape)
        break;
      t.shape = *shape;
      t.init.fn = "zeros";
      if (m.value) {
        Value init = eval(*m.value, scope);
        if (init.kind == Value::Init) {
          t.init = *init.init;
          if (needsFan(t.init.fn) && t.shape.size() < 2)
            error(DiagKind::InitNeedsFan, rangeOf(*m.value),
                  {t.init.fn, t.name, shapeText(t.shape)});
        } else if (init.kind != Value::Poison)
          error(DiagKind::TypeMismatch, rangeOf(*m.value),
                {"an initialiser such as `zeros()` or `kaiming_uniform()`",
                 describe(init)});
      }
      inst.tensors.push_back(std::move(t));
      break;
    }
    case syntax::MemberKind::Forward:
      if (inst.forward) {
        error(DiagKind::DuplicateForward, m.range, {inst.type});
        break;
      }
      inst.forward = m.forward.get();
      break;
    case syntax::MemberKind::Init:
      break; // applied once the whole subtree exists
    }
  }
}

void Elaborator::applyInits(ModuleInst &inst, Scope &scope) {
  std::vector<std::pair<std::vector<std::string>, TensorDecl *>> tensors;
  for (const syntax::Member &m : inst.decl->members) {
    if (m.kind != syntax::MemberKind::Init)
      continue;
    if (tensors.empty())
      collectTensors(inst, {}, tensors);
    Value init = eval(*m.value, scope);
    if (init.kind == Value::Poison)
      continue;
    if (init.kind != Value::Init) {
      error(DiagKind::TypeMismatch, rangeOf(*m.value),
            {"an initialiser", describe(init)});
      continue;
    }
    bool matched = false;
    for (auto &[path, tensor] : tensors) {
      if (!globMatch(m.path, path))
        continue;
      matched = true;
      tensor->init = *init.init;
      if (needsFan(init.init->fn) && tensor->shape.size() < 2)
        error(DiagKind::InitNeedsFan, rangeOf(*m.value),
              {init.init->fn, joinPath(path), shapeText(tensor->shape)});
    }
    if (!matched)
      error(DiagKind::InitMatchesNothing,
            SourceRange{m.nameLoc, static_cast<uint32_t>(joinPath(m.path).size())},
            {joinPath(m.path)});
  }
}

Value Elaborator::makeSequential(const CallArgs &args, SourceRange where) {
  ModuleInst *seq = newModule(ModuleInst::Sequential, "Sequential");
  seq->created = where;
  std::vector<Value> items = args.positional;
  // Sequential([m1, m2]) and Sequential(module_list) take a list of modules.
  if (items.size() == 1 && items[0].kind == Value::Module &&
      items[0].module->kind == ModuleInst::List) {
    for (auto &[name, child] : items[0].module->children)
      seq->children.emplace_back(name, child);
    return Value::ofModule(seq);
  }
  if (items.size() == 1 && items[0].kind == Value::List) {
    std::vector<Value> inner = items[0].items;
    items = inner;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].kind == Value::Poison)
      return Value::poison();
    if (items[i].kind != Value::Module)
      return error(DiagKind::WrongArgumentType,
                   i < args.positionalRanges.size() ? args.positionalRanges[i]
                                                    : where,
                   {"Sequential", std::to_string(i), "a module",
                    describe(items[i])});
    seq->children.emplace_back(std::to_string(i), items[i].module);
  }
  for (size_t k = 0; k < args.named.size(); ++k) {
    const auto &[name, v] = args.named[k];
    if (v.kind == Value::Poison)
      return Value::poison();
    if (v.kind != Value::Module)
      return error(DiagKind::WrongArgumentType,
                   SourceRange{args.namedLocs[k], 1},
                   {"Sequential", name, "a module", describe(v)});
    seq->children.emplace_back(name, v.module);
  }
  return Value::ofModule(seq);
}

Value Elaborator::markBoundary(const Value &v, ir::ModuleBoundary mark,
                               SourceRange where, bool tupleItems) {
  if (v.kind == Value::Tensor) {
    ir::Attrs attrs;
    attrs.boundary = std::move(mark);
    return Value::ofTensor(graph_->add(ir::OpKind::Boundary, {v.tensor},
                                       std::move(attrs), where.begin,
                                       v.tensor->dtype));
  }
  if (v.kind != Value::Tuple || !tupleItems)
    return v;
  Value marked = v;
  for (size_t i = 0; i < marked.items.size(); ++i) {
    mark.index = static_cast<int64_t>(i);
    marked.items[i] = markBoundary(v.items[i], mark, where, false);
  }
  return marked;
}

// As PyTorch's hooks see a call: the module's inputs are its arguments, the
// positional ones first; its outputs are what it returns.
Value Elaborator::callModule(ModuleInst &inst, const CallArgs &args,
                             SourceRange where) {
  ir::ModuleBoundary mark{inst.path, ++moduleCalls_[inst.path],
                          ir::BoundaryRole::Input, 0};
  CallArgs marked = args;
  int64_t index = 0;
  for (Value &v : marked.positional) {
    mark.index = index++;
    v = markBoundary(v, mark, where, false);
  }
  for (auto &[name, v] : marked.named) {
    mark.index = index++;
    v = markBoundary(v, mark, where, false);
  }
  Value result = callModuleBody(inst, marked, where);
  mark.role = ir::BoundaryRole::Output;
  mark.index = 0;
  return markBoundary(result, mark, where, true);
}

Value Elaborator::callModuleBody(ModuleInst &inst, const CallArgs &args,
                                 SourceRange where) {
  if (inst.kind == ModuleInst::Sequential) {
    if (args.positional.size() != 1 || !args.named.empty())
      return error(DiagKind::WrongArgumentCount, where,
                   {"Sequential", "1",
                    std::to_string(args.positional.size() + args.named.size())});
    Value x = args.positional[0];
    for (auto &[name, child] : inst.children) {
      CallArgs next;
      next.positional.push_back(x);
      next.positionalRanges.push_back(where);
      x = callModule(*child, next, where);
      if (x.kind == Value::Poison)
        return x;
    }
    return x;
  }
  if (inst.kind != ModuleInst::User)
    return error(DiagKind::NotCallable, where,
                 {"a " + inst.type + " (`" + inst.path + "`)"});
  if (!inst.forward)
    return error(DiagKind::MissingForward, where, {inst.type});
  return callFunction(*inst.forward, &inst, args, where, inst.type);
}

Value Elaborator::callFunction(const syntax::FnDecl &fn, ModuleInst *module,
                               const CallArgs &args, SourceRange where,
                               const std::string &calleeName) {
  if (!charge(1, where))
    return Value::poison();
  if (++depth_ > kMaxCallDepth) {
    --depth_;
    return error(DiagKind::RecursionTooDeep, where, {calleeName});
  }
  Scope scope;
  scope.module = module;
  std::string callee = module ? calleeName + ".forward" : calleeName;
  Value result = Value::poison();
  bool saved = instantiating_;
  instantiating_ = false;
  if (bindArgs(callee, fn.params, args, where, scope)) {
    bool ok = true;
    for (size_t i = 0; i < fn.params.size(); ++i) {
      const syntax::ParamDecl &p = fn.params[i];
      if (p.type && p.type->kind == syntax::TypeExpr::Shape)
        ok &= bindInput(p, *scope.findVar(p.name), scope, callee,
                        i < args.positionalRanges.size()
                            ? args.positionalRanges[i]
                            : where);
    }
    if (ok) {
      result = Value{};
      exec(fn.body, scope, result);
      if (fn.result && result.kind != Value::Poison &&
          !checkResult(*fn.result, result, scope, callee, where))
        result = Value::poison();
    }
  }
  instantiating_ = saved;
  --depth_;
  return result;
}

std::unique_ptr<Model> Elaborator::run(const std::string &modelName) {
  const syntax::FileAst &main = *program_.main;
  std::string name = modelName;
  SourceRange where{};
  CallArgs args;
  Scope global;
  // `--model NAME` takes the arguments of the file's `model NAME(...)` when
  // there is one, and the module's defaults otherwise.
  const syntax::ModelDecl *decl = nullptr;
  for (const syntax::ModelDecl &m : main.models) {
    if (!name.empty() && m.name != name)
      continue;
    // Two candidates: neither may silently win.
    if (decl) {
      diags_.report(DiagKind::DuplicateDefinition,
                    SourceRange{m.loc, static_cast<uint32_t>(m.name.size())},
                    {"model"});
      diags_.report(DiagKind::PreviousDefinition,
                    SourceRange{decl->loc, static_cast<uint32_t>(decl->name.size())},
                    {"model"});
      return nullptr;
    }
    decl = &m;
  }
  if (name.empty() && !decl) {
    diags_.report(DiagKind::NoModel, SourceLoc{main.file, 0});
    return nullptr;
  }
  if (decl) {
    name = decl->name;
    where = SourceRange{decl->loc, static_cast<uint32_t>(decl->name.size())};
    args = evalArgs(decl->args, global);
  }
  auto it = program_.modules.find(name);
  if (it == program_.modules.end()) {
    diags_.report(DiagKind::UnknownModel, where, {name});
    return nullptr;
  }
  auto model = std::make_unique<Model>();
  model->graph = std::make_unique<ir::Graph>(name);
  graph_ = model->graph.get();
  Value root = instantiate(*it->second, args, where);
  // Members that failed are poison, so tracing the forward still reports
  // its own independent errors without cascading from those.
  if (root.kind != Value::Module)
    return nullptr;
  finish(*root.module, *model, where);
  if (diags_.hasErrors())
    return nullptr;
  model->name = name;
  model->source = program_.mainPath;
  return model;
}

std::unique_ptr<Model> elaborate(const Program &program,
                                 const std::string &modelName,
                                 SourceManager &sources,
                                 DiagnosticEngine &diags) {
  return Elaborator(program, sources, diags).run(modelName);
}

} // namespace nnc::sema
