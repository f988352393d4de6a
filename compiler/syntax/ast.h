//===- ast.h - The abstract syntax tree of .nnm files ---------------------===//
//
// The parser's output: declarations (modules, functions, the model, the train
// block, imports), module members, statements, expressions and types. Nodes
// own their children through unique_ptr and carry the source range of the
// text they came from; nothing here is resolved yet (that is sema's job).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "base/source.h"
#include "syntax/lexer.h"

#include <memory>
#include <string>
#include <vector>

namespace nnc::syntax {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// A call argument or a dict entry: `value` or `name: value`.
struct Arg {
  std::string name; ///< empty for a positional argument
  SourceLoc nameLoc;
  ExprPtr value;
};

enum class ExprKind {
  Int,      ///< 42
  Float,    ///< 0.5
  String,   ///< "relu"
  Bool,     ///< true
  Name,     ///< x
  Unary,    ///< -x, not x
  Binary,   ///< a + b, a @ b, a == b
  Call,     ///< f(a, k: v), Sequential { a: M() }
  Member,   ///< a.b, a.T
  Index,    ///< a[0]
  List,     ///< [a, b]
  ListComp, ///< [e for i in 0..n]
  Dict,     ///< { k: v }
  Tuple,    ///< (a, b)
  Range,    ///< 0..n
};

struct Expr {
  ExprKind kind;
  SourceRange range;
  int64_t intValue = 0;
  double floatValue = 0;
  bool boolValue = false;
  /// Name, member name, string value or the operator's spelling.
  std::string text;
  TokenKind op = TokenKind::Eof;
  /// Operands: unary [x]; binary/range [lhs, rhs]; member/index [base(, idx)];
  /// call [callee]; list/tuple items; list comprehension [element, iterable].
  std::vector<ExprPtr> operands;
  /// Call arguments and dict entries.
  std::vector<Arg> args;
  /// `Name { k: v }`: a call whose arguments are named, in braces.
  bool braced = false;
  /// The loop variable of a list comprehension.
  std::string var;

  SourceLoc loc() const { return range.begin; }

  Expr() = default;
  Expr(const Expr &) = delete;
  Expr &operator=(const Expr &) = delete;
  /// Frees the subtree with an explicit stack: a flat chain in the source
  /// (`a + b + ...`, `----x`) is a tree as deep as it is long.
  ~Expr();
};

struct TypeExpr {
  enum Kind { Int, Float, Bool, Str, Shape, Tuple } kind = Shape;
  SourceRange range;
  std::vector<ExprPtr> dims;      ///< Shape: one expression per dimension
  std::vector<TypeExpr> elements; ///< Tuple
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

enum class StmtKind { Assign, Return, For, If, Expr };

struct Stmt {
  StmtKind kind;
  SourceRange range;
  std::vector<std::string> targets; ///< Assign: names (several for a tuple)
  std::vector<SourceLoc> targetLocs;
  ExprPtr value;                    ///< Assign/Return/Expr value; If condition
  std::string var;                  ///< For variable
  ExprPtr iterable;                 ///< For
  Block body;                       ///< For body; If then-branch
  Block elseBody;                   ///< If else-branch
};

/// A parameter of a module, function or forward: `name: type = default`.
struct ParamDecl {
  std::string name;
  SourceLoc loc;
  std::unique_ptr<TypeExpr> type; ///< may be null (untyped)
  ExprPtr defaultValue;           ///< may be null
};

struct FnDecl {
  std::string name;
  SourceLoc loc;
  std::vector<ParamDecl> params;
  std::unique_ptr<TypeExpr> result; ///< may be null
  Block body;
};

enum class MemberKind { Submodule, Param, Buffer, Init, Forward };

struct Member {
  MemberKind kind;
  SourceRange range;
  std::string name;                  ///< Submodule/Param/Buffer name
  SourceLoc nameLoc;
  bool frozen = false;               ///< Param
  std::unique_ptr<TypeExpr> type;    ///< Param/Buffer shape
  ExprPtr value;                     ///< submodule expr or initialiser
  std::vector<std::string> path;     ///< Init: `net.*.bias` segments
  std::unique_ptr<FnDecl> forward;   ///< Forward
};

struct ModuleDecl {
  std::string name;
  SourceLoc loc;
  std::vector<ParamDecl> params;
  std::vector<Member> members;
};

struct ModelDecl {
  std::string name;
  SourceLoc loc;
  std::vector<Arg> args;
};

struct ImportDecl {
  std::string path;
  SourceLoc loc;
};

struct TrainDecl {
  SourceLoc loc;
  Block settings;
};

/// One parsed file.
struct FileAst {
  int32_t file = -1;
  std::vector<ImportDecl> imports;
  std::vector<std::unique_ptr<ModuleDecl>> modules;
  std::vector<std::unique_ptr<FnDecl>> functions;
  std::vector<ModelDecl> models;
  std::vector<TrainDecl> trains;
};

/// Prints the AST as an indented tree (`nnc check --emit ast`).
void printAst(const FileAst &ast, std::ostream &out);

} // namespace nnc::syntax
