//===- ast_printer.cpp - Prints the AST as an indented tree ---------------===//
//
// The `--emit ast` rung of the driver: one node per line, children indented,
// expressions as fully parenthesised text so precedence is visible.
//
//===----------------------------------------------------------------------===//
#include "syntax/ast.h"

#include <cstdio>
#include <cstdlib>
#include <ostream>

namespace nnc::syntax {
namespace {

std::string exprText(const Expr &e);

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

std::string listText(const std::vector<ExprPtr> &items, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < items.size(); ++i)
    out += (i > from ? ", " : "") + exprText(*items[i]);
  return out;
}

std::string exprText(const Expr &e) {
  switch (e.kind) {
  case ExprKind::Int:
    return std::to_string(e.intValue);
  case ExprKind::Float: {
    // The shortest text that reads back as the same double (std::to_string
    // would print 1e-5 as 0.000010 and cut 0.7978845608028654 to 0.797885).
    char buf[64];
    for (int precision = 6; precision <= 17; ++precision) {
      std::snprintf(buf, sizeof buf, "%.*g", precision, e.floatValue);
      if (std::strtod(buf, nullptr) == e.floatValue)
        break;
    }
    std::string s = buf;
    if (s.find_first_of(".eEn") == std::string::npos)
      s += ".0";
    return s;
  }
  case ExprKind::String:
    return "\"" + e.text + "\"";
  case ExprKind::Bool:
    return e.boolValue ? "true" : "false";
  case ExprKind::Name:
    return e.text;
  case ExprKind::Unary:
    return "(" + e.text + (e.text == "not" ? " " : "") +
           exprText(*e.operands[0]) + ")";
  case ExprKind::Binary:
    return "(" + exprText(*e.operands[0]) + " " + e.text + " " +
           exprText(*e.operands[1]) + ")";
  case ExprKind::Call:
    return exprText(*e.operands[0]) + (e.braced ? " {" : "(") +
           argsText(e.args) + (e.braced ? "}" : ")");
  case ExprKind::Member:
    return exprText(*e.operands[0]) + "." + e.text;
  case ExprKind::Index:
    return exprText(*e.operands[0]) + "[" + exprText(*e.operands[1]) + "]";
  case ExprKind::List:
    return "[" + listText(e.operands) + "]";
  case ExprKind::ListComp:
    return "[" + exprText(*e.operands[0]) + " for " + e.var + " in " +
           exprText(*e.operands[1]) + "]";
  case ExprKind::Dict:
    return "{" + argsText(e.args) + "}";
  case ExprKind::Tuple:
    return "(" + listText(e.operands) + ",)";
  case ExprKind::Range:
    return "(" + exprText(*e.operands[0]) + ".." + exprText(*e.operands[1]) +
           ")";
  }
  return "?";
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
