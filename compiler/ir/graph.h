//===- graph.h - The graph IR: SSA tensor operations ----------------------===//
//
// A Graph is a list of Nodes in topological order. Nodes are immutable once
// built and interned: asking for an op with the same operands and attributes
// twice returns the first node, so common subexpressions are shared from the
// start. Every node has a dtype, a (possibly symbolic) shape and the source
// location that produced it. ops.def is the list of operations.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "base/source.h"
#include "ir/dim.h"

#include <unordered_map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nnc::ir {

enum class OpKind {
#define NNC_OP(Name, Mnemonic, Surface, Arity, ShapeRule, Lowering) Name,
#include "ir/ops.def"
};

enum class Lowering { Leaf, Elementwise, Matmul, Reduce, View, Permute, Boundary };

struct OpInfo {
  const char *mnemonic;
  const char *surface; ///< builtin name in the language, or ""
  int arity;
  Lowering lowering;
};

const OpInfo &opInfo(OpKind op);
/// The op whose mnemonic is `name`, for the IR parser.
std::optional<OpKind> opByMnemonic(const std::string &name);
/// The elementwise op a language builtin `name` maps to directly, if any.
std::optional<OpKind> opBySurface(const std::string &name);

/// A reduction as data (ops.def's NNC_REDUCTION rows).
struct ReductionInfo {
  double identity;  ///< the value of an empty reduction
  OpKind combiner;  ///< the binary elementwise op that folds a value in
  enum Finalize { None, DivideByCount } finalize;
};
/// The reduction `op` performs, or null when it is not one.
const ReductionInfo *reductionInfo(OpKind op);

enum class DType { F32, F64 };
const char *dtypeName(DType t);

/// What a boundary node marks: a tensor a module call was given or returned,
/// or, in a gradient graph, the gradient of one.
enum class BoundaryRole { Input, Output, GradInput, GradOutput };
const char *boundaryRoleName(BoundaryRole role);
std::optional<BoundaryRole> boundaryRoleByName(const std::string &name);

/// Where a value crosses a module's boundary, as PyTorch's hooks see it.
struct ModuleBoundary {
  std::string module; ///< its path: `net.0`; "" for the model itself
  int64_t call = 1;   ///< which call of that module in one forward, from 1
  BoundaryRole role = BoundaryRole::Output;
  /// Input: the argument's position (positional arguments first, then the
  /// named ones in call order); Output: the position in the returned tuple.
  int64_t index = 0;

  bool operator==(const ModuleBoundary &) const = default;
  /// `net.0#2 output 0`
  std::string str() const;
};

/// Attributes; which ones an op uses is fixed by its kind (see the printer).
/// Interning compares them with the defaulted operator==, so a field added
/// here distinguishes nodes without further work.
struct Attrs {
  std::string name;           ///< input/param: the tensor's name
  double value = 0;           ///< const: the scalar value
  std::vector<int64_t> axes;  ///< transpose: permutation; reduce: axes
  bool keepdim = false;       ///< reduce
  Shape shape;                ///< reshape: the target shape
  ModuleBoundary boundary;    ///< boundary

  bool operator==(const Attrs &) const = default;
};

struct Node {
  int id = 0;
  OpKind op;
  DType dtype = DType::F32;
  Shape shape;
  std::vector<const Node *> operands;
  Attrs attrs;
  SourceLoc loc;
};

/// Why a shape rule refused its operands (sema turns this into a diagnostic).
struct ShapeError {
  std::string message;
};

/// The result shape of `op` on operands of shapes `in` with `attrs`.
/// Returns nullopt and fills `error` when the operands do not fit.
std::optional<Shape> inferShape(OpKind op, const std::vector<Shape> &in,
                                const Attrs &attrs, ShapeError &error);

class Graph {
public:
  explicit Graph(std::string name = "model") : name_(std::move(name)) {}

  /// Adds `op` (or returns the equal node built before). The shape must have
  /// been checked by inferShape; this re-derives it and asserts it fits.
  const Node *add(OpKind op, std::vector<const Node *> operands, Attrs attrs,
                  SourceLoc loc = {}, DType dtype = DType::F32);
  /// A copy of `from`, a node of another graph, with `operands` (nodes of
  /// this one, of the shapes of `from`'s operands) in place of its own: its
  /// shape was checked when `from` was built, so no rule runs again (the
  /// passes that copy graphs copy every node).
  const Node *copy(const Node &from, std::vector<const Node *> operands);
  /// A leaf: input or param with an explicit shape.
  const Node *addLeaf(OpKind op, const std::string &name, Shape shape,
                      SourceLoc loc = {});
  const Node *constant(double value, SourceLoc loc = {});

  void addOutput(const Node *node) { outputs_.push_back(node); }
  void addSymbol(const std::string &s);

  const std::string &name() const { return name_; }
  const std::vector<std::unique_ptr<Node>> &nodes() const { return nodes_; }
  const std::vector<const Node *> &inputs() const { return inputs_; }
  const std::vector<const Node *> &params() const { return params_; }
  const std::vector<const Node *> &outputs() const { return outputs_; }
  const std::vector<std::string> &symbols() const { return symbols_; }
  std::vector<const Node *> &mutableOutputs() { return outputs_; }

private:
  const Node *intern(std::unique_ptr<Node> node);

  std::string name_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<const Node *> inputs_, params_, outputs_;
  std::vector<std::string> symbols_;
  std::unordered_multimap<size_t, const Node *> index_; ///< hashNode -> node
};

/// A copy of `graph` holding only the nodes that `outputs` depend on, in the
/// same relative order, with `inputs` as its inputs (kept even when unused:
/// they are part of the signature; in graph order) and `outputs` as its
/// outputs. Every input the outputs depend on must be among `inputs`.
std::unique_ptr<Graph> extractGraph(const Graph &graph,
                                    const std::vector<const Node *> &outputs,
                                    const std::vector<const Node *> &inputs);

/// Prints `graph` in the textual form that parseGraph reads back.
void printGraph(const Graph &graph, std::ostream &out);

/// Parses the textual form; on error returns nullptr and sets `error` to
/// "line:col: message".
std::unique_ptr<Graph> parseGraph(const std::string &text, std::string &error);

/// Checks the graph's invariants (operand order, arity, shapes by the op
/// rules, outputs present). Returns an empty string when the graph is valid.
std::string verifyGraph(const Graph &graph);

} // namespace nnc::ir
