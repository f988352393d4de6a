//===- test_parallel_kernels.cpp - Kernels split between threads ----------===//
//
// An elementwise kernel of at least 2^16 elements splits its rows between
// the threads of the call's context (emit_entry.cpp); every row must be
// computed exactly once, with broadcast operands read at the right rows,
// whatever the number of threads (more threads than rows included), and the
// bits must not depend on it.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/emit_llvm.h"
#include "driver/jit.h"
#include "ir/interpreter.h"
#include "test_support.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <cmath>
#include <random>

namespace nnc::test {
namespace {

using Forward = void (*)(const nnc_context *, const int64_t *, const float *,
                         const float *const *, float *const *, void *);
using WorkspaceFn = int64_t (*)(const nnc_context *, const int64_t *);

TEST_CASE("parallel kernels: rows of an elementwise kernel split between threads") {
  // y = relu(x * s + b) - x, with b broadcast along the rows and s along the
  // columns: one fused kernel over [R, C].
  std::string error;
  auto graph = ir::parseGraph("graph @g(R) {\n"
                              "  %0 = input \"x\" : f32[R, 131]\n"
                              "  %1 = input \"b\" : f32[131]\n"
                              "  %2 = input \"s\" : f32[R, 1]\n"
                              "  %3 = mul %0, %2 : f32[R, 131]\n"
                              "  %4 = add %3, %1 : f32[R, 131]\n"
                              "  %5 = relu %4 : f32[R, 131]\n"
                              "  %6 = sub %5, %0 : f32[R, 131]\n"
                              "  return %6\n}\n",
                              error);
  INFO(error);
  REQUIRE(graph);
  codegen::KernelProgram program = codegen::lowerToKernels(*graph, {});
  REQUIRE(program.kernels.size() == 1);
  REQUIRE(codegen::rowParallel(program.kernels[0]));
  std::unique_ptr<llvm::TargetMachine> machine = codegen::hostTargetMachine(error);
  REQUIRE(machine);
  auto context = std::make_unique<llvm::LLVMContext>();
  auto module = codegen::emitModule(program, nullptr, "{}", *context,
                                    codegen::cpuTarget(*machine));
  codegen::optimizeModule(*module, *machine);
  auto jit = driver::JitModel::create(std::move(module), std::move(context), error);
  INFO(error);
  REQUIRE(jit);
  auto forward = reinterpret_cast<Forward>(jit->code().forward);
  auto workspace = reinterpret_cast<WorkspaceFn>(jit->code().workspace);

  PoolContext two(2), three(3), seven(7);
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> dist(-1, 1);
  // 600 rows: 78,600 elements, split; 7 rows: below the threshold, alone.
  for (int64_t rows : {int64_t(600), int64_t(7)}) {
    std::vector<float> x(static_cast<size_t>(rows * 131)), b(131), s(static_cast<size_t>(rows));
    for (float &v : x)
      v = dist(rng);
    for (float &v : b)
      v = dist(rng);
    for (float &v : s)
      v = dist(rng);
    auto run = [&](const nnc_context *ctx) {
      std::vector<float> y(x.size(), std::nanf(""));
      int64_t dims[1] = {rows};
      std::vector<double> ws(static_cast<size_t>(workspace(ctx, dims)) / 8 + 16);
      void *aligned = reinterpret_cast<void *>(
          (reinterpret_cast<uintptr_t>(ws.data()) + 63) & ~uintptr_t(63));
      const float *in[3] = {x.data(), b.data(), s.data()};
      float *out[1] = {y.data()};
      float arena[1] = {0};
      forward(ctx, dims, arena, in, out, aligned);
      return y;
    };
    std::vector<float> alone = run(nullptr);
    std::map<std::string, ir::HostTensor> leaves = {
        {"x", {{rows, 131}, std::vector<double>(x.begin(), x.end())}},
        {"b", {{131}, std::vector<double>(b.begin(), b.end())}},
        {"s", {{rows, 1}, std::vector<double>(s.begin(), s.end())}}};
    std::vector<ir::HostTensor> want = ir::interpret(*graph, {{"R", rows}}, leaves);
    int wrong = 0;
    for (size_t i = 0; i < alone.size(); ++i)
      if (!(std::fabs(alone[i] - want[0].data[i]) <= 1e-6) && ++wrong <= 3)
        FAIL_CHECK("element " << i << ": " << alone[i] << ", reference " << want[0].data[i]);
    for (const PoolContext *pool : {&two, &three, &seven}) {
      INFO(rows << " rows on " << pool->context.threads << " threads");
      CHECK(run(&pool->context) == alone);
    }
  }
}

} // namespace
} // namespace nnc::test
