//===- kernels.h - The kernel level: fused loop nests over buffers --------===//
//
// Target-neutral. The forward graph becomes a list of kernels, each writing
// one buffer:
//   - Elementwise: a loop nest over the output shape evaluating a fused
//     expression tree of elementwise nodes; its leaves read buffers, with
//     NumPy broadcasting expressed as zero strides.
//   - MatMul: C = op(A) op(B), where op folds a transpose into the operand's
//     strides, optionally followed by an epilogue: the fused elementwise
//     expression that consumed the product (bias, activation, residual),
//     applied to each block of C as it is finished, while it is in cache.
//   - Reduce: sum or max over some axes.
//   - Transpose: a strided copy.
//   - Copy: a plain copy (an output that is an input, a parameter or a view).
//   - Hook: no code of its own: a call of the runtime's hooks with the
//     tensors of one module call (a HookPoint), in the hooked variant.
// Reshapes are views: they share their operand's buffer.
//
// A program comes in two variants. The fused one strips the module
// boundaries and fuses across them. The hooked one (lowerToKernelsWithHooks)
// stores the value of every boundary in a buffer of its own, which the
// values after the boundary read, and after the last of a module call's
// boundaries calls the hooks: a hook sees real values, and a value it
// replaces flows on.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/graph.h"
#include "passes/strip_boundaries.h"

#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

namespace nnc::codegen {

struct Buffer {
  enum Kind { Input, Param, Output, Workspace } kind;
  int64_t index = 0;   ///< Input/Output: position; Param: arena element offset
  ir::Shape shape;
  std::string name;    ///< for printing
  /// Workspace: the earlier buffer whose memory this one reuses (its last
  /// reader ran before this buffer is written; planWorkspace), or -1.
  int shares = -1;
  /// Workspace, not shared: where its memory begins, in elements from the
  /// start of the workspace, once rounded up to a multiple of
  /// kWorkspaceAlign (planWorkspace).
  ir::Dim offset;
};

/// Workspace buffers begin at multiples of this many elements: 64 bytes of
/// floats, one cache line and one AVX-512 vector.
inline constexpr int64_t kWorkspaceAlign = 16;

struct Kernel {
  enum Kind { Elementwise, MatMul, Reduce, Transpose, Copy, Hook } kind;
  const ir::Node *root = nullptr; ///< the node whose value the kernel writes
  int out = -1;                   ///< buffer written; -1 for a Hook
  /// Elementwise: the fused tree's leaves and the buffers they read.
  /// MatMul: the two operands (after looking through views and folded
  /// transposes), then the leaves of the epilogue but the product.
  /// Hook: the boundary nodes and their buffers, the point's inputs then
  /// its outputs.
  /// Others: operand nodes and their buffers, in operand order.
  std::vector<std::pair<const ir::Node *, int>> reads;
  bool transA = false, transB = false; ///< MatMul
  /// MatMul: the matmul node. The epilogue is the expression from `root`
  /// down to it; without one, root is the product itself.
  const ir::Node *product = nullptr;
  int hook = -1; ///< Hook: its index in KernelProgram::hookPoints
};

/// A tensor a hook is given: its position among the module's inputs or
/// outputs (ir::ModuleBoundary::index), and the buffer holding it.
struct HookTensor {
  int64_t index = 0;
  int buffer = -1;
  ir::Shape shape; ///< its own (the buffer's, when it is a view, differs)
};

/// Where the hooks of one module call run in the hooked variant: forward
/// hooks with the call's inputs and outputs, or full backward hooks with
/// its grad_input and grad_output. A gradient that is not computed (that of
/// an input no parameter depends on: PyTorch's None) is left out.
struct HookPoint {
  std::string module; ///< the module's path, "" for the model itself
  int64_t call = 1;   ///< which call of the module in one forward, from 1
  bool backward = false;
  std::vector<HookTensor> inputs;  ///< inputs, or grad_input; by index
  std::vector<HookTensor> outputs; ///< outputs, or grad_output; by index
};

/// A matrix product whose result goes through an elementwise expression
/// before it is stored.
bool hasEpilogue(const Kernel &kernel);

/// Where the value at a module boundary of the graph is once the boundaries
/// are stripped and the rest fused: what a hook reads, or what a variant
/// with hook points must materialise.
struct BoundaryPlace {
  ir::ModuleBoundary boundary;
  ir::Shape shape; ///< the value's shape (a view's, where it is one)
  enum Kind {
    Stored,   ///< in `buffer` (with its own shape, when the value is a view)
    Fused,    ///< computed inside the expression of kernel `kernel`, not stored
    Folded,   ///< the transpose of `buffer`, read by matrix products as such
    Constant, ///< a constant, in no buffer
  } kind = Stored;
  int buffer = -1;
  int kernel = -1;
};

struct KernelProgram {
  /// Every buffer's element type: F32, or F64 for the compiled gradient
  /// checks (the arena, inputs and outputs are then doubles).
  ir::DType element = ir::DType::F32;
  std::vector<std::string> symbols;
  std::vector<Buffer> buffers;
  std::vector<Kernel> kernels;
  /// The elements the workspace buffers span (planWorkspace), at most.
  ir::Dim workspaceElements;
  /// Every module boundary of the graph, in the graph's order.
  std::vector<BoundaryPlace> boundaries;
  /// The hooked variant's hook points, in the order they run.
  std::vector<HookPoint> hookPoints;
  /// The graph the kernels' nodes belong to: the lowered graph without its
  /// boundary nodes.
  std::shared_ptr<const ir::Graph> graph;
};

/// The kernel programs of a model that trains, and where the training
/// step's gradients go.
struct TrainingCode {
  /// Outputs: the model's outputs, then the loss.
  KernelProgram evaluate;
  /// Outputs: the model's outputs, the loss, then one gradient per trainable
  /// tensor; the first `tableOutputs` go to the caller's output table.
  KernelProgram trainStep;
  int tableOutputs = 0;
  std::vector<int64_t> gradOffsets; ///< per gradient: its arena offset
  /// [begin, end) element ranges of the arena the optimizer updates.
  std::vector<std::pair<int64_t, int64_t>> updateRanges;
  int64_t arenaElements = 0;
};

/// Everything a backend makes one model's code of: the fused programs, and
/// their hooked variants, which run while any hook is registered.
struct ModelPrograms {
  KernelProgram forward, forwardHooked;
  /// With a train block that has a loss.
  std::optional<TrainingCode> training, trainingHooked;
};

/// True for kernels whose rows (the first dimension of the output) can be
/// computed apart: an elementwise kernel of rank 1 or more. Their code takes
/// a range of rows, and a backend may split the rows between threads.
bool rowParallel(const Kernel &kernel);

/// The constants of an elementwise kernel's expression (or a matrix
/// product's epilogue), each once, in preorder. They are arguments of the kernel's code rather than part of it,
/// so that `x * 0.5` and `x * 1.5` share one function.
std::vector<const ir::Node *> kernelConstants(const Kernel &kernel);

/// What a kernel's code depends on, and nothing else: two kernels with equal
/// keys compute the same function of their buffers and constants, so one
/// function serves both (a stack of identical layers, or a long chain cut
/// into pieces, compiles each distinct kernel once). Compared by value.
struct KernelKey {
  /// One node of an elementwise kernel's expression, in preorder.
  struct Step {
    int op = 0;        ///< ir::OpKind
    int leaf = -1;     ///< the read it loads, kProductLeaf, or -1
    int constant = -1; ///< its position in kernelConstants, or -1
    ir::Shape shape;
    auto operator<=>(const Step &) const = default;
  };
  ir::DType element = ir::DType::F32;
  std::vector<std::string> symbols;
  int kind = 0;
  bool transA = false, transB = false;
  int op = 0; ///< the root's ir::OpKind
  ir::Shape shape;
  std::vector<int64_t> axes;
  bool keepdim = false;
  std::vector<ir::Shape> reads;
  std::vector<Step> expr; ///< elementwise kernels, and epilogues
  /// A Copy kernel of a constant writes the value (its bits, NaN included).
  std::optional<uint64_t> copiedConstant;
  auto operator<=>(const KernelKey &) const = default;
};

/// KernelKey::Step::leaf of an epilogue's product.
inline constexpr int kProductLeaf = -2;

/// The key of `kernel` in `program`.
KernelKey kernelKey(const KernelProgram &program, const Kernel &kernel);

/// Lowers `graph` to kernels. `paramOffsets` maps each parameter name to its
/// arena element offset (ArenaLayout::byName, codegen/kernel/arena.h). The
/// program keeps its own copy of the graph, without boundary nodes (their
/// places are in KernelProgram::boundaries).
KernelProgram lowerToKernels(const ir::Graph &graph,
                             const std::map<std::string, int64_t> &paramOffsets);
/// The same for a graph already stripped, which the program then owns (a
/// caller that made the graph for lowering saves a copy).
KernelProgram lowerToKernels(passes::StrippedGraph stripped,
                             const std::map<std::string, int64_t> &paramOffsets);

/// The hooked variant of `graph`'s program: its boundaries are kept, each
/// stored in a buffer of its own (a boundary's operand may be fused into
/// its kernel, a product's epilogue may end in one), and a Hook kernel runs
/// after the last kernel of each module call's boundaries. Dead code is
/// removed first.
KernelProgram lowerToKernelsWithHooks(const ir::Graph &graph,
                                      const std::map<std::string, int64_t> &paramOffsets);

/// Lets workspace buffers whose lifetimes do not overlap share memory
/// (Buffer::shares), then places the others one after the other
/// (Buffer::offset, KernelProgram::workspaceElements); lowerToKernels calls
/// it last.
void planWorkspace(KernelProgram &program);

/// `elements` rounded up to a multiple of kWorkspaceAlign, with the
/// symbols bound to values: where a buffer at offset `elements` begins.
int64_t alignWorkspaceOffset(int64_t elements);

/// Prints the kernel program (`--emit kernels`).
void printKernels(const KernelProgram &program, std::ostream &out);

} // namespace nnc::codegen
