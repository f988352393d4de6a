//===- dot.cpp - Graphviz views of a model --------------------------------===//
#include "driver/dot.h"

#include <map>

namespace nnc::driver {
namespace {

/// A DOT string. Labels may hold DOT's own escapes (`\n`, `\l`), so only
/// quotes are escaped; names never contain a backslash.
std::string quoted(const std::string &text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string parentOf(const std::string &path) {
  size_t dot = path.rfind('.');
  return dot == std::string::npos ? "" : path.substr(0, dot);
}

} // namespace

void printModuleDot(const sema::Model &model, std::ostream &out) {
  out << "digraph " << quoted(model.name) << " {\n"
      << "  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n";
  std::map<std::string, std::string> tensorsOf;
  for (const sema::TensorInfo &t : model.tensors) {
    std::string owner = parentOf(t.name);
    std::string local = owner.empty() ? t.name : t.name.substr(owner.size() + 1);
    tensorsOf[owner] += "\\l" + std::string(t.isBuffer ? "buffer " : "") +
                        local + " " + sema::shapeText(t.shape);
  }
  for (const sema::ModuleInfo &m : model.modules) {
    std::string id = m.path.empty() ? "(root)" : m.path;
    std::string label = id + ": " + m.type + tensorsOf[m.path] + "\\l";
    out << "  " << quoted(id) << " [label=" << quoted(label) << "];\n";
    if (!m.path.empty()) {
      std::string parent = parentOf(m.path);
      out << "  " << quoted(parent.empty() ? "(root)" : parent) << " -> "
          << quoted(id) << ";\n";
    }
  }
  out << "}\n";
}

void printGraphDot(const ir::Graph &graph, std::ostream &out) {
  out << "digraph " << quoted(graph.name()) << " {\n"
      << "  rankdir=TB;\n  node [fontname=\"monospace\"];\n";
  for (const auto &node : graph.nodes()) {
    const ir::Node &n = *node;
    std::string label = "%" + std::to_string(n.id) + " " +
                        ir::opInfo(n.op).mnemonic;
    const char *style = "shape=ellipse";
    if (n.op == ir::OpKind::Input || n.op == ir::OpKind::Param) {
      label += " " + n.attrs.name;
      style = n.op == ir::OpKind::Input ? "shape=box, style=filled, fillcolor=lightblue"
                                        : "shape=box, style=filled, fillcolor=lightyellow";
    } else if (n.op == ir::OpKind::Const) {
      label += " " + std::to_string(n.attrs.value);
      style = "shape=plaintext";
    } else if (n.op == ir::OpKind::Boundary) {
      label += " " + n.attrs.boundary.str();
      style = "shape=cds, style=dashed";
    }
    label += "\\n" + ir::shapeStr(n.shape);
    out << "  n" << n.id << " [label=" << quoted(label) << ", " << style
        << "];\n";
    for (const ir::Node *operand : n.operands)
      out << "  n" << operand->id << " -> n" << n.id << ";\n";
  }
  for (size_t i = 0; i < graph.outputs().size(); ++i) {
    out << "  out" << i << " [label=\"output " << i
        << "\", shape=box, style=filled, fillcolor=lightgreen];\n";
    out << "  n" << graph.outputs()[i]->id << " -> out" << i << ";\n";
  }
  out << "}\n";
}

} // namespace nnc::driver
