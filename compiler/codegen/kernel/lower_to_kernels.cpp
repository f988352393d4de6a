//===- lower_to_kernels.cpp - Graph IR to kernels, with fusion ------------===//
//
// Algorithm:
//   1. Count the uses of every node (graph outputs count as uses).
//   2. A transpose whose every use is a matmul operand is folded into the
//      matmuls; a reshape is a view of its operand.
//   3. An elementwise node is fused into its consumer when it has exactly one
//      use, that use is elementwise, and both have the same shape (so that
//      fusing never recomputes a value per broadcast element). Every other
//      non-leaf node is materialised into a buffer by its own kernel.
//      A fused expression holds at most kMaxFusedNodes nodes and reads at
//      most kMaxFusedReads buffers: going through the nodes in order, a node
//      whose expression would pass a limit materialises its largest fused
//      operands. A chain of 10,000 elementwise ops becomes kernels of
//      bounded size, so every walk over an expression is bounded, and the
//      code generator meets many small, mostly identical functions rather
//      than one huge one (compile time grows linearly).
//   4. A matmul whose one use is an elementwise expression of its shape
//      (bias, activation, residual) takes that expression as its epilogue:
//      one kernel, at the expression's place, computes both, and the product
//      is never stored apart.
//   5. Buffers: inputs and parameters are given; a materialised node that is
//      a graph output, or whose view is one, writes the output buffer
//      directly; the rest get workspace. Outputs that are leaves, views of
//      leaves or repeated get a Copy.
//   6. Workspace buffers whose lifetimes do not overlap share memory
//      (plan_memory.cpp).
// Module boundaries are stripped first (passes/strip_boundaries.h), so that
// they change nothing above; each one's place is recorded last.
// The hooked variant keeps them: a boundary is an elementwise identity that
// is always materialised (its operand may fuse into it, a product's
// epilogue may end in it, but it fuses into nothing), and after the kernels
// of a module call's boundaries comes a Hook kernel that reads them all.
//
//===----------------------------------------------------------------------===//
#include "codegen/kernel/kernels.h"
#include "base/diagnostics.h"
#include "base/float_text.h"
#include "passes/dce.h"
#include "passes/strip_boundaries.h"

#include <algorithm>
#include <tuple>
#include <set>
#include <unordered_map>

namespace nnc::codegen {
namespace {

using ir::Lowering;
using ir::Node;
using ir::OpKind;


/// Past these, a fused expression gains little (its loads and stores are
/// already amortised) and its kernel grows unwieldy.
constexpr int kMaxFusedNodes = 64;
constexpr int kMaxFusedReads = 32;

/// The size of the fused expression a node roots.
struct FusedSize {
  int nodes = 0;
  int reads = 0; ///< buffer reads, counting a repeated one each time
};

class KernelLowering {
public:
  KernelLowering(const ir::Graph &graph,
                 const std::map<std::string, int64_t> &offsets, bool hooks)
      : graph_(graph), offsets_(offsets), hooks_(hooks) {}

  KernelProgram run() {
    program_.symbols = graph_.symbols();
    countUses();
    capFusion();
    findEpilogues();
    for (const Node *in : graph_.inputs())
      bufferOf_[in] = addBuffer(Buffer::Input, static_cast<int>(inputIndex_++),
                                in->shape, in->attrs.name);
    for (const Node *p : graph_.params()) {
      auto it = offsets_.find(p->attrs.name);
      NNC_CHECK(it != offsets_.end(), "parameter without an arena offset");
      bufferOf_[p] = addBuffer(Buffer::Param, it->second,
                               p->shape, p->attrs.name);
    }
    // Outputs computed by their own kernel write the output buffer directly.
    std::set<const Node *> claimed;
    for (size_t i = 0; i < graph_.outputs().size(); ++i) {
      const Node *o = graph_.outputs()[i];
      int buf = addBuffer(Buffer::Output, static_cast<int>(i), o->shape,
                          "output" + std::to_string(i));
      outputBuffers_.push_back(buf);
      if (materialised(o) && !claimed.count(o) && !bufferOf_.count(o)) {
        bufferOf_[o] = buf;
        claimed.insert(o);
      }
    }
    // An output that is a view (a reshape) of a materialised value that no
    // output holds has that value's bytes: the value is computed into it.
    for (size_t i = 0; i < graph_.outputs().size(); ++i) {
      const Node *v = graph_.outputs()[i];
      if (!isView(v))
        continue;
      v = viewSource(v);
      if (materialised(v) && !claimed.count(v) && !bufferOf_.count(v)) {
        bufferOf_[v] = outputBuffers_[i];
        claimed.insert(v);
      }
    }
    for (const auto &node : graph_.nodes())
      lowerNode(node.get());
    if (hooks_)
      addHookPoints();
    for (size_t i = 0; i < graph_.outputs().size(); ++i) {
      const Node *o = graph_.outputs()[i];
      int source = bufferFor(o);
      if (source == outputBuffers_[i])
        continue;
      Kernel copy{Kernel::Copy, o, outputBuffers_[i], {{o, source}}};
      program_.kernels.push_back(copy);
    }
    planWorkspace(program_);
    return std::move(program_);
  }

  /// Where the value of `n` is, once lowered (BoundaryPlace).
  BoundaryPlace place(const Node *n) const {
    BoundaryPlace p;
    p.shape = n->shape;
    const Node *stored = viewSource(n);
    if (auto it = bufferOf_.find(stored); it != bufferOf_.end()) {
      p.buffer = it->second;
    } else if (foldedTranspose(stored)) {
      p.kind = BoundaryPlace::Folded;
      p.buffer = bufferOf_.at(stored->operands[0]);
    } else if (stored->op == OpKind::Const) {
      p.kind = BoundaryPlace::Constant;
    } else {
      // Fused into an expression, or a product inside its epilogue's
      // kernel: its one use leads up to the root of that kernel.
      p.kind = BoundaryPlace::Fused;
      while (!kernelOf_.count(stored))
        stored = users_.at(stored).at(0);
      p.kernel = kernelOf_.at(stored);
    }
    return p;
  }

private:
  /// A new name for its operand's bytes: a reshape; in the hooked variant
  /// also a boundary no hook writes (a module's input, the gradient of its
  /// output), and a module's output that is another module's output as it
  /// is (a Sequential's last layer): a hook that replaces the outer one
  /// writes the inner one's buffer, which nothing reads any more.
  bool isView(const Node *n) const {
    if (n->op == OpKind::Reshape)
      return true;
    if (!hooks_ || n->op != OpKind::Boundary)
      return false;
    switch (n->attrs.boundary.role) {
    case ir::BoundaryRole::Input:
    case ir::BoundaryRole::GradOutput:
      return true;
    case ir::BoundaryRole::Output: {
      const Node *o = n->operands[0];
      return o->op == OpKind::Boundary && o->attrs.boundary.role == ir::BoundaryRole::Output;
    }
    case ir::BoundaryRole::GradInput:
      return false;
    }
    return false;
  }

  /// The node whose buffer a view reads.
  const Node *viewSource(const Node *n) const {
    while (isView(n))
      n = n->operands[0];
    return n;
  }

  /// An elementwise node; in the hooked variant a boundary that is stored
  /// too (the identity): a module's output, the gradient of its input.
  bool isElementwise(const Node *n) const {
    Lowering l = ir::opInfo(n->op).lowering;
    return l == Lowering::Elementwise || (l == Lowering::Boundary && hooks_ && !isView(n));
  }

  /// The hooked variant: one HookPoint per module call and direction,
  /// each run by a Hook kernel right after the last kernel of its
  /// boundaries (the kernel that computes the value each one stores or
  /// views). A forward call without a live output (its result unused)
  /// and a backward one without a gradient of its output get none: nothing
  /// was computed for them.
  void addHookPoints() {
    std::map<std::tuple<std::string, int64_t, bool>, size_t> pointOf;
    std::vector<HookPoint> points;
    std::vector<std::vector<const Node *>> inputNodes, outputNodes;
    std::vector<int> after, lastNode;
    for (const auto &node : graph_.nodes()) {
      const Node *n = node.get();
      if (n->op != OpKind::Boundary)
        continue;
      const ir::ModuleBoundary &b = n->attrs.boundary;
      bool backward = b.role == ir::BoundaryRole::GradInput ||
                      b.role == ir::BoundaryRole::GradOutput;
      auto [it, added] = pointOf.try_emplace({b.module, b.call, backward}, points.size());
      if (added) {
        points.push_back({b.module, b.call, backward, {}, {}});
        inputNodes.emplace_back();
        outputNodes.emplace_back();
        after.push_back(-1);
        lastNode.push_back(-1);
      }
      size_t p = it->second;
      bool isInput = b.role == ir::BoundaryRole::Input || b.role == ir::BoundaryRole::GradInput;
      (isInput ? points[p].inputs : points[p].outputs).push_back({b.index, bufferFor(n), n->shape});
      (isInput ? inputNodes[p] : outputNodes[p]).push_back(n);
      after[p] = std::max(after[p], writerOf(viewSource(n)));
      lastNode[p] = n->id;
    }
    // pointsAfter[k + 1]: the points that run after kernel k (0: first).
    std::vector<std::vector<size_t>> pointsAfter(program_.kernels.size() + 1);
    for (size_t p = 0; p < points.size(); ++p)
      if (!points[p].outputs.empty())
        pointsAfter[static_cast<size_t>(after[p] + 1)].push_back(p);
    // Points after one kernel share a value (a Sequential returns its last
    // layer's output; a model's gradient is its outer modules' too): they
    // run in the order of their last boundaries, as PyTorch's do: inner
    // modules' forward hooks first, outer modules' backward hooks first.
    for (std::vector<size_t> &same : pointsAfter)
      std::sort(same.begin(), same.end(),
                [&](size_t a, size_t b) { return lastNode[a] < lastNode[b]; });
    std::vector<Kernel> kernels;
    std::vector<int> moved(program_.kernels.size()); // old index -> new
    for (size_t k = 0; k <= program_.kernels.size(); ++k) {
      if (k > 0) {
        moved[k - 1] = static_cast<int>(kernels.size());
        kernels.push_back(std::move(program_.kernels[k - 1]));
      }
      for (size_t p : pointsAfter[k]) {
        Kernel hook{Kernel::Hook};
        hook.hook = static_cast<int>(program_.hookPoints.size());
        auto byIndex = [](std::vector<HookTensor> &tensors, std::vector<const Node *> &nodes) {
          std::vector<size_t> order(tensors.size());
          for (size_t i = 0; i < order.size(); ++i)
            order[i] = i;
          std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return tensors[a].index < tensors[b].index;
          });
          std::vector<HookTensor> t;
          std::vector<const Node *> n;
          for (size_t i : order) {
            t.push_back(tensors[i]);
            n.push_back(nodes[i]);
          }
          tensors = std::move(t);
          nodes = std::move(n);
        };
        byIndex(points[p].inputs, inputNodes[p]);
        byIndex(points[p].outputs, outputNodes[p]);
        for (size_t i = 0; i < points[p].inputs.size(); ++i)
          hook.reads.emplace_back(inputNodes[p][i], points[p].inputs[i].buffer);
        for (size_t i = 0; i < points[p].outputs.size(); ++i)
          hook.reads.emplace_back(outputNodes[p][i], points[p].outputs[i].buffer);
        kernels.push_back(std::move(hook));
        program_.hookPoints.push_back(std::move(points[p]));
      }
    }
    program_.kernels = std::move(kernels);
    for (auto &[node, index] : kernelOf_)
      index = moved[static_cast<size_t>(index)];
  }

  /// The kernel that computes `n`, a stored node, or -1 for a leaf (an
  /// input or parameter, there before the first kernel).
  int writerOf(const Node *n) const {
    auto it = kernelOf_.find(n);
    return it == kernelOf_.end() ? -1 : it->second;
  }

  void countUses() {
    for (const auto &node : graph_.nodes())
      for (const Node *operand : node->operands) {
        ++uses_[operand];
        users_[operand].push_back(node.get());
      }
    for (const Node *o : graph_.outputs())
      ++uses_[o];
  }

  bool foldedTranspose(const Node *n) const {
    if (n->op != OpKind::Transpose || n->shape.size() != 2)
      return false;
    auto it = users_.find(n);
    if (it == users_.end())
      return false;
    for (const Node *user : it->second)
      if (user->op != OpKind::MatMul)
        return false;
    for (const Node *o : graph_.outputs())
      if (o == n)
        return false;
    return true;
  }

  // Step 3's limits, decided in node order: each node's operands are sized
  // (and possibly cut off) before the node itself.
  void capFusion() {
    for (const auto &node : graph_.nodes()) {
      const Node *n = node.get();
      if (!isElementwise(n))
        continue;
      FusedSize size{1, 0};
      std::vector<const Node *> inner;
      for (const Node *o : n->operands) {
        if (fused(o)) {
          size.nodes += sizes_[o].nodes;
          size.reads += sizes_[o].reads;
          inner.push_back(o);
        } else if (o->op != OpKind::Const) {
          size.reads += 1;
        }
      }
      while ((size.nodes > kMaxFusedNodes || size.reads > kMaxFusedReads) &&
             !inner.empty()) {
        auto largest = std::max_element(
            inner.begin(), inner.end(), [&](const Node *a, const Node *b) {
              return sizes_[a].nodes < sizes_[b].nodes;
            });
        size.nodes -= sizes_[*largest].nodes;
        size.reads -= sizes_[*largest].reads - 1; // now one buffer read
        cutOff_.insert(*largest);
        inner.erase(largest);
      }
      sizes_[n] = size;
    }
  }

  // Step 4: the root of the expression that consumes each matmul whose
  // one use is elementwise with the product's shape.
  void findEpilogues() {
    for (const auto &node : graph_.nodes()) {
      const Node *m = node.get();
      if (m->op != OpKind::MatMul || uses_[m] != 1)
        continue;
      auto u = users_.find(m);
      if (u == users_.end() || !isElementwise(u->second[0]) ||
          u->second[0]->shape != m->shape)
        continue;
      const Node *root = u->second[0];
      while (fused(root))
        root = users_.at(root)[0];
      if (epilogueOf_.count(root))
        continue; // one product per kernel: the other is stored
      epilogueOf_[root] = m;
      absorbed_.insert(m);
    }
  }

  bool fused(const Node *n) const {
    if (!isElementwise(n) || cutOff_.count(n) || n->op == OpKind::Boundary)
      return false;
    auto it = uses_.find(n);
    if (it == uses_.end() || it->second != 1)
      return false;
    auto u = users_.find(n);
    if (u == users_.end())
      return false; // the single use is as a graph output
    const Node *user = u->second[0];
    return isElementwise(user) && user->shape == n->shape;
  }

  bool materialised(const Node *n) const {
    Lowering l = ir::opInfo(n->op).lowering;
    if (l == Lowering::Leaf || isView(n))
      return false;
    if (foldedTranspose(n) || absorbed_.count(n))
      return false;
    return !fused(n);
  }

  int addBuffer(Buffer::Kind kind, int64_t index, const ir::Shape &shape,
                std::string name) {
    program_.buffers.push_back({kind, index, shape, std::move(name)});
    return static_cast<int>(program_.buffers.size() - 1);
  }

  /// The buffer holding `n`'s value (through views).
  int bufferFor(const Node *n) {
    n = viewSource(n);
    auto it = bufferOf_.find(n);
    if (it != bufferOf_.end())
      return it->second;
    // A constant read as a buffer (e.g. returned directly): materialise it.
    NNC_CHECK(n->op == OpKind::Const, "value read before its kernel");
    int buf = addBuffer(Buffer::Workspace, 0, n->shape, "const");
    bufferOf_[n] = buf;
    program_.kernels.push_back({Kernel::Elementwise, n, buf, {}});
    kernelOf_[n] = static_cast<int>(program_.kernels.size() - 1);
    return buf;
  }

  /// Collects the leaves of the fused expression rooted at `n`.
  void collectLeaves(const Node *n, bool isRoot, Kernel &k,
                     std::set<const Node *> &seen) {
    if (!isRoot && (!fused(n) || !isElementwise(n))) {
      if (n->op == OpKind::Const || seen.count(n))
        return;
      if (n == k.product) // computed by the kernel itself
        return;
      seen.insert(n);
      k.reads.emplace_back(n, bufferFor(n));
      return;
    }
    for (const Node *operand : n->operands)
      collectLeaves(operand, false, k, seen);
  }

  void matmulOperands(const Node *m, Kernel &k) {
    k.kind = Kernel::MatMul;
    k.product = m;
    for (int i = 0; i < 2; ++i) {
      const Node *operand = m->operands[i];
      bool trans = foldedTranspose(operand);
      if (trans)
        operand = operand->operands[0];
      (i == 0 ? k.transA : k.transB) = trans;
      k.reads.emplace_back(operand, bufferFor(operand));
    }
  }

  void lowerNode(const Node *n) {
    if (!materialised(n))
      return;
    if (!bufferOf_.count(n))
      bufferOf_[n] = addBuffer(Buffer::Workspace, 0, n->shape,
                               "t" + std::to_string(n->id));
    Kernel k;
    k.root = n;
    k.out = bufferOf_[n];
    switch (ir::opInfo(n->op).lowering) {
    case Lowering::Boundary: // the hooked variant's identity
    case Lowering::Elementwise: {
      auto e = epilogueOf_.find(n);
      if (e != epilogueOf_.end())
        matmulOperands(e->second, k);
      else
        k.kind = Kernel::Elementwise;
      std::set<const Node *> seen;
      collectLeaves(n, true, k, seen);
      break;
    }
    case Lowering::Matmul:
      matmulOperands(n, k);
      break;
    case Lowering::Reduce:
      k.kind = Kernel::Reduce;
      k.reads.emplace_back(n->operands[0], bufferFor(n->operands[0]));
      break;
    case Lowering::Permute:
      k.kind = Kernel::Transpose;
      k.reads.emplace_back(n->operands[0], bufferFor(n->operands[0]));
      break;
    default:
      NNC_CHECK(false, "no kernel for this op");
    }
    program_.kernels.push_back(std::move(k));
    kernelOf_[n] = static_cast<int>(program_.kernels.size() - 1);
  }

  const ir::Graph &graph_;
  const std::map<std::string, int64_t> &offsets_;
  const bool hooks_; ///< the hooked variant
  KernelProgram program_;
  std::map<const Node *, int> uses_;
  std::map<const Node *, std::vector<const Node *>> users_;
  std::map<const Node *, int> bufferOf_;
  std::map<const Node *, FusedSize> sizes_;
  std::set<const Node *> cutOff_; ///< materialised to bound fusion (step 3)
  /// The root of each kernel formed by lowerNode, and its index.
  std::unordered_map<const Node *, int> kernelOf_;
  /// Step 4: an expression's root and the product it is the epilogue of.
  std::map<const Node *, const Node *> epilogueOf_;
  std::set<const Node *> absorbed_; ///< products computed by their epilogue's kernel
  std::vector<int> outputBuffers_;
  size_t inputIndex_ = 0;
};

const char *kindName(Kernel::Kind k) {
  switch (k) {
  case Kernel::Elementwise:
    return "elementwise";
  case Kernel::MatMul:
    return "matmul";
  case Kernel::Reduce:
    return "reduce";
  case Kernel::Transpose:
    return "transpose";
  case Kernel::Copy:
    return "copy";
  case Kernel::Hook:
    return "hook";
  }
  return "?";
}

void printExpr(const Node *n, const Kernel &k, std::ostream &out) {
  if (n == k.product) {
    out << "product";
    return;
  }
  for (const auto &[leaf, buf] : k.reads)
    if (leaf == n) {
      out << "b" << buf;
      return;
    }
  if (n->op == OpKind::Const) {
    out << floatText(n->attrs.value); // all the digits, as in the IR
    return;
  }
  out << ir::opInfo(n->op).mnemonic << "(";
  for (size_t i = 0; i < n->operands.size(); ++i) {
    out << (i ? ", " : "");
    printExpr(n->operands[i], k, out);
  }
  out << ")";
}

} // namespace

KernelProgram lowerToKernels(const ir::Graph &graph,
                             const std::map<std::string, int64_t> &offsets) {
  return lowerToKernels(passes::stripBoundaries(graph), offsets);
}

KernelProgram lowerToKernels(passes::StrippedGraph stripped,
                             const std::map<std::string, int64_t> &offsets) {
  std::shared_ptr<const ir::Graph> owned = std::move(stripped.graph);
  KernelLowering lowering(*owned, offsets, false);
  KernelProgram program = lowering.run();
  for (const auto &[node, boundary] : stripped.boundaries) {
    BoundaryPlace p = lowering.place(node);
    p.boundary = boundary;
    program.boundaries.push_back(std::move(p));
  }
  program.graph = std::move(owned);
  return program;
}

KernelProgram lowerToKernelsWithHooks(const ir::Graph &graph,
                                      const std::map<std::string, int64_t> &offsets) {
  std::shared_ptr<const ir::Graph> owned = passes::eliminateDeadCode(graph);
  KernelLowering lowering(*owned, offsets, true);
  KernelProgram program = lowering.run();
  for (const auto &node : owned->nodes())
    if (node->op == OpKind::Boundary) {
      BoundaryPlace p = lowering.place(node.get());
      p.boundary = node->attrs.boundary;
      program.boundaries.push_back(std::move(p));
    }
  program.graph = std::move(owned);
  return program;
}

void printKernels(const KernelProgram &program, std::ostream &out) {
  static const char *kBufferKinds[] = {"input", "param", "output", "workspace"};
  for (size_t i = 0; i < program.buffers.size(); ++i) {
    const Buffer &b = program.buffers[i];
    out << "buffer b" << i << " " << kBufferKinds[b.kind] << " "
        << ir::shapeStr(b.shape) << " \"" << b.name << "\"";
    if (b.shares >= 0)
      out << " shares b" << b.shares;
    else if (b.kind == Buffer::Workspace)
      out << " at " << b.offset.str();
    out << "\n";
  }
  if (!program.workspaceElements.terms.empty())
    out << "workspace " << program.workspaceElements.str() << " elements\n";
  for (const Kernel &k : program.kernels) {
    if (k.kind == Kernel::Hook) {
      const HookPoint &p = program.hookPoints[static_cast<size_t>(k.hook)];
      const char *in = p.backward ? "grad_input" : "input";
      const char *res = p.backward ? "grad_output" : "output";
      out << "kernel hook " << (p.backward ? "backward " : "forward ")
          << (p.module.empty() ? "(model)" : p.module) << "#" << p.call;
      for (const HookTensor &t : p.inputs)
        out << " " << in << "." << t.index << "=b" << t.buffer;
      for (const HookTensor &t : p.outputs)
        out << " " << res << "." << t.index << "=b" << t.buffer;
      out << "\n";
      continue;
    }
    out << "kernel " << kindName(k.kind) << " -> b" << k.out;
    if (k.kind == Kernel::Elementwise) {
      out << " = ";
      printExpr(k.root, k, out);
    } else {
      for (const auto &[node, buf] : k.reads)
        out << " b" << buf;
      if (k.transA)
        out << " transA";
      if (k.transB)
        out << " transB";
      if (hasEpilogue(k)) {
        out << " then ";
        printExpr(k.root, k, out);
      }
      // Which reduction, over which axes: softmax has one of each.
      if (k.kind == Kernel::Reduce) {
        out << " " << ir::opInfo(k.root->op).mnemonic << " axes=[";
        for (size_t i = 0; i < k.root->attrs.axes.size(); ++i)
          out << (i ? ", " : "") << k.root->attrs.axes[i];
        out << "]";
      }
    }
    out << "\n";
  }
  for (const BoundaryPlace &p : program.boundaries) {
    out << "boundary " << p.boundary.str() << " " << ir::shapeStr(p.shape);
    switch (p.kind) {
    case BoundaryPlace::Stored:
      out << " in b" << p.buffer;
      break;
    case BoundaryPlace::Fused:
      out << " fused in kernel -> b" << program.kernels[p.kernel].out;
      break;
    case BoundaryPlace::Folded:
      out << " transpose of b" << p.buffer;
      break;
    case BoundaryPlace::Constant:
      out << " constant";
      break;
    }
    out << "\n";
  }
}

} // namespace nnc::codegen
