//===- plan_memory.cpp - Workspace buffers that share memory --------------===//
//
// A workspace buffer lives from the kernel that writes it to the last kernel
// that reads it. Walking the kernels in order, a buffer about to be written
// takes the memory of an earlier buffer of the same element count whose last
// reader has run (a free list per size), and a buffer's memory is freed once
// its last reader has run, after that kernel's output has been placed: a
// kernel never writes where it reads, so its `noalias` arguments stay true.
// Sizes are monomials of the symbols, compared exactly, so the sharing holds
// for every value of the symbols.
//
//===----------------------------------------------------------------------===//
#include "codegen/kernel/kernels.h"

#include <map>
#include <set>

namespace nnc::codegen {

void planWorkspace(KernelProgram &program) {
  const size_t n = program.buffers.size();
  std::vector<int> writer(n, -1), lastUse(n, -1);
  for (size_t k = 0; k < program.kernels.size(); ++k) {
    const Kernel &kernel = program.kernels[k];
    int out = kernel.out;
    if (writer[static_cast<size_t>(out)] < 0)
      writer[static_cast<size_t>(out)] = static_cast<int>(k);
    lastUse[static_cast<size_t>(out)] = static_cast<int>(k);
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
    if (isWorkspace(out) && writer[static_cast<size_t>(out)] == static_cast<int>(k)) {
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
    release(out);
  }
}

int64_t workspaceElements(const KernelProgram &program,
                          const std::map<std::string, int64_t> &symbols) {
  int64_t total = 0;
  for (const Buffer &b : program.buffers)
    if (b.kind == Buffer::Workspace && b.shares < 0) {
      ir::Dim d = ir::numElements(b.shape);
      int64_t count = d.coeff;
      for (const std::string &s : d.symbols)
        count *= symbols.at(s);
      total += count;
    }
  return total;
}

} // namespace nnc::codegen
