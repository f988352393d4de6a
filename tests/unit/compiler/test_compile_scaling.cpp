//===- test_compile_scaling.cpp - Compile work grows linearly -------------===//
//
// A chain of n elementwise ops with a train block once took O(n^1.5) to
// compile and more (every kernel inlined into one entry function). These
// tests count work, not time: the training-step graph, the kernels, the
// distinct kernels and the LLVM instructions emitted, at n and at 4n.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/emit_llvm.h"
#include "driver/model_arena.h"
#include "driver/training.h"
#include "test_support.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <set>

namespace nnc::test {
namespace {

/// `h = tanh(h * w)` n times (w a parameter, so every step has gradients
/// to carry back), and a sum of n scaled terms, each with its own
/// constant.
std::string chainModel(int n, bool constants) {
  std::string body = "        h = x\n";
  for (int i = 0; i < n; ++i)
    body += constants ? "        h = h + x * " + std::to_string(i) + ".5\n"
                      : "        h = tanh(h * w)\n";
  return "module Chain {\n"
         "    param w: [4] = randn()\n"
         "    forward(x: [B, 4]) -> [B, 4] {\n" +
         body +
         "        return h * w\n"
         "    }\n"
         "}\n"
         "model Chain()\n"
         "train {\n"
         "    loss = mse(output, target)\n"
         "}\n";
}

struct Work {
  size_t graphNodes = 0;    ///< nodes of the training-step graph
  size_t kernels = 0;       ///< kernels of the three entry points
  size_t distinct = 0;      ///< distinct kernels (one function each)
  size_t instructions = 0;  ///< LLVM instructions emitted, before O3
  int largestFusion = 0;    ///< reads of the largest elementwise kernel
};

Work measure(int n, bool constants) {
  TempDir dir;
  auto c = compileText(dir, chainModel(n, constants));
  REQUIRE_MESSAGE(c->model, c->printed.str());
  codegen::ArenaLayout arena = driver::layoutModelArena(*c->model);
  codegen::KernelProgram forward = codegen::lowerToKernels(*c->model->graph, arena.byName);
  codegen::TrainingCode training = driver::lowerTraining(*c->model, arena);
  Work work;
  work.graphNodes = training.trainStep.graph->nodes().size();
  std::set<codegen::KernelKey> keys;
  for (const codegen::KernelProgram *p :
       {&forward, &training.evaluate, &training.trainStep})
    for (const codegen::Kernel &k : p->kernels) {
      ++work.kernels;
      keys.insert(codegen::kernelKey(*p, k));
      if (k.kind == codegen::Kernel::Elementwise)
        work.largestFusion =
            std::max(work.largestFusion, static_cast<int>(k.reads.size()));
    }
  work.distinct = keys.size();
  llvm::LLVMContext context;
  auto module = codegen::emitModule(forward, &training, "{}", context, codegen::CpuTarget{});
  for (const llvm::Function &fn : *module)
    work.instructions += fn.getInstructionCount();
  return work;
}

void checkLinear(bool constants) {
  Work small = measure(50, constants), large = measure(200, constants);
  INFO("graph nodes " << small.graphNodes << " -> " << large.graphNodes
                      << ", kernels " << small.kernels << " -> " << large.kernels
                      << ", distinct " << small.distinct << " -> " << large.distinct
                      << ", instructions " << small.instructions << " -> "
                      << large.instructions);
  // Four times the ops: at most a little over four times the graph and
  // the kernels, and the code hardly grows: the chain's kernels repeat
  // (a few more shapes of cut appear), and the schedule is data.
  CHECK(large.graphNodes <= 4.2 * small.graphNodes);
  CHECK(large.kernels <= 4.2 * small.kernels);
  CHECK(large.distinct <= small.distinct + 4);
  CHECK(large.instructions <= 1.5 * small.instructions);
  CHECK(large.largestFusion <= 32);
}

TEST_CASE("compile scaling: a chain of ops with a parameter grows linearly") {
  checkLinear(false);
}

TEST_CASE("compile scaling: a chain with a different constant per op shares kernels") {
  checkLinear(true);
}

} // namespace
} // namespace nnc::test
