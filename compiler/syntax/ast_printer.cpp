//===- ast_printer.cpp - Prints the AST as an indented tree ---------------===//
//
// The `--emit ast` rung of the driver: one node per line, children indented,
// expressions as fully parenthesised text so precedence is visible.
//
//===----------------------------------------------------------------------===//
#include "syntax/ast.h"
#include "base/float_text.h"

#include <ostream>

namespace nnc::syntax {
namespace {

/// Writes expressions into one string with an explicit stack of pieces: a
/// flat chain in the source (`a + b + ...`, `----x`, `x.T.T...`) is a tree
/// as deep as it is long, which neither recursion nor concatenating the
/// operands' texts (quadratic) can afford.
class ExprWriter {
public:
  std::string run(const Expr &root) {
    push(root);
    while (!pending_.empty()) {
      Piece piece = std::move(pending_.back());
      pending_.pop_back();
      if (piece.expr)
        expand(*piece.expr);
      else
        out_ += piece.text;
    }
    return std::move(out_);
  }

private:
  struct Piece {
    const Expr *expr = nullptr; ///< an expression still to expand, or
    std::string text;           ///< text to write as it is
  };

  // Pieces are pushed in reverse: the last pushed is written first.
  void push(const Expr &e) { pending_.push_back({&e, {}}); }
  void push(std::string text) { pending_.push_back({nullptr, std::move(text)}); }

  void pushArgs(const std::vector<Arg> &args) {
    for (size_t i = args.size(); i-- > 0;) {
      push(*args[i].value);
      if (!args[i].name.empty())
        push(args[i].name + ": ");
      if (i)
        push(", ");
    }
  }
  void pushList(const std::vector<ExprPtr> &items) {
    for (size_t i = items.size(); i-- > 0;) {
      push(*items[i]);
      if (i)
        push(", ");
    }
  }

  void expand(const Expr &e) {
    switch (e.kind) {
    case ExprKind::Int:
      out_ += std::to_string(e.intValue);
      return;
    case ExprKind::Float:
      out_ += floatText(e.floatValue);
      return;
    case ExprKind::String:
      out_ += "\"" + e.text + "\"";
      return;
    case ExprKind::Bool:
      out_ += e.boolValue ? "true" : "false";
      return;
    case ExprKind::Name:
      out_ += e.text;
      return;
    case ExprKind::Unary:
      out_ += "(" + e.text + (e.text == "not" ? " " : "");
      push(")");
      push(*e.operands[0]);
      return;
    case ExprKind::Binary:
      out_ += "(";
      push(")");
      push(*e.operands[1]);
      push(" " + e.text + " ");
      push(*e.operands[0]);
      return;
    case ExprKind::Call:
      push(e.braced ? "}" : ")");
      pushArgs(e.args);
      push(e.braced ? " {" : "(");
      push(*e.operands[0]);
      return;
    case ExprKind::Member:
      push("." + e.text);
      push(*e.operands[0]);
      return;
    case ExprKind::Index:
      push("]");
      push(*e.operands[1]);
      push("[");
      push(*e.operands[0]);
      return;
    case ExprKind::List:
      out_ += "[";
      push("]");
      pushList(e.operands);
      return;
    case ExprKind::ListComp:
      out_ += "[";
      push("]");
      push(*e.operands[1]);
      push(" for " + e.var + " in ");
      push(*e.operands[0]);
      return;
    case ExprKind::Dict:
      out_ += "{";
      push("}");
      pushArgs(e.args);
      return;
    case ExprKind::Tuple:
      out_ += "(";
      push(",)");
      pushList(e.operands);
      return;
    case ExprKind::Range:
      out_ += "(";
      push(")");
      push(*e.operands[1]);
      push("..");
      push(*e.operands[0]);
      return;
    }
    out_ += "?";
  }

  std::vector<Piece> pending_;
  std::string out_;
};

std::string exprText(const Expr &e) { return ExprWriter().run(e); }

std::string argsText(const std::vector<Arg> &args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i)
      out += ", ";
    if (!args[i].name.empty())
      out += args[i].name + ": ";
    out += exprText(*args[i].value);
  }
  return out;
}

std::string listText(const std::vector<ExprPtr> &items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i)
    out += (i ? ", " : "") + exprText(*items[i]);
  return out;
}

std::string typeText(const TypeExpr &t) {
  switch (t.kind) {
  case TypeExpr::Int:
    return "int";
  case TypeExpr::Float:
    return "float";
  case TypeExpr::Bool:
    return "bool";
  case TypeExpr::Str:
    return "str";
  case TypeExpr::Shape:
    return "[" + listText(t.dims) + "]";
  case TypeExpr::Tuple: {
    std::string out = "(";
    for (size_t i = 0; i < t.elements.size(); ++i)
      out += (i ? ", " : "") + typeText(t.elements[i]);
    return out + ")";
  }
  }
  return "?";
}

std::string paramsText(const std::vector<ParamDecl> &params) {
  std::string out = "(";
  for (size_t i = 0; i < params.size(); ++i) {
    out += (i ? ", " : "") + params[i].name;
    if (params[i].type)
      out += ": " + typeText(*params[i].type);
    if (params[i].defaultValue)
      out += " = " + exprText(*params[i].defaultValue);
  }
  return out + ")";
}

void printBlock(const Block &block, std::ostream &out, int indent);

void printStmt(const Stmt &s, std::ostream &out, int indent) {
  std::string pad(indent, ' ');
  switch (s.kind) {
  case StmtKind::Assign: {
    out << pad << "assign ";
    for (size_t i = 0; i < s.targets.size(); ++i)
      out << (i ? ", " : "") << s.targets[i];
    out << " = " << exprText(*s.value) << "\n";
    return;
  }
  case StmtKind::Return:
    out << pad << "return " << exprText(*s.value) << "\n";
    return;
  case StmtKind::Expr:
    out << pad << "expr " << exprText(*s.value) << "\n";
    return;
  case StmtKind::For:
    out << pad << "for " << s.var << " in " << exprText(*s.iterable) << "\n";
    printBlock(s.body, out, indent + 2);
    return;
  case StmtKind::If:
    out << pad << "if " << exprText(*s.value) << "\n";
    printBlock(s.body, out, indent + 2);
    if (!s.elseBody.empty()) {
      out << pad << "else\n";
      printBlock(s.elseBody, out, indent + 2);
    }
    return;
  }
}

void printBlock(const Block &block, std::ostream &out, int indent) {
  for (const StmtPtr &s : block)
    printStmt(*s, out, indent);
}

void printMember(const Member &m, std::ostream &out) {
  switch (m.kind) {
  case MemberKind::Submodule:
    out << "  member " << m.name << " = " << exprText(*m.value) << "\n";
    return;
  case MemberKind::Param:
  case MemberKind::Buffer:
    out << "  " << (m.frozen ? "frozen " : "")
        << (m.kind == MemberKind::Param ? "param " : "buffer ") << m.name
        << ": " << typeText(*m.type);
    if (m.value)
      out << " = " << exprText(*m.value);
    out << "\n";
    return;
  case MemberKind::Init: {
    out << "  init ";
    for (size_t i = 0; i < m.path.size(); ++i)
      out << (i ? "." : "") << m.path[i];
    out << " = " << exprText(*m.value) << "\n";
    return;
  }
  case MemberKind::Forward:
    out << "  forward" << paramsText(m.forward->params);
    if (m.forward->result)
      out << " -> " << typeText(*m.forward->result);
    out << "\n";
    printBlock(m.forward->body, out, 4);
    return;
  }
}

} // namespace

void printAst(const FileAst &ast, std::ostream &out) {
  for (const ImportDecl &i : ast.imports)
    out << "import \"" << i.path << "\"\n";
  for (const auto &fn : ast.functions) {
    out << "fn " << fn->name << paramsText(fn->params);
    if (fn->result)
      out << " -> " << typeText(*fn->result);
    out << "\n";
    printBlock(fn->body, out, 2);
  }
  for (const auto &mod : ast.modules) {
    out << "module " << mod->name << paramsText(mod->params) << "\n";
    for (const Member &m : mod->members)
      printMember(m, out);
  }
  for (const ModelDecl &m : ast.models)
    out << "model " << m.name << "(" << argsText(m.args) << ")\n";
  for (const TrainDecl &t : ast.trains) {
    out << "train\n";
    printBlock(t.settings, out, 2);
  }
}

} // namespace nnc::syntax
