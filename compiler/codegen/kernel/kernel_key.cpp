//===- kernel_key.cpp - What a kernel's code depends on -------------------===//
//
// The key lists everything the code of a kernel is derived from: the
// element type and the symbols (the function's signature), the kind, the
// root's op, shape and attributes, the shapes of the buffers it reads, and
// for an elementwise kernel its fused expression in preorder, leaves named
// by their position among the reads and constants by their position among
// the kernel's constants. Which buffers and which constant values those are
// is left out: they are the function's arguments.
//
//===----------------------------------------------------------------------===//
#include "codegen/kernel/kernels.h"

#include <algorithm>
#include <cstring>

namespace nnc::codegen {
namespace {

uint64_t bitsOf(double value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

int readIndex(const Kernel &kernel, const ir::Node *n) {
  if (n == kernel.product)
    return kProductLeaf;
  for (size_t i = 0; i < kernel.reads.size(); ++i)
    if (kernel.reads[i].first == n)
      return static_cast<int>(i);
  return -1;
}

/// Visits the fused expression (or epilogue) in preorder, with an explicit
/// stack: a node that is a read, the product or a constant is a leaf; the
/// others have their operands in the expression (lowering's step 3 bounds
/// its size).
template <typename Visit>
void forEachInPreorder(const Kernel &kernel, Visit visit) {
  std::vector<std::pair<const ir::Node *, bool>> pending{{kernel.root, true}};
  while (!pending.empty()) {
    auto [n, isRoot] = pending.back();
    pending.pop_back();
    int leaf = isRoot ? -1 : readIndex(kernel, n);
    visit(n, leaf);
    if (leaf != -1 || n->op == ir::OpKind::Const)
      continue;
    for (size_t i = n->operands.size(); i-- > 0;)
      pending.push_back({n->operands[i], false});
  }
}

bool hasExpression(const Kernel &kernel) {
  return kernel.kind == Kernel::Elementwise || hasEpilogue(kernel);
}

} // namespace

bool hasEpilogue(const Kernel &kernel) {
  return kernel.kind == Kernel::MatMul && kernel.root != kernel.product;
}

std::vector<const ir::Node *> kernelConstants(const Kernel &kernel) {
  std::vector<const ir::Node *> constants;
  if (!hasExpression(kernel))
    return constants;
  forEachInPreorder(kernel, [&](const ir::Node *n, int leaf) {
    if (leaf < 0 && n->op == ir::OpKind::Const &&
        std::find(constants.begin(), constants.end(), n) == constants.end())
      constants.push_back(n);
  });
  return constants;
}

namespace {

std::vector<KernelKey::Step> expressionSteps(const Kernel &kernel) {
  std::vector<const ir::Node *> constants = kernelConstants(kernel);
  std::vector<KernelKey::Step> steps;
  forEachInPreorder(kernel, [&](const ir::Node *n, int leaf) {
    KernelKey::Step step;
    step.op = static_cast<int>(n->op);
    step.shape = n->shape;
    step.leaf = leaf;
    if (leaf < 0 && n->op == ir::OpKind::Const)
      step.constant = static_cast<int>(
          std::find(constants.begin(), constants.end(), n) - constants.begin());
    steps.push_back(std::move(step));
  });
  return steps;
}

} // namespace

bool rowParallel(const Kernel &kernel) {
  return kernel.kind == Kernel::Elementwise && !kernel.root->shape.empty();
}

KernelKey kernelKey(const KernelProgram &program, const Kernel &kernel) {
  KernelKey key;
  key.element = program.element;
  key.symbols = program.symbols;
  key.kind = static_cast<int>(kernel.kind);
  key.transA = kernel.transA;
  key.transB = kernel.transB;
  key.op = static_cast<int>(kernel.root->op);
  key.shape = kernel.root->shape;
  key.axes = kernel.root->attrs.axes;
  key.keepdim = kernel.root->attrs.keepdim;
  for (const auto &[node, buffer] : kernel.reads)
    key.reads.push_back(node->shape);
  if (hasExpression(kernel))
    key.expr = expressionSteps(kernel);
  if (kernel.kind == Kernel::Copy && kernel.reads[0].first->op == ir::OpKind::Const)
    key.copiedConstant = bitsOf(kernel.reads[0].first->attrs.value);
  return key;
}

} // namespace nnc::codegen
