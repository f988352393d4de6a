//===- plan_memory.cpp - Workspace buffers that share memory --------------===//
//
// A workspace buffer lives from the kernel that writes it to the last kernel
// that reads it (a Hook kernel reads the tensors it gives the hooks). Walking the kernels in order, a buffer about to be written
// takes the memory of an earlier buffer of the same element count whose last
// reader has run (a free list per size), and a buffer's memory is freed once
// its last reader has run, after that kernel's output has been placed: a
// kernel never writes where it reads, so its `noalias` arguments stay true.
// Sizes are polynomials of the symbols, compared exactly, so the sharing
// holds for every value of the symbols.
//
// The buffers that own their memory are then placed one after the other, in
// buffer order. Their offsets are polynomials too, decided here once rather
// than by each backend: the generated code only evaluates them.
//
//===----------------------------------------------------------------------===//
#include "codegen/kernel/kernels.h"

#include <algorithm>
#include <map>
#include <set>

namespace nnc::codegen {

void planWorkspace(KernelProgram &program) {
  const size_t n = program.buffers.size();
  std::vector<int> writer(n, -1), lastUse(n, -1);
  for (size_t k = 0; k < program.kernels.size(); ++k) {
    const Kernel &kernel = program.kernels[k];
    int out = kernel.out;
    if (out >= 0) {
      if (writer[static_cast<size_t>(out)] < 0)
        writer[static_cast<size_t>(out)] = static_cast<int>(k);
      lastUse[static_cast<size_t>(out)] = static_cast<int>(k);
    }
    for (const auto &[node, buffer] : kernel.reads)
      lastUse[static_cast<size_t>(buffer)] = static_cast<int>(k);
  }
  auto isWorkspace = [&](int b) {
    return program.buffers[static_cast<size_t>(b)].kind == Buffer::Workspace;
  };
  auto owner = [&](int b) {
    int shares = program.buffers[static_cast<size_t>(b)].shares;
    return shares >= 0 ? shares : b;
  };
  std::map<ir::Dim, std::vector<int>> free; // by size: owners whose memory is free
  for (size_t k = 0; k < program.kernels.size(); ++k) {
    const Kernel &kernel = program.kernels[k];
    int out = kernel.out;
    if (out >= 0 && isWorkspace(out) && writer[static_cast<size_t>(out)] == static_cast<int>(k)) {
      std::vector<int> &same = free[ir::numElements(program.buffers[static_cast<size_t>(out)].shape)];
      if (!same.empty()) {
        program.buffers[static_cast<size_t>(out)].shares = same.back();
        same.pop_back();
      }
    }
    std::set<int> done;
    auto release = [&](int b) {
      if (isWorkspace(b) && lastUse[static_cast<size_t>(b)] == static_cast<int>(k) &&
          done.insert(b).second)
        free[ir::numElements(program.buffers[static_cast<size_t>(b)].shape)].push_back(owner(b));
    };
    for (const auto &[node, buffer] : kernel.reads)
      release(buffer);
    if (out >= 0)
      release(out);
  }
  // A buffer begins at its offset rounded up to the alignment, at most
  // kWorkspaceAlign - 1 elements later, unless every coefficient of the
  // offset is a multiple of the alignment: then the offset is one for
  // every value of the symbols. So the next offset leaves room for the
  // rounding only where there may be some, and the offsets of a model whose
  // widths are multiples of 16 are exact.
  auto aligned = [](const ir::Dim &d) {
    return std::all_of(d.terms.begin(), d.terms.end(), [](const ir::Monomial &t) {
      return t.coeff % kWorkspaceAlign == 0;
    });
  };
  ir::Dim next = ir::Dim::constant(0);
  for (Buffer &b : program.buffers)
    if (b.kind == Buffer::Workspace && b.shares < 0) {
      b.offset = next;
      next = next + ir::numElements(b.shape);
      if (!aligned(b.offset))
        next = next + ir::Dim::constant(kWorkspaceAlign - 1);
    }
  program.workspaceElements = next;
}

int64_t alignWorkspaceOffset(int64_t elements) {
  return (elements + kWorkspaceAlign - 1) / kWorkspaceAlign * kWorkspaceAlign;
}

} // namespace nnc::codegen
