//===- train_builder.cpp - The train block: loss, optimizer, settings -----===//
//
// Checks every setting of the `train` block and builds the loss into the
// graph under construction:
//   - `loss` is an expression over `output` (the model's single output),
//     `target` (a new graph input of the output's shape) and the root
//     module's members; it must be a scalar tensor;
//   - `optimizer` is `SGD(...)`, `Adam(...)` or `AdamW(...)` with named
//     numeric arguments, completed with PyTorch's defaults;
//   - batch, epochs, seed, lr, validation, shuffle, normalize, data are
//     compile-time constants of the right kind and range.
// The loss-extended graph becomes TrainSpec::graph; Model::graph keeps the
// forward graph alone (both are extracted from the one graph traced here).
//
//===----------------------------------------------------------------------===//
#include "sema/elaborator.h"

#include <cmath>
#include <map>
#include <set>

namespace nnc::sema {
namespace {

const std::set<std::string> kTrainSettings = {
    "loss",  "optimizer", "batch",   "epochs", "lr",       "seed",
    "data",  "validation", "shuffle", "normalize"};

std::string sourceText(const SourceManager &sources, SourceRange r) {
  const SourceFile &f = sources.file(r.begin.file);
  return f.text.substr(r.begin.offset, r.length);
}

/// The optimizers and their hyperparameters with PyTorch's defaults, in
/// manifest order. SGD has no default learning rate in PyTorch; 0.01 here.
const std::vector<std::pair<std::string, double>> *
optimizerDefaults(const std::string &name) {
  static const std::vector<std::pair<std::string, double>> sgd = {
      {"lr", 0.01}, {"momentum", 0}, {"dampening", 0}, {"nesterov", 0},
      {"weight_decay", 0}};
  static const std::vector<std::pair<std::string, double>> adam = {
      {"lr", 0.001}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8},
      {"weight_decay", 0}};
  static const std::vector<std::pair<std::string, double>> adamw = {
      {"lr", 0.001}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8},
      {"weight_decay", 0.01}};
  if (name == "SGD")
    return &sgd;
  if (name == "Adam")
    return &adam;
  if (name == "AdamW")
    return &adamw;
  return nullptr;
}

/// How the loss expression uses `target`.
struct TargetUse {
  std::string labelLoss; ///< a call that takes `target` as class labels
  std::string valueLoss; ///< the first call that takes it as values
  bool asValue = false;  ///< `target` appears outside a class-label slot
  SourceRange valueAt;
};

/// `cross_entropy` and `nll` take one-hot rows of class labels: `target` as
/// their second argument (or `target:`) is a label slot.
bool isLabelSlot(const syntax::Expr &call, size_t argIndex) {
  if (call.kind != syntax::ExprKind::Call ||
      call.operands[0]->kind != syntax::ExprKind::Name)
    return false;
  const std::string &fn = call.operands[0]->text;
  if (fn != "cross_entropy" && fn != "nll")
    return false;
  const syntax::Arg &arg = call.args[argIndex];
  return arg.name == "target" || (arg.name.empty() && argIndex == 1);
}

/// Finds every `target` in the loss, with an explicit stack (the loss is a
/// user expression of any length). A loss such as
/// `cross_entropy(output, target) + 0.001 * sum(w * w)` uses it only as
/// labels, so the runtime feeds one-hot rows.
TargetUse findTargetUses(const syntax::Expr &loss) {
  TargetUse use;
  struct Visit {
    const syntax::Expr *expr;
    const syntax::Expr *call; ///< the call whose argument `expr` is
    size_t argIndex;
  };
  std::vector<Visit> pending{{&loss, nullptr, 0}};
  while (!pending.empty()) {
    Visit v = pending.back();
    pending.pop_back();
    const syntax::Expr &e = *v.expr;
    if (e.kind == syntax::ExprKind::Name && e.text == "target") {
      bool label = v.call && isLabelSlot(*v.call, v.argIndex);
      std::string fn = v.call && v.call->operands[0]->kind == syntax::ExprKind::Name
                           ? v.call->operands[0]->text
                           : "";
      if (label && use.labelLoss.empty())
        use.labelLoss = fn;
      if (!label && !use.asValue) {
        use.asValue = true;
        use.valueLoss = fn;
        use.valueAt = e.range;
      }
      continue;
    }
    for (const syntax::ExprPtr &operand : e.operands)
      pending.push_back({operand.get(), nullptr, 0});
    for (size_t i = 0; i < e.args.size(); ++i)
      pending.push_back({e.args[i].value.get(),
                         e.kind == syntax::ExprKind::Call ? &e : nullptr, i});
  }
  return use;
}

} // namespace

void Elaborator::buildOptimizer(const syntax::Expr &e, Scope &scope,
                                OptimizerSpec &spec) {
  auto bad = [&](SourceRange where, const std::string &why) {
    error(DiagKind::InvalidTrainSetting, where, {"optimizer", why});
  };
  if (e.kind != syntax::ExprKind::Call ||
      e.operands[0]->kind != syntax::ExprKind::Name) {
    bad(e.range, "expected `SGD(...)`, `Adam(...)` or `AdamW(...)`");
    return;
  }
  const std::string &name = e.operands[0]->text;
  const auto *defaults = optimizerDefaults(name);
  if (!defaults) {
    bad(e.operands[0]->range, "unknown optimizer `" + name +
                                  "`; the optimizers are SGD, Adam and AdamW");
    return;
  }
  spec.name = name;
  spec.args = *defaults;
  auto set = [&](const std::string &key, double v) {
    for (auto &[k, value] : spec.args)
      if (k == key)
        value = v;
  };
  for (const syntax::Arg &arg : e.args) {
    SourceRange where = arg.name.empty()
                            ? arg.value->range
                            : SourceRange{arg.nameLoc,
                                          static_cast<uint32_t>(arg.name.size())};
    if (arg.name.empty()) {
      bad(where, "the arguments of " + name + " are named, as in `" + name +
                     "(lr: 0.01)`");
      continue;
    }
    Value v = eval(*arg.value, scope);
    if (v.kind == Value::Poison)
      continue;
    if (arg.name == "betas" && name != "SGD") {
      if (v.kind != Value::Tuple || v.items.size() != 2 ||
          !v.items[0].isNumber() || !v.items[1].isNumber()) {
        bad(arg.value->range, "`betas` takes two numbers, as in `betas: (0.9, 0.999)`");
        continue;
      }
      for (int i = 0; i < 2; ++i) {
        double beta = v.items[i].number();
        if (!(beta >= 0 && beta < 1)) {
          bad(arg.value->range, "beta" + std::to_string(i + 1) +
                                    " must lie in [0, 1)");
          break;
        }
        set(i == 0 ? "beta1" : "beta2", beta);
      }
      continue;
    }
    if (arg.name == "nesterov" && name == "SGD") {
      if (v.kind != Value::Bool) {
        bad(arg.value->range, "`nesterov` takes true or false");
        continue;
      }
      set("nesterov", v.b ? 1 : 0);
      continue;
    }
    bool known = false;
    for (const auto &[k, value] : spec.args)
      known = known || (k == arg.name && k != "nesterov" && k != "beta1" &&
                        k != "beta2");
    if (!known) {
      std::string names;
      for (const auto &[k, value] : spec.args)
        if (k != "beta1" && k != "beta2")
          names += (names.empty() ? "" : ", ") + k;
      if (name != "SGD")
        names += ", betas";
      bad(where, name + " has no argument `" + arg.name + "`; it takes " + names);
      continue;
    }
    if (!v.isNumber() || !std::isfinite(v.number()) || v.number() < 0) {
      bad(arg.value->range, "`" + arg.name + "` takes a non-negative number, not " +
                                describe(v));
      continue;
    }
    set(arg.name, v.number());
  }
  double momentum = 0, dampening = 0, nesterov = 0;
  for (const auto &[k, value] : spec.args) {
    momentum = k == "momentum" ? value : momentum;
    dampening = k == "dampening" ? value : dampening;
    nesterov = k == "nesterov" ? value : nesterov;
  }
  if (nesterov != 0 && (momentum <= 0 || dampening != 0))
    bad(e.range, "Nesterov momentum requires a momentum and zero dampening");
}

void Elaborator::buildTraining(ModuleInst &root, Model &model,
                               const std::vector<const ir::Node *> &outputs) {
  const syntax::Stmt *loss = nullptr;
  SourceLoc blockLoc{};
  auto spec = std::make_unique<TrainSpec>();
  bool any = false;
  std::optional<double> lr;
  Scope scope;
  scope.module = &root;
  std::map<std::string, SourceLoc> given; // setting -> where it was set
  SourceRange lrAt{}, optimizerLrAt{};
  for (const syntax::TrainDecl &t : program_.main->trains) {
    // One train block: a second one would silently override the first.
    if (any) {
      diags_.report(DiagKind::DuplicateDefinition, SourceRange{t.loc, 5},
                    {"train"});
      diags_.report(DiagKind::PreviousDefinition, SourceRange{blockLoc, 5},
                    {"train"});
      continue;
    }
    any = true;
    blockLoc = t.loc;
    for (const syntax::StmtPtr &s : t.settings) {
      if (s->kind != syntax::StmtKind::Assign || s->targets.size() != 1) {
        error(DiagKind::UnknownTrainSetting, s->range, {"(not `name = value`)"});
        continue;
      }
      const std::string &name = s->targets[0];
      SourceRange nameRange{s->targetLocs[0], static_cast<uint32_t>(name.size())};
      if (!kTrainSettings.count(name)) {
        error(DiagKind::UnknownTrainSetting, nameRange, {name});
        continue;
      }
      if (auto [it, fresh] = given.emplace(name, s->targetLocs[0]); !fresh) {
        diags_.report(DiagKind::DuplicateDefinition, nameRange, {name});
        diags_.report(DiagKind::PreviousDefinition,
                      SourceRange{it->second, nameRange.length}, {name});
        continue;
      }
      const syntax::Expr &e = *s->value;
      if (name == "loss") {
        loss = s.get();
        continue;
      }
      if (name == "optimizer") {
        for (const syntax::Arg &arg : e.args)
          if (arg.name == "lr")
            optimizerLrAt = SourceRange{arg.nameLoc, 2};
        buildOptimizer(e, scope, spec->optimizer);
        continue;
      }
      if (name == "lr")
        lrAt = nameRange;
      Value v = eval(e, scope);
      if (v.kind == Value::Poison)
        continue;
      auto bad = [&](const std::string &why) {
        error(DiagKind::InvalidTrainSetting, e.range, {name, why + ", not " + describe(v)});
      };
      if (name == "batch" || name == "epochs" || name == "seed") {
        int64_t least = name == "seed" ? 0 : 1;
        if (v.kind != Value::Int || v.i < least) {
          bad(least == 0 ? "expected a non-negative integer"
                         : "expected a positive integer");
          continue;
        }
        (name == "batch" ? spec->batch : name == "epochs" ? spec->epochs : spec->seed) = v.i;
      } else if (name == "lr") {
        if (!v.isNumber() || !(v.number() >= 0) || !std::isfinite(v.number())) {
          bad("expected a non-negative number");
          continue;
        }
        lr = v.number(); // applied once the optimizer is known
      } else if (name == "validation") {
        if (!v.isNumber() || !(v.number() >= 0 && v.number() < 1)) {
          bad("expected a fraction in [0, 1)");
          continue;
        }
        spec->validation = v.number();
      } else if (name == "shuffle") {
        if (v.kind != Value::Bool) {
          bad("expected true or false");
          continue;
        }
        spec->shuffle = v.b;
      } else if (name == "normalize") {
        if (v.kind != Value::Str ||
            (v.s != "none" && v.s != "global" && v.s != "per_feature")) {
          bad("expected \"none\", \"global\" or \"per_feature\"");
          continue;
        }
        spec->normalize = v.s;
      } else if (name == "data") {
        if (v.kind != Value::Str || v.s.empty()) {
          bad("expected a path in quotes");
          continue;
        }
        spec->data = v.s;
      }
    }
  }
  if (!any)
    return;
  if (lrAt.begin.valid() && optimizerLrAt.begin.valid()) {
    error(DiagKind::InvalidTrainSetting, lrAt,
          {"lr", "the learning rate is also given as the optimizer's `lr`; "
                 "give it once"});
    diags_.report(DiagKind::PreviousDefinition, optimizerLrAt, {"lr"});
    return;
  }
  if (!loss) {
    error(DiagKind::MissingLoss, SourceRange{blockLoc, 5}, {});
    return;
  }
  if (spec->optimizer.args.empty())
    spec->optimizer.args = *optimizerDefaults(spec->optimizer.name);
  if (lr)
    for (auto &[k, value] : spec->optimizer.args)
      if (k == "lr")
        value = *lr;

  const syntax::Expr &e = *loss->value;
  if (outputs.size() != 1) {
    error(DiagKind::InvalidTrainSetting, e.range,
          {"loss", "training needs a model with one output; this one has " +
                       std::to_string(outputs.size())});
    return;
  }
  spec->target = {"target", outputs[0]->shape};
  const ir::Node *target =
      graph_->addLeaf(ir::OpKind::Input, "target", outputs[0]->shape, e.loc());
  scope.set("output", Value::ofTensor(outputs[0]));
  scope.set("target", Value::ofTensor(target));
  Value v = eval(e, scope);
  if (v.kind == Value::Poison)
    return;
  if (v.kind != Value::Tensor || !v.tensor->shape.empty()) {
    error(DiagKind::InvalidTrainSetting, e.range,
          {"loss", "the loss must be a scalar tensor, not " +
                       (v.kind == Value::Tensor
                            ? "a tensor of shape " + ir::shapeStr(v.tensor->shape)
                            : describe(v))});
    return;
  }
  spec->lossSource = sourceText(sources_, e.range);
  TargetUse use = findTargetUses(e);
  if (!use.labelLoss.empty() && use.asValue) {
    error(DiagKind::InvalidTrainSetting, use.valueAt,
          {"loss", "`target` holds class labels for `" + use.labelLoss +
                       "`, so it cannot also be used as values here"});
    return;
  }
  spec->classTargets = !use.labelLoss.empty();
  // The loss function named in the runtime's messages: the one that takes
  // the target, else the outermost call.
  spec->lossFn = spec->classTargets ? use.labelLoss : use.valueLoss;
  if (spec->lossFn.empty() && e.kind == syntax::ExprKind::Call &&
      e.operands[0]->kind == syntax::ExprKind::Name)
    spec->lossFn = e.operands[0]->text;
  std::vector<const ir::Node *> inputs = graph_->inputs();
  std::vector<const ir::Node *> trainOutputs = outputs;
  trainOutputs.push_back(v.tensor);
  spec->graph = ir::extractGraph(*graph_, trainOutputs, inputs);
  model.training = std::move(spec);
}

} // namespace nnc::sema
