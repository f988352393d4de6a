//===- elaborator.h - The compile-time interpreter behind sema ------------===//
//
// Internal to sema. The Elaborator evaluates module constructors (building
// the module tree) and forward bodies (building graph nodes). Its methods are
// spread over elaborator.cpp (modules and calls), statements.cpp, expressions.cpp,
// builtins.cpp and shapes.cpp.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "sema/program.h"
#include "sema/value.h"

#include <deque>
#include <map>

namespace nnc::sema {

/// Names visible at one point: local variables, then shape-pattern dims,
/// then the enclosing module's tensors, children and arguments, then the
/// parent scope.
struct Scope {
  Scope *parent = nullptr;
  ModuleInst *module = nullptr;
  std::vector<std::pair<std::string, Value>> vars;
  std::map<std::string, ir::Dim> dims;

  const Value *findVar(const std::string &name) const;
  const ir::Dim *findDim(const std::string &name) const;
  void set(const std::string &name, Value v);
};

/// Arguments of a call, evaluated, with where each came from.
struct CallArgs {
  std::vector<Value> positional;
  std::vector<SourceRange> positionalRanges;
  std::vector<std::pair<std::string, Value>> named;
  std::vector<SourceLoc> namedLocs;
};

class Elaborator {
public:
  Elaborator(const Program &program, SourceManager &sources,
             DiagnosticEngine &diags)
      : program_(program), sources_(sources), diags_(diags) {}

  std::unique_ptr<Model> run(const std::string &modelName);

  // --- the finished model (model_builder.cpp)
  /// Names the tree, bounds the arena, and traces the root's forward.
  void finish(ModuleInst &root, Model &model, SourceRange where);

  // --- the train block (train_builder.cpp)
  /// Checks the train block's settings and adds the loss over `outputs` to
  /// the graph; sets model.training when there is a train block.
  void buildTraining(ModuleInst &root, Model &model,
                     const std::vector<const ir::Node *> &outputs);
  void buildOptimizer(const syntax::Expr &e, Scope &scope, OptimizerSpec &spec);

  // --- modules (elaborator.cpp)
  ModuleInst *newModule(ModuleInst::Kind kind, std::string type);
  Value instantiate(const syntax::ModuleDecl &decl, const CallArgs &args,
                    SourceRange where);
  Value makeSequential(const CallArgs &args, SourceRange where);
  void declareMembers(ModuleInst &inst, Scope &scope);
  void applyInits(ModuleInst &inst, Scope &scope);
  /// Calls `inst`, marking the tensors it is given and returns with
  /// boundary nodes (ops.def) of its path and its call's index.
  Value callModule(ModuleInst &inst, const CallArgs &args, SourceRange where);
  Value callModuleBody(ModuleInst &inst, const CallArgs &args, SourceRange where);
  /// `v` behind a boundary `mark` when it is a tensor; a tuple's tensors
  /// each behind one, indexed by position; anything else as it is.
  Value markBoundary(const Value &v, ir::ModuleBoundary mark, SourceRange where,
                     bool tupleItems);
  Value callFunction(const syntax::FnDecl &fn, ModuleInst *module,
                     const CallArgs &args, SourceRange where,
                     const std::string &calleeName);
  bool bindArgs(const std::string &callee,
                const std::vector<syntax::ParamDecl> &params,
                const CallArgs &args, SourceRange where, Scope &into);

  // --- statements (statements.cpp)
  /// Runs `block`; returns true when a `return` was executed.
  bool exec(const syntax::Block &block, Scope &scope, Value &result);
  bool execStatements(const syntax::Block &block, Scope &scope, Value &result);

  // --- expressions (expressions.cpp)
  Value eval(const syntax::Expr &e, Scope &scope);
  /// eval without the depth count: a chain and its innermost expression.
  Value evalChain(const syntax::Expr &e, Scope &scope);
  /// An expression that is not a chain link (see expressions.cpp).
  Value evalAtom(const syntax::Expr &e, Scope &scope);
  /// Applies the chain link `e` to its already evaluated first operand.
  Value applyLink(const syntax::Expr &e, Value first, Scope &scope);
  Value evalName(const syntax::Expr &e, Scope &scope);
  Value unaryOp(const syntax::Expr &e, const Value &operand);
  Value evalBinary(const syntax::Expr &e, Value lhs, Scope &scope);
  Value evalCall(const syntax::Expr &e, Scope &scope);
  Value callValue(const syntax::Expr &e, const Value &target, Scope &scope);
  Value memberOf(const syntax::Expr &e, const Value &base);
  Value indexOf(const syntax::Expr &e, const Value &base, Scope &scope);
  Value evalListComp(const syntax::Expr &e, Scope &scope);
  /// Looks `name` up; `where` locates errors the lookup itself reports.
  Value lookup(const std::string &name, Scope &scope, bool &found,
               SourceRange where = {});
  CallArgs evalArgs(const std::vector<syntax::Arg> &args, Scope &scope);
  Value binaryOp(syntax::TokenKind op, const std::string &spelling,
                 const Value &a, const Value &b, SourceRange where);
  Value collectModules(std::vector<Value> items, bool dict,
                       const std::vector<std::string> &keys, SourceRange where);

  // --- tensors (tensors.cpp)
  Value tensorOp(ir::OpKind op, std::vector<const ir::Node *> operands,
                 ir::Attrs attrs, SourceRange where, const std::string &what);
  const ir::Node *asTensor(const Value &v, SourceRange where);
  const ir::Node *paramNode(ModuleInst &inst, const TensorDecl &t);

  // --- builtins (builtins.cpp)
  /// Calls the builtin `name`; sets `found` false when there is none.
  Value callBuiltin(const std::string &name, const CallArgs &args,
                    SourceRange where, bool &found);

  // --- shapes (shapes.cpp)
  bool bindInput(const syntax::ParamDecl &param, const Value &actual,
                 Scope &scope, const std::string &callee, SourceRange where);
  bool checkResult(const syntax::TypeExpr &type, const Value &actual,
                   Scope &scope, const std::string &callee, SourceRange where);
  std::optional<ir::Dim> evalDim(const syntax::Expr &e, Scope &scope,
                                 bool bindUnknown, const ir::Dim *actual);
  std::string patternText(const syntax::TypeExpr &type, Scope &scope);
  /// The constant shape of the parameter or buffer `what`.
  std::optional<std::vector<int64_t>> constShape(const syntax::TypeExpr &type,
                                                 Scope &scope,
                                                 const std::string &what);

  // --- error helpers
  Value error(DiagKind kind, SourceRange where,
              const std::vector<std::string> &args);
  /// Counts `steps` loop iterations or calls against kMaxSteps; false (and
  /// one [UnrollLimit] for the whole compilation) once the budget is spent.
  bool charge(int64_t steps, SourceRange where);

  /// Counts one level of evaluation (an expression or a block inside
  /// another) for its lifetime; false (and one [EvaluationTooDeep]) past
  /// kMaxEvalDepth.
  bool enter(SourceRange where);
  void leave() { --evalDepth_; }

  /// The parser bounds nesting within a file at 1000 levels, but calls
  /// multiply it: a function whose body nests 999 calls deep, calling
  /// itself at the innermost 64 times. This bounds the evaluation's
  /// recursion, and so its stack, whatever the input.
  static constexpr int kMaxEvalDepth = 10'000;

  /// Loops and calls run at compile time, so `for i in 0..1000000000 {}`,
  /// nested loops or a recursion that branches would run for hours: this
  /// many loop iterations and calls in all (documented in docs/language.md)
  /// cover a 100,000-op model many times over.
  static constexpr int64_t kMaxSteps = 4'000'000;

  const Program &program_;
  SourceManager &sources_;
  DiagnosticEngine &diags_;
  std::deque<std::unique_ptr<ModuleInst>> modules_;
  ir::Graph *graph_ = nullptr;
  /// True while a module's members are being built (module calls create
  /// instances); false while forward bodies run (module calls run them).
  bool instantiating_ = false;
  int depth_ = 0;
  /// Per module path, the calls traced so far (ModuleBoundary::call).
  std::map<std::string, int64_t> moduleCalls_;
  int64_t steps_ = 0;
  bool overBudget_ = false;
  int evalDepth_ = 0;
  bool tooDeep_ = false;
};

SourceRange rangeOf(const syntax::Expr &e);
/// The number of integers in the range value `lo..hi` (0 when hi <= lo).
int64_t rangeLength(const Value &range);

} // namespace nnc::sema
