//===- value.h - Compile-time values of the elaborator --------------------===//
//
// Sema runs the module constructors and forward bodies at compile time, as an
// interpreter over these values: numbers, strings and booleans are computed
// on the spot, tensors are graph nodes, modules are instances in the tree.
// Poison stands for the result of an expression that already reported an
// error, so that one mistake gives one diagnostic.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/graph.h"
#include "sema/model.h"
#include "syntax/ast.h"

#include <memory>
#include <string>
#include <vector>

namespace nnc::sema {

struct ModuleInst;

struct Value {
  enum Kind { Poison, None, Int, Float, Bool, Str, Tensor, Module, Tuple,
              List, Range, Init, SymDim } kind = None;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string s;
  const ir::Node *tensor = nullptr;
  ModuleInst *module = nullptr;
  std::vector<Value> items; ///< Tuple, List; Range holds [begin, end)
  std::shared_ptr<InitSpec> init;
  ir::Dim dim; ///< SymDim: a symbolic dimension bound by a shape pattern

  static Value poison() { return Value{}.with(Poison); }
  static Value ofInt(int64_t v) { Value x; x.kind = Int; x.i = v; return x; }
  static Value ofFloat(double v) { Value x; x.kind = Float; x.f = v; return x; }
  static Value ofBool(bool v) { Value x; x.kind = Bool; x.b = v; return x; }
  static Value ofStr(std::string v) { Value x; x.kind = Str; x.s = std::move(v); return x; }
  static Value ofTensor(const ir::Node *n) { Value x; x.kind = Tensor; x.tensor = n; return x; }
  static Value ofModule(ModuleInst *m) { Value x; x.kind = Module; x.module = m; return x; }

  bool isNumber() const { return kind == Int || kind == Float; }
  double number() const { return kind == Int ? static_cast<double>(i) : f; }

private:
  Value with(Kind k) { kind = k; return *this; }
};

/// "a tensor of shape [B, 10]", "an integer", "module `Linear`".
std::string describe(const Value &v);

/// A declared parameter or buffer of one module instance.
struct TensorDecl {
  std::string name; ///< local name: `weight`
  bool isBuffer = false;
  bool frozen = false;
  std::vector<int64_t> shape;
  InitSpec init;
  SourceLoc loc;
};

/// One node of the module tree.
struct ModuleInst {
  enum Kind { User, Sequential, List, Dict } kind = User;
  std::string type;
  const syntax::ModuleDecl *decl = nullptr; ///< User modules only
  std::string path;                         ///< set once attached
  std::vector<std::pair<std::string, Value>> env; ///< args and constants
  std::vector<std::pair<std::string, ModuleInst *>> children;
  std::vector<TensorDecl> tensors;
  const syntax::FnDecl *forward = nullptr;
  SourceRange created; ///< the expression that created the instance

  ModuleInst *child(const std::string &name) const;
  const TensorDecl *tensor(const std::string &name) const;
  const Value *lookup(const std::string &name) const;
  std::string fullName(const std::string &local) const {
    return path.empty() ? local : path + "." + local;
  }
};

} // namespace nnc::sema
