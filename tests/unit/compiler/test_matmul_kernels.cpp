//===- test_matmul_kernels.cpp - The packed matrix product against the oracle //
//
// The CPU back end's matrix product (codegen/cpu/emit_gemm.cpp) packs its
// operands into tiles of mr x nr and blocks of mc, kc and nc. Every edge of
// that blocking is a place for an off-by-one: rows and columns that are not
// a multiple of the tile, sums longer than one block of K, more columns
// than one panel of B, one row (the loops without packing), transposed
// operands. Each is compiled in float32 and float64 for each vector width
// (AVX-512 where this machine has it, AVX2, SSE2: each its own tiling), and
// checked against the reference interpreter on random data.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/emit_gemm.h"
#include "codegen/cpu/emit_llvm.h"
#include "driver/jit.h"
#include "ir/interpreter.h"
#include "test_support.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <cmath>
#include <cstring>
#include <array>
#include <optional>
#include <random>
#include <set>
#include <tuple>

namespace nnc::test {
namespace {

using WorkspaceFn = int64_t (*)(const nnc_context *, const int64_t *);

/// C[M, N] = op(a) op(b) with symbolic M, N, K, compiled once per layout.
struct CompiledMatMul {
  std::unique_ptr<ir::Graph> graph;
  std::unique_ptr<driver::JitModel> jit;
  std::vector<std::string> symbols; ///< the order of dims
  bool f64 = false;
  bool transA = false, transB = false;
  void *forward = nullptr;
  WorkspaceFn workspaceSize = nullptr;
};

std::unique_ptr<llvm::TargetMachine> targetMachine(const std::string &cpu) {
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine = codegen::cpuTargetMachine(cpu, error);
  INFO(error);
  REQUIRE(machine);
  return machine;
}

/// The CPUs whose code runs here, one per vector width.
std::vector<std::string> testedCpus() {
  std::vector<std::string> cpus = {"x86-64", "x86-64-v3"};
  if (codegen::cpuTarget(*targetMachine("native")).vectorBits == 512)
    cpus.push_back("native");
  return cpus;
}

/// With `sizes`, M, N and K are these constants (the scratch is then sized
/// from them), else symbols.
CompiledMatMul compileMatMul(bool transA, bool transB, bool f64,
                             const std::string &cpu = "native",
                             std::optional<std::array<int64_t, 3>> sizes = std::nullopt) {
  CompiledMatMul c;
  c.f64 = f64;
  c.transA = transA;
  c.transB = transB;
  std::string text = "graph @g(M, N, K) {\n";
  text += transA ? "  %0 = input \"a\" : f32[K, M]\n" : "  %0 = input \"a\" : f32[M, K]\n";
  text += transB ? "  %1 = input \"b\" : f32[N, K]\n" : "  %1 = input \"b\" : f32[K, N]\n";
  std::string a = "%0", b = "%1";
  int next = 2;
  if (transA) {
    text += "  %2 = transpose %0 {perm = [1, 0]} : f32[M, K]\n";
    a = "%2";
    next = 3;
  }
  if (transB) {
    text += "  %" + std::to_string(next) + " = transpose %1 {perm = [1, 0]} : f32[K, N]\n";
    b = "%" + std::to_string(next++);
  }
  text += "  %" + std::to_string(next) + " = matmul " + a + ", " + b + " : f32[M, N]\n";
  text += "  return %" + std::to_string(next) + "\n}\n";
  if (sizes) {
    text.replace(text.find("(M, N, K)"), 9, "()");
    for (auto [name, value] : {std::pair{'M', (*sizes)[0]}, {'N', (*sizes)[1]}, {'K', (*sizes)[2]}})
      for (size_t at; (at = text.find(std::string(1, name) + ",")) != std::string::npos ||
                      (at = text.find(std::string(1, name) + "]")) != std::string::npos;)
        text.replace(at, 1, std::to_string(value));
  }
  std::string error;
  c.graph = ir::parseGraph(text, error);
  INFO(text << error);
  REQUIRE(c.graph);
  codegen::KernelProgram program = codegen::lowerToKernels(*c.graph, {});
  REQUIRE(program.kernels.size() == 1);
  REQUIRE(program.kernels[0].kind == codegen::Kernel::MatMul);
  CHECK(program.kernels[0].transA == transA);
  CHECK(program.kernels[0].transB == transB);
  if (f64)
    program.element = ir::DType::F64;
  c.symbols = program.symbols;
  std::unique_ptr<llvm::TargetMachine> machine = targetMachine(cpu);
  auto context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module = codegen::emitModule(
      program, nullptr, "{}", *context, codegen::cpuTarget(*machine));
  codegen::optimizeModule(*module, *machine);
  c.jit = driver::JitModel::create(std::move(module), std::move(context), error);
  INFO(error);
  REQUIRE(c.jit);
  c.forward = reinterpret_cast<void *>(c.jit->code().forward);
  c.workspaceSize = reinterpret_cast<WorkspaceFn>(c.jit->code().workspace);
  REQUIRE(bool(c.forward));
  REQUIRE(bool(c.workspaceSize));
  return c;
}

/// Runs the compiled product on `a` and `b` (stored as the layout says),
/// on the threads of `context` (null: the calling thread).
template <typename T>
std::vector<double> runAs(const CompiledMatMul &c, int64_t M, int64_t N, int64_t K,
                          const std::vector<double> &a, const std::vector<double> &b,
                          const nnc_context *context) {
  std::map<std::string, int64_t> bound = {{"M", M}, {"N", N}, {"K", K}};
  std::vector<int64_t> dims;
  for (const std::string &s : c.symbols)
    dims.push_back(bound.at(s));
  std::vector<T> at(a.begin(), a.end()), bt(b.begin(), b.end());
  // NaN where the product must write: a result left unwritten shows.
  std::vector<T> out(static_cast<size_t>(M * N), std::numeric_limits<T>::quiet_NaN());
  int64_t bytes = c.workspaceSize(context, dims.data());
  REQUIRE(bytes >= 0);
  // A guard of 1 KiB past the workspace: the product must not write there.
  std::vector<unsigned char> workspace(static_cast<size_t>(bytes) + 64 + 1024, 0xA5);
  auto *aligned = reinterpret_cast<unsigned char *>(
      (reinterpret_cast<uintptr_t>(workspace.data()) + 63) & ~uintptr_t(63));
  const T *inputs[2] = {at.data(), bt.data()};
  T *outputs[1] = {out.data()};
  T arena[1] = {0};
  using Forward = void (*)(const nnc_context *, const int64_t *, const T *, const T *const *,
                           T *const *, void *);
  reinterpret_cast<Forward>(c.forward)(context, dims.data(), arena, inputs, outputs, aligned);
  for (size_t i = 0; i < 1024; ++i)
    if (aligned[static_cast<size_t>(bytes) + i] != 0xA5) {
      FAIL_CHECK("the product wrote past its workspace of " << bytes << " bytes");
      break;
    }
  return std::vector<double>(out.begin(), out.end());
}

std::vector<double> run(const CompiledMatMul &c, int64_t M, int64_t N, int64_t K,
                        const std::vector<double> &a, const std::vector<double> &b,
                        const nnc_context *context = nullptr) {
  return c.f64 ? runAs<double>(c, M, N, K, a, b, context)
               : runAs<float>(c, M, N, K, a, b, context);
}

std::vector<double> randomValues(size_t n, std::mt19937 &rng, bool f64) {
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  std::vector<double> v(n);
  for (double &x : v)
    x = f64 ? dist(rng) : static_cast<double>(static_cast<float>(dist(rng)));
  return v;
}

void checkShape(const CompiledMatMul &c, int64_t M, int64_t N, int64_t K, std::mt19937 &rng) {
  std::vector<double> a = randomValues(static_cast<size_t>(M * K), rng, c.f64);
  std::vector<double> b = randomValues(static_cast<size_t>(K * N), rng, c.f64);
  std::vector<double> got = run(c, M, N, K, a, b);
  std::map<std::string, ir::HostTensor> leaves;
  leaves["a"] = {c.transA ? std::vector<int64_t>{K, M} : std::vector<int64_t>{M, K}, a};
  leaves["b"] = {c.transB ? std::vector<int64_t>{N, K} : std::vector<int64_t>{K, N}, b};
  std::vector<ir::HostTensor> want =
      ir::interpret(*c.graph, {{"M", M}, {"N", N}, {"K", K}}, leaves);
  REQUIRE(want.size() == 1);
  // Each term is at most 1 in magnitude: a sum of K of them rounds by at
  // most about K ulps of its largest partial sum.
  double tolerance = static_cast<double>(K + 1) * (c.f64 ? 1e-15 : 1e-7) * 4;
  int wrong = 0;
  for (size_t i = 0; i < got.size(); ++i)
    if (!(std::fabs(got[i] - want[0].data[i]) <= tolerance) && ++wrong <= 3)
      FAIL_CHECK("M=" << M << " N=" << N << " K=" << K << " transA=" << c.transA
                      << " transB=" << c.transB << " f64=" << c.f64 << ": C[" << i / N
                      << ", " << i % N << "] = " << got[i] << ", reference "
                      << want[0].data[i]);
  CHECK(wrong == 0);
}

TEST_CASE("matmul kernels: tile edges, blocks and layouts against the interpreter") {
  for (const std::string &cpu : testedCpus())
  for (bool f64 : {false, true}) {
    INFO("--target-cpu " << cpu);
    codegen::GemmTiling t =
        codegen::gemmTiling(codegen::cpuTarget(*targetMachine(cpu)).vectorBits, f64);
    const int64_t mr = t.mr, nr = t.nr;
    // Few rows (no packing: one, two, and groups of rows of A with their
    // remainders), the first packed size of each layout, a tile and one
    // more, two blocks of mc and a part, ...
    std::set<int64_t> rowSet = {1, 2, 4, 7, t.minRows - 1, t.minRows, mr - 1, mr, mr + 1,
                                t.minRowsTransB - 1, t.minRowsTransB, t.mc + mr + 3};
    const std::vector<int64_t> rows(rowSet.begin(), rowSet.end());
    const std::vector<int64_t> cols = {1, 10, nr - 1, nr, nr + 1, 3 * nr + 5};
    const std::vector<int64_t> depths = {1, 7, t.kc, t.kc + 1, 2 * t.kc + 37};
    for (bool transA : {false, true})
      for (bool transB : {false, true}) {
        CompiledMatMul c = compileMatMul(transA, transB, f64, cpu);
        std::mt19937 rng(static_cast<unsigned>(17 + transA * 2 + transB));
        for (int64_t M : rows)
          for (int64_t N : cols)
            for (int64_t K : depths)
              checkShape(c, M, N, K, rng);
        // More columns than one panel of packed B.
        checkShape(c, mr + 2, t.nc + nr + 3, 5, rng);
      }
  }
}

TEST_CASE("matmul kernels: a row of C does not depend on the rows around it") {
  // Every element is one sum over K in one order, whatever the tiling cuts:
  // so threads that split the rows cannot change a result.
  CompiledMatMul c = compileMatMul(false, true, false);
  codegen::GemmTiling t =
      codegen::gemmTiling(codegen::cpuTarget(*targetMachine("native")).vectorBits, false);
  std::mt19937 rng(5);
  // Enough rows to be packed, as the rows of the big product are.
  const int64_t M = t.packedFrom(false, true) + 3;
  const int64_t N = 70, K = 2 * t.kc + 9, many = t.mc + M + t.mr;
  std::vector<double> a = randomValues(static_cast<size_t>(many * K), rng, false);
  std::vector<double> b = randomValues(static_cast<size_t>(N * K), rng, false);
  std::vector<double> all = run(c, many, N, K, a, b);
  for (int64_t first : {int64_t(0), int64_t(t.mr) - 1, t.mc - 1}) {
    std::vector<double> part(a.begin() + first * K, a.begin() + (first + M) * K);
    std::vector<double> some = run(c, M, N, K, part, b);
    for (int64_t i = 0; i < M * N; ++i)
      if (some[static_cast<size_t>(i)] != all[static_cast<size_t>(first * N + i)]) {
        FAIL_CHECK("row " << first + i / N << " column " << i % N << ": " << some[static_cast<size_t>(i)]
                          << " alone, " << all[static_cast<size_t>(first * N + i)] << " among "
                          << many << " rows");
        break;
      }
  }
}

TEST_CASE("matmul kernels: every thread count gives the same bits") {
  // The product is cut into one part per thread, by columns or by rows;
  // each element is still one sum in one order. So is a product of few
  // rows, whose plain loops are cut by columns.
  PoolContext two(2), three(3), five(5);
  for (bool transA : {false, true})
    for (bool transB : {false, true}) {
      CompiledMatMul c = compileMatMul(transA, transB, false);
      std::mt19937 rng(3);
      // Wide (cut by columns), narrow (by rows), and both ragged.
      for (auto [M, N, K] : {std::tuple<int64_t, int64_t, int64_t>{70, 300, 300},
                             {301, 20, 129}, {97, 97, 600}, {5, 2100, 64},
                             // Fewer rows than packing pays for (a batch of one).
                             {1, 300, 784}, {3, 2100, 64}, {20, 300, 784}}) {
        std::vector<double> a = randomValues(static_cast<size_t>(M * K), rng, false);
        std::vector<double> b = randomValues(static_cast<size_t>(K * N), rng, false);
        std::vector<double> alone = run(c, M, N, K, a, b);
        for (const PoolContext *pool : {&two, &three, &five}) {
          INFO("M=" << M << " N=" << N << " K=" << K << " transA=" << transA
                    << " transB=" << transB << " threads=" << pool->context.threads);
          CHECK(run(c, M, N, K, a, b, &pool->context) == alone);
        }
      }
    }
}

TEST_CASE("matmul kernels: shapes known when compiling get a scratch of their size") {
  // The scratch holds no more of each operand than its shape needs; every
  // block boundary must still fit, on one thread and on three.
  PoolContext three(3);
  std::string error;
  codegen::GemmTiling t = codegen::gemmTiling(
      codegen::cpuTarget(*targetMachine("native")).vectorBits, false);
  std::mt19937 rng(23);
  for (auto [M, N, K] : {std::array<int64_t, 3>{5, 10, 7}, {t.mr + 1, t.nr + 1, t.kc + 1},
                         {t.mc + 5, 3 * t.nr + 2, 2 * t.kc + 3}, {13, t.nc + t.nr + 1, 9},
                         {97, 300, 784}})
    for (bool transA : {false, true})
      for (bool transB : {false, true}) {
        CompiledMatMul c = compileMatMul(transA, transB, false, "native",
                                         std::array<int64_t, 3>{M, N, K});
        INFO("M=" << M << " N=" << N << " K=" << K << " transA=" << transA
                  << " transB=" << transB);
        std::vector<double> a = randomValues(static_cast<size_t>(M * K), rng, false);
        std::vector<double> b = randomValues(static_cast<size_t>(K * N), rng, false);
        std::vector<double> alone = run(c, M, N, K, a, b);
        CHECK(run(c, M, N, K, a, b, &three.context) == alone);
        std::map<std::string, ir::HostTensor> leaves;
        leaves["a"] = {transA ? std::vector<int64_t>{K, M} : std::vector<int64_t>{M, K}, a};
        leaves["b"] = {transB ? std::vector<int64_t>{N, K} : std::vector<int64_t>{K, N}, b};
        std::vector<ir::HostTensor> want = ir::interpret(*c.graph, {}, leaves);
        double tolerance = static_cast<double>(K + 1) * 4e-7;
        int wrong = 0;
        for (size_t i = 0; i < alone.size(); ++i)
          if (!(std::fabs(alone[i] - want[0].data[i]) <= tolerance))
            ++wrong;
        CHECK(wrong == 0);
      }
}

/// relu(op(a) op(b) + bias) + r: the product's epilogue reads a broadcast
/// row (bias[N]) and a whole matrix (r[M, N]).
CompiledMatMul compileEpilogue(bool transA, bool transB, bool f64, const std::string &cpu) {
  CompiledMatMul c;
  c.f64 = f64;
  c.transA = transA;
  c.transB = transB;
  std::string text = "graph @g(M, N, K) {\n";
  text += transA ? "  %0 = input \"a\" : f32[K, M]\n" : "  %0 = input \"a\" : f32[M, K]\n";
  text += transB ? "  %1 = input \"b\" : f32[N, K]\n" : "  %1 = input \"b\" : f32[K, N]\n";
  text += "  %2 = input \"bias\" : f32[N]\n  %3 = input \"r\" : f32[M, N]\n";
  text += transA ? "  %4 = transpose %0 {perm = [1, 0]} : f32[M, K]\n"
                 : "  %4 = reshape %0 {shape = [M, K]} : f32[M, K]\n";
  text += transB ? "  %5 = transpose %1 {perm = [1, 0]} : f32[K, N]\n"
                 : "  %5 = reshape %1 {shape = [K, N]} : f32[K, N]\n";
  text += "  %6 = matmul %4, %5 : f32[M, N]\n"
          "  %7 = add %6, %2 : f32[M, N]\n"
          "  %8 = relu %7 : f32[M, N]\n"
          "  %9 = add %8, %3 : f32[M, N]\n"
          "  return %9\n}\n";
  std::string error;
  c.graph = ir::parseGraph(text, error);
  INFO(text << error);
  REQUIRE(c.graph);
  codegen::KernelProgram program = codegen::lowerToKernels(*c.graph, {});
  REQUIRE(program.kernels.size() == 1);
  REQUIRE(codegen::hasEpilogue(program.kernels[0]));
  if (f64)
    program.element = ir::DType::F64;
  c.symbols = program.symbols;
  std::unique_ptr<llvm::TargetMachine> machine = targetMachine(cpu);
  auto context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module = codegen::emitModule(
      program, nullptr, "{}", *context, codegen::cpuTarget(*machine));
  codegen::optimizeModule(*module, *machine);
  c.jit = driver::JitModel::create(std::move(module), std::move(context), error);
  INFO(error);
  REQUIRE(c.jit);
  c.forward = reinterpret_cast<void *>(c.jit->code().forward);
  c.workspaceSize = reinterpret_cast<WorkspaceFn>(c.jit->code().workspace);
  return c;
}

template <typename T>
std::vector<double> runEpilogueAs(const CompiledMatMul &c, int64_t M, int64_t N, int64_t K,
                                  const std::vector<std::vector<double>> &in,
                                  const nnc_context *context) {
  std::map<std::string, int64_t> bound = {{"M", M}, {"N", N}, {"K", K}};
  std::vector<int64_t> dims;
  for (const std::string &s : c.symbols)
    dims.push_back(bound.at(s));
  std::vector<std::vector<T>> typed;
  for (const std::vector<double> &v : in)
    typed.emplace_back(v.begin(), v.end());
  std::vector<T> out(static_cast<size_t>(M * N), std::numeric_limits<T>::quiet_NaN());
  int64_t bytes = c.workspaceSize(context, dims.data());
  REQUIRE(bytes >= 0);
  std::vector<unsigned char> workspace(static_cast<size_t>(bytes) + 64, 0);
  auto *aligned = reinterpret_cast<unsigned char *>(
      (reinterpret_cast<uintptr_t>(workspace.data()) + 63) & ~uintptr_t(63));
  const T *inputs[4] = {typed[0].data(), typed[1].data(), typed[2].data(), typed[3].data()};
  T *outputs[1] = {out.data()};
  T arena[1] = {0};
  using Forward = void (*)(const nnc_context *, const int64_t *, const T *, const T *const *,
                           T *const *, void *);
  reinterpret_cast<Forward>(c.forward)(context, dims.data(), arena, inputs, outputs, aligned);
  return std::vector<double>(out.begin(), out.end());
}

TEST_CASE("matmul kernels: an epilogue runs once per element, after the whole sum") {
  // Bias, ReLU and a residual fused into the product's store, across every
  // edge of the blocking (a sum over several blocks of K must see the
  // epilogue only once, at its end), few rows (no packing), both layouts,
  // each vector width, and one or three threads (the same bits).
  PoolContext three(3);
  for (const std::string &cpu : testedCpus())
    for (bool f64 : {false, true}) {
      codegen::GemmTiling t =
          codegen::gemmTiling(codegen::cpuTarget(*targetMachine(cpu)).vectorBits, f64);
      for (bool transA : {false, true})
        for (bool transB : {false, true}) {
          CompiledMatMul c = compileEpilogue(transA, transB, f64, cpu);
          std::mt19937 rng(static_cast<unsigned>(31 + transA * 2 + transB));
          for (auto [M, N, K] : {std::array<int64_t, 3>{1, 37, 9}, {t.minRows - 1, 300, 784},
                                 {t.mr + 1, t.nr + 3, 2 * t.kc + 5}, {t.mc + 7, 70, 33},
                                 {t.mr * 3, t.nc + t.nr + 1, t.kc + 1}, {301, 20, 129}}) {
            INFO("--target-cpu " << cpu << " f64=" << f64 << " M=" << M << " N=" << N
                                 << " K=" << K << " transA=" << transA << " transB=" << transB);
            std::vector<std::vector<double>> in = {
                randomValues(static_cast<size_t>(M * K), rng, f64),
                randomValues(static_cast<size_t>(K * N), rng, f64),
                randomValues(static_cast<size_t>(N), rng, f64),
                randomValues(static_cast<size_t>(M * N), rng, f64)};
            std::vector<double> got =
                f64 ? runEpilogueAs<double>(c, M, N, K, in, nullptr)
                    : runEpilogueAs<float>(c, M, N, K, in, nullptr);
            std::vector<double> threaded =
                f64 ? runEpilogueAs<double>(c, M, N, K, in, &three.context)
                    : runEpilogueAs<float>(c, M, N, K, in, &three.context);
            CHECK(threaded == got);
            std::map<std::string, ir::HostTensor> leaves;
            leaves["a"] = {transA ? std::vector<int64_t>{K, M} : std::vector<int64_t>{M, K}, in[0]};
            leaves["b"] = {transB ? std::vector<int64_t>{N, K} : std::vector<int64_t>{K, N}, in[1]};
            leaves["bias"] = {{N}, in[2]};
            leaves["r"] = {{M, N}, in[3]};
            std::vector<ir::HostTensor> want =
                ir::interpret(*c.graph, {{"M", M}, {"N", N}, {"K", K}}, leaves);
            double tolerance = static_cast<double>(K + 3) * (f64 ? 1e-15 : 1e-7) * 4;
            int wrong = 0;
            for (size_t i = 0; i < got.size(); ++i)
              if (!(std::fabs(got[i] - want[0].data[i]) <= tolerance) && ++wrong <= 3)
                FAIL_CHECK("C[" << i / N << ", " << i % N << "] = " << got[i]
                                << ", reference " << want[0].data[i]);
            CHECK(wrong == 0);
          }
        }
    }
}

TEST_CASE("kernels: dimensions that are sums of terms size loops, products and workspace") {
  // Every extent is a polynomial of M, and so are the two workspace
  // buffers' offsets: relu(a @ b) is live while exp(a) is computed, so a
  // wrong offset lets one overwrite the other.
  std::string text = "graph @g(M, K) {\n"
                     "  %0 = input \"a\" : f32[M + 1, K]\n"
                     "  %1 = input \"b\" : f32[K, M*2 + 3]\n"
                     "  %2 = matmul %0, %1 : f32[M + 1, M*2 + 3]\n"
                     "  %3 = relu %2 : f32[M + 1, M*2 + 3]\n"
                     "  %4 = exp %0 : f32[M + 1, K]\n"
                     "  %5 = matmul %4, %1 : f32[M + 1, M*2 + 3]\n"
                     "  %6 = add %5, %3 : f32[M + 1, M*2 + 3]\n"
                     "  return %6\n}\n";
  std::string error;
  std::unique_ptr<ir::Graph> graph = ir::parseGraph(text, error);
  INFO(error);
  REQUIRE(graph);
  REQUIRE(ir::verifyGraph(*graph) == "");
  codegen::KernelProgram program = codegen::lowerToKernels(*graph, {});
  std::vector<const codegen::Buffer *> owners;
  for (const codegen::Buffer &b : program.buffers)
    if (b.kind == codegen::Buffer::Workspace && b.shares < 0)
      owners.push_back(&b);
  REQUIRE(owners.size() == 2);
  CHECK(owners[0]->offset.str() == "0");
  CHECK(owners[1]->offset.str() == "K*M + K"); // after exp(a), [M + 1, K]
  // (M + 1) * (M*2 + 3) more, and 15 for rounding the unaligned offset up.
  CHECK(program.workspaceElements.str() == "K*M + M*M*2 + K + M*5 + 18");
  std::unique_ptr<llvm::TargetMachine> machine = targetMachine("native");
  auto context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module =
      codegen::emitModule(program, nullptr, "{}", *context, codegen::cpuTarget(*machine));
  codegen::optimizeModule(*module, *machine);
  std::unique_ptr<driver::JitModel> jit =
      driver::JitModel::create(std::move(module), std::move(context), error);
  REQUIRE(jit);
  auto workspaceSize = reinterpret_cast<WorkspaceFn>(jit->code().workspace);
  using Forward = void (*)(const nnc_context *, const int64_t *, const float *,
                           const float *const *, float *const *, void *);
  auto forward = reinterpret_cast<Forward>(jit->code().forward);
  std::mt19937 rng(5);
  for (auto [M, K] : {std::pair<int64_t, int64_t>{1, 1}, {2, 3}, {6, 17}, {40, 33}}) {
    INFO("M=" << M << " K=" << K);
    std::map<std::string, int64_t> bound = {{"M", M}, {"K", K}};
    std::vector<int64_t> dims;
    for (const std::string &s : program.symbols)
      dims.push_back(bound.at(s));
    int64_t rows = M + 1, cols = 2 * M + 3;
    std::vector<double> a = randomValues(static_cast<size_t>(rows * K), rng, false);
    std::vector<double> b = randomValues(static_cast<size_t>(K * cols), rng, false);
    std::vector<float> af(a.begin(), a.end()), bf(b.begin(), b.end());
    std::vector<float> out(static_cast<size_t>(rows * cols), std::nanf(""));
    int64_t bytes = workspaceSize(nullptr, dims.data());
    REQUIRE(bytes > 0);
    std::vector<unsigned char> workspace(static_cast<size_t>(bytes) + 64, 0);
    auto *aligned = reinterpret_cast<unsigned char *>(
        (reinterpret_cast<uintptr_t>(workspace.data()) + 63) & ~uintptr_t(63));
    const float *inputs[2] = {af.data(), bf.data()};
    float *outputs[1] = {out.data()};
    float arena[1] = {0};
    forward(nullptr, dims.data(), arena, inputs, outputs, aligned);
    std::vector<ir::HostTensor> want = ir::interpret(
        *graph, bound, {{"a", {{rows, K}, a}}, {"b", {{K, cols}, b}}});
    REQUIRE(want[0].data.size() == out.size());
    int wrong = 0;
    for (size_t i = 0; i < out.size(); ++i) {
      double tolerance = 1e-5 * (1 + std::fabs(want[0].data[i])) * static_cast<double>(K);
      if (!(std::fabs(out[i] - want[0].data[i]) <= tolerance) && ++wrong <= 3)
        FAIL_CHECK("out[" << i << "] = " << out[i] << ", reference " << want[0].data[i]);
    }
    CHECK(wrong == 0);
  }
}

TEST_CASE("matmul kernels: an empty sum writes zeros") {
  CompiledMatMul c = compileMatMul(false, false, false);
  std::vector<double> none;
  std::vector<double> got = run(c, 5, 3, 0, none, none);
  for (double v : got)
    CHECK(v == 0.0);
}

} // namespace
} // namespace nnc::test
