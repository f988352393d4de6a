//===- test_gpu_kernels.cpp - The GPU's kernels, run on the host ----------===//
//
// Without a GPU, the code of the CUDA backend is checked by running it on
// the host: gpu_kernels.cpp emits the same kernels with their thread
// indices as arguments (ThreadIndices::Arguments), the JIT compiles them
// for this CPU, and a launch loop calls each for every thread of a small
// grid (fewer threads than elements, so the grid-stride loop is taken),
// kernel after kernel over the program's buffers as the GPU runtime will.
// The outputs of every example's forward pass, training step and hooked
// variants are compared with the graph interpreter (in double).
//
//===----------------------------------------------------------------------===//
#include "codegen/cuda/gpu_kernels.h"
#include "codegen/cuda/gpu_update.h"
#include "../runtime/reference_update.h"
#include "driver/model_arena.h"
#include "driver/training.h"
#include "ir/interpreter.h"
#include "test_support.h"

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/Support/TargetSelect.h>

#include <cmath>
#include <cstring>
#include <map>
#include <random>

using namespace nnc;
using namespace nnc::test;

namespace {

using Call = void (*)(uint64_t *);

/// The program's non-hook kernels compiled for the host, each behind a
/// trampoline `void(uint64_t *arguments)` that unpacks one 8-byte slot per
/// argument (a pointer, a float in its low bytes, or an i64).
struct HostKernels {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::vector<Call> calls; ///< per kernel of the program; null for hooks
};

/// A trampoline `void(uint64_t *arguments)` for `fn` that unpacks one
/// 8-byte slot per argument (a pointer, a float in its low bytes, an i64).
std::string addTrampoline(llvm::Module &module, llvm::Function *fn) {
  llvm::LLVMContext &context = module.getContext();
  llvm::IRBuilder<> b(context);
  auto *type = llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy()}, false);
  std::string name = fn->getName().str() + ".call";
  auto *tramp = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module);
  b.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", tramp));
  std::vector<llvm::Value *> args;
  for (unsigned a = 0; a < fn->arg_size(); ++a) {
    llvm::Value *slot = b.CreateConstGEP1_64(b.getInt64Ty(), tramp->getArg(0), a);
    args.push_back(b.CreateLoad(fn->getArg(a)->getType(), slot));
  }
  b.CreateCall(fn, args);
  b.CreateRetVoid();
  return name;
}

/// `module` compiled for this CPU; the addresses of `names` ("" gives null).
HostKernels jitForHost(std::unique_ptr<llvm::Module> module,
                       std::unique_ptr<llvm::LLVMContext> context,
                       const std::vector<std::string> &names) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto jit = llvm::orc::LLJITBuilder().create();
  REQUIRE_MESSAGE(bool(jit), llvm::toString(jit.takeError()));
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  REQUIRE(bool(process));
  (*jit)->getMainJITDylib().addGenerator(std::move(*process));
  module->setDataLayout((*jit)->getDataLayout());
  REQUIRE(!(*jit)->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context))));
  HostKernels host;
  for (const std::string &name : names) {
    if (name.empty()) {
      host.calls.push_back(nullptr);
      continue;
    }
    auto address = (*jit)->lookup(name);
    REQUIRE_MESSAGE(bool(address), llvm::toString(address.takeError()));
    host.calls.push_back(address->toPtr<Call>());
  }
  host.jit = std::move(*jit);
  return host;
}

HostKernels compileForHost(const codegen::KernelProgram &program) {
  auto context = std::make_unique<llvm::LLVMContext>();
  auto module = std::make_unique<llvm::Module>("gpu_on_host", *context);
  std::vector<std::string> names;
  for (size_t k = 0; k < program.kernels.size(); ++k) {
    const codegen::Kernel &kernel = program.kernels[k];
    if (kernel.kind == codegen::Kernel::Hook) {
      names.push_back("");
      continue;
    }
    llvm::Function *fn = codegen::emitGpuKernel(*module, program, kernel,
                                                "kernel" + std::to_string(k),
                                                codegen::ThreadIndices::Arguments);
    names.push_back(addTrampoline(*module, fn));
  }
  return jitForHost(std::move(module), std::move(context), names);
}

/// Calls `call` with `args` and the thread indices appended, for every
/// thread of a grid of `blocks` blocks of `threads` threads, one by one.
void launchOnHost(Call call, std::vector<uint64_t> args, int64_t blocks, int64_t threads) {
  size_t indices = args.size();
  args.resize(indices + 4);
  for (int64_t block = 0; block < blocks; ++block)
    for (int64_t thread = 0; thread < threads; ++thread) {
      args[indices] = uint64_t(block);
      args[indices + 1] = uint64_t(threads);
      args[indices + 2] = uint64_t(thread);
      args[indices + 3] = uint64_t(blocks);
      call(args.data());
    }
}

uint64_t slotOf(float v) {
  uint64_t slot = 0;
  std::memcpy(&slot, &v, sizeof v);
  return slot;
}
uint64_t slotOf(const void *p) { return uint64_t(reinterpret_cast<uintptr_t>(p)); }

/// Runs `program` kernel by kernel, every thread of a grid of 3 blocks of
/// 32 threads in turn, with every symbol bound to `symbol`; returns the
/// outputs. `leaves` holds the inputs and parameters by name.
std::vector<std::vector<float>> runOnHost(const codegen::KernelProgram &program, int64_t symbol,
                                          std::map<std::string, ir::HostTensor> &leaves) {
  HostKernels host = compileForHost(program);
  std::map<std::string, int64_t> symbols;
  for (const std::string &s : program.symbols)
    symbols[s] = symbol;
  auto value = [&](const ir::Dim &d) {
    return *d.evaluate([&](const std::string &s) { return symbols.at(s); });
  };
  const ir::Graph &g = *program.graph;
  // Storage of every buffer (shared workspace buffers reuse their owner's).
  std::vector<std::vector<float>> storage(program.buffers.size());
  std::vector<float *> pointers(program.buffers.size(), nullptr);
  for (size_t i = 0; i < program.buffers.size(); ++i) {
    const codegen::Buffer &buf = program.buffers[i];
    int64_t numel = value(ir::numElements(buf.shape));
    if (buf.kind == codegen::Buffer::Workspace && buf.shares >= 0) {
      pointers[i] = pointers[size_t(buf.shares)];
      continue;
    }
    storage[i].assign(size_t(std::max<int64_t>(numel, 1)), NAN);
    pointers[i] = storage[i].data();
    const ir::Node *leaf = nullptr;
    if (buf.kind == codegen::Buffer::Input)
      leaf = g.inputs()[size_t(buf.index)];
    if (buf.kind == codegen::Buffer::Param)
      for (const ir::Node *p : g.params())
        if (buf.name == p->attrs.name)
          leaf = p;
    if (leaf)
      for (int64_t e = 0; e < numel; ++e)
        storage[i][size_t(e)] = float(leaves.at(leaf->attrs.name).data[size_t(e)]);
  }
  const int64_t blocks = 3, threads = 32;
  for (size_t k = 0; k < program.kernels.size(); ++k) {
    const codegen::Kernel &kernel = program.kernels[k];
    if (!host.calls[k])
      continue;
    std::vector<uint64_t> args = {slotOf(pointers[size_t(kernel.out)])};
    for (const auto &[node, buffer] : kernel.reads)
      args.push_back(slotOf(pointers[size_t(buffer)]));
    for (const ir::Node *c : codegen::kernelConstants(kernel))
      args.push_back(slotOf(float(c->attrs.value)));
    for (const std::string &s : program.symbols)
      args.push_back(uint64_t(symbols.at(s)));
    launchOnHost(host.calls[k], args, blocks, threads);
  }
  std::vector<std::vector<float>> outputs(g.outputs().size());
  for (size_t i = 0; i < program.buffers.size(); ++i) {
    const codegen::Buffer &buf = program.buffers[i];
    if (buf.kind != codegen::Buffer::Output)
      continue;
    int64_t numel = value(ir::numElements(buf.shape));
    outputs[size_t(buf.index)].assign(pointers[i], pointers[i] + numel);
  }
  return outputs;
}

/// Random leaves for every input and parameter of `g`.
std::map<std::string, ir::HostTensor> randomLeaves(const ir::Graph &g, int64_t symbol) {
  std::mt19937 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::map<std::string, ir::HostTensor> leaves;
  auto add = [&](const ir::Node *n) {
    std::map<std::string, int64_t> symbols;
    for (const ir::Dim &d : n->shape)
      for (const ir::Monomial &t : d.terms)
        for (const std::string &s : t.symbols)
          symbols[s] = symbol;
    ir::HostTensor t = ir::HostTensor::zeros(ir::concreteShape(n->shape, symbols));
    for (double &v : t.data) // float values, so that both sides start from the same numbers
      v = double(float(0.5 * normal(rng)));
    leaves[n->attrs.name] = t;
  };
  for (const ir::Node *n : g.inputs())
    add(n);
  for (const ir::Node *n : g.params())
    add(n);
  return leaves;
}

void checkProgram(const codegen::KernelProgram &program, const std::string &what) {
  const int64_t symbol = 3;
  std::map<std::string, ir::HostTensor> leaves = randomLeaves(*program.graph, symbol);
  std::map<std::string, int64_t> symbols;
  for (const std::string &s : program.symbols)
    symbols[s] = symbol;
  std::vector<ir::HostTensor> expected = ir::interpret(*program.graph, symbols, leaves);
  std::vector<std::vector<float>> actual = runOnHost(program, symbol, leaves);
  REQUIRE(actual.size() == expected.size());
  for (size_t o = 0; o < expected.size(); ++o) {
    double scale = 1e-6, worst = 0;
    for (double v : expected[o].data)
      scale = std::max(scale, std::fabs(v));
    REQUIRE(actual[o].size() == expected[o].data.size());
    for (size_t e = 0; e < actual[o].size(); ++e)
      worst = std::max(worst, std::fabs(double(actual[o][e]) - expected[o].data[e]) / scale);
    INFO(what << ", output " << o << ": largest error " << worst << " of the largest magnitude");
    CHECK(worst < 1e-4);
  }
}

} // namespace

TEST_CASE("GPU kernels: every example's programs, run on the host, match the interpreter") {
  ensureStdlibEnv();
  for (const ExampleModel &example : exampleModels()) {
    TempDir dir;
    auto c = compileFile(std::string(NNC_TEST_EXAMPLES_DIR) + "/" + example.file, example.model);
    REQUIRE_MESSAGE(c->model, c->printed.str());
    codegen::ModelPrograms programs =
        driver::lowerModel(*c->model, driver::layoutModelArena(*c->model));
    std::string name = std::string(example.file) + " " + example.model;
    checkProgram(programs.forward, name + " forward");
    checkProgram(programs.forwardHooked, name + " forward (hooked)");
    if (programs.training) {
      checkProgram(programs.training->evaluate, name + " evaluate");
      checkProgram(programs.training->trainStep, name + " train step");
      checkProgram(programs.trainingHooked->trainStep, name + " train step (hooked)");
    }
  }
}

TEST_CASE("GPU kernels: the optimizer update, run on the host, is nnrt_model.h's formula") {
  auto context = std::make_unique<llvm::LLVMContext>();
  auto module = std::make_unique<llvm::Module>("update_on_host", *context);
  llvm::Function *fn =
      codegen::emitGpuUpdate(*module, "update", codegen::ThreadIndices::Arguments);
  std::string name = addTrampoline(*module, fn);
  HostKernels host = jitForHost(std::move(module), std::move(context), {name});

  // SGD with momentum and Nesterov's direction, and Adam with AdamW's decay.
  nnc_update sgd{NNC_UPDATE_SGD, 0.1f, 0.01f, 1.0f, 0.9f, 0.8f, 0, 0, 1.0f, 0.9f, 1.0f, 0};
  nnc_update adam{NNC_UPDATE_ADAM, 0.002f, 0.0f, 0.999f, 0.9f, 0.1f, 0.999f, 0.001f, 0, 0,
                  0.0447f, 1e-8f};
  for (const nnc_update &u : {sgd, adam}) {
    const int64_t n = 100, begin = 10, end = 90;
    std::mt19937 rng(3);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> arena(n), state(3 * n);
    for (float &v : arena)
      v = normal(rng);
    for (int64_t i = 0; i < 2 * n; ++i)
      state[size_t(i)] = normal(rng);
    for (int64_t i = 2 * n; i < 3 * n; ++i) // the second moment is not negative
      state[size_t(i)] = std::fabs(normal(rng));
    std::vector<float> wantArena = arena, wantState = state;
    referenceUpdate(u, wantArena.data() + begin, wantState.data() + begin,
                    wantState.data() + n + begin, wantState.data() + 2 * n + begin,
                    size_t(end - begin));
    launchOnHost(host.calls[0],
                 {slotOf(arena.data()), slotOf(state.data()), slotOf(&u), uint64_t(n),
                  uint64_t(begin), uint64_t(end)},
                 2, 16);
    INFO("rule " << u.rule);
    for (int64_t i = 0; i < n; ++i) {
      bool inside = i >= begin && i < end;
      if (!inside) { // untouched, to the bit
        CHECK(arena[size_t(i)] == wantArena[size_t(i)]);
        continue;
      }
      CHECK(arena[size_t(i)] == doctest::Approx(wantArena[size_t(i)]).epsilon(1e-6));
      CHECK(state[size_t(n + i)] == doctest::Approx(wantState[size_t(n + i)]).epsilon(1e-6));
      CHECK(state[size_t(2 * n + i)] ==
            doctest::Approx(wantState[size_t(2 * n + i)]).epsilon(1e-6));
    }
  }
}
