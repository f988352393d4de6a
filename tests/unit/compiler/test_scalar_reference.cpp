//===- test_scalar_reference.cpp - Generated code against ref<Name> -------===//
//
// Every elementwise op and reduction of ops.def, compiled by the CPU back end
// in double precision and run by the JIT on special values (signed zeros,
// infinities, NaN, tiny and huge numbers) in every combination of its
// operands, must give what ir::evalScalar gives: the same NaN-ness, the same
// sign of zero, and values equal to a few ulps (libm's exp and log are
// called by both, but LLVM may pick another implementation). This is the
// one place where the interpreter's and constant folding's meaning of an op
// meets the generated code's.
//
//===----------------------------------------------------------------------===//
#include "codegen/cpu/emit_llvm.h"
#include "driver/jit.h"
#include "ir/scalar_reference.h"
#include "test_support.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <cmath>
#include <limits>

namespace nnc::test {
namespace {

using ForwardF64 = void (*)(const nnc_context *, const int64_t *, const double *,
                            const double *const *,
                            double *const *, void *);
using WorkspaceFn = int64_t (*)(const nnc_context *, const int64_t *);

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::vector<double> kSpecial = {0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e-300,
                                      -1e300, 40.0, -40.0, kInf, -kInf, kNaN};

/// A compiled one-op graph: forward(inputs...) -> [output].
struct Compiled {
  std::unique_ptr<driver::JitModel> jit;
  ForwardF64 forward = nullptr;
  std::vector<double> workspace;

  std::vector<double> run(const std::vector<std::vector<double>> &inputs, size_t outputs) {
    std::vector<const double *> in;
    for (const std::vector<double> &v : inputs)
      in.push_back(v.data());
    std::vector<double> out(outputs);
    double *outPtr = out.data();
    int64_t dims[1] = {0};
    double arena[1] = {0};
    void *aligned = reinterpret_cast<void *>(
        (reinterpret_cast<uintptr_t>(workspace.data()) + 63) & ~uintptr_t(63));
    forward(nullptr, dims, arena, in.data(), &outPtr, aligned);
    return out;
  }
};

Compiled compileGraph(ir::Graph &g) {
  codegen::KernelProgram program = codegen::lowerToKernels(g, {});
  program.element = ir::DType::F64;
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine = codegen::hostTargetMachine(error);
  REQUIRE(machine);
  auto context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module = codegen::emitModule(program, nullptr, "{}", *context,
                          codegen::cpuTarget(*machine));
  codegen::optimizeModule(*module, *machine);
  Compiled c;
  c.jit = driver::JitModel::create(std::move(module), std::move(context), error);
  INFO(error);
  REQUIRE(c.jit);
  c.forward = reinterpret_cast<ForwardF64>(c.jit->code().forward);
  auto workspaceSize =
      reinterpret_cast<WorkspaceFn>(c.jit->code().workspace);
  REQUIRE(bool(c.forward));
  REQUIRE(bool(workspaceSize));
  int64_t dims[1] = {0};
  c.workspace.resize(static_cast<size_t>(workspaceSize(nullptr, dims)) / 8 + 16);
  return c;
}

/// "same" for the two results: both NaN, or the same sign of zero, or equal
/// within 4 ulps.
bool same(double expected, double actual) {
  if (std::isnan(expected) || std::isnan(actual))
    return std::isnan(expected) && std::isnan(actual);
  if (expected == 0 && actual == 0)
    return std::signbit(expected) == std::signbit(actual);
  if (std::isinf(expected) || std::isinf(actual))
    return expected == actual;
  return std::fabs(expected - actual) <=
         4 * std::numeric_limits<double>::epsilon() * std::fabs(expected);
}

std::string show(const std::vector<double> &args) {
  std::string s = "(";
  for (size_t i = 0; i < args.size(); ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.17g", i ? ", " : "", args[i]);
    s += buf;
  }
  return s + ")";
}

void checkElementwise(ir::OpKind op) {
  const ir::OpInfo &info = ir::opInfo(op);
  int arity = info.arity;
  size_t k = kSpecial.size();
  size_t n = 1;
  for (int i = 0; i < arity; ++i)
    n *= k;
  // Operand i of case c is kSpecial[(c / k^i) % k]: every combination once.
  std::vector<std::vector<double>> inputs(static_cast<size_t>(arity), std::vector<double>(n));
  for (size_t c = 0; c < n; ++c) {
    size_t rest = c;
    for (int i = 0; i < arity; ++i, rest /= k)
      inputs[static_cast<size_t>(i)][c] = kSpecial[rest % k];
  }
  ir::Graph g("op");
  std::vector<const ir::Node *> operands;
  for (int i = 0; i < arity; ++i)
    operands.push_back(g.addLeaf(ir::OpKind::Input, "x" + std::to_string(i),
                                 {ir::Dim::constant(static_cast<int64_t>(n))}));
  ir::Attrs attrs;
  if (op == ir::OpKind::Broadcast)
    attrs.shape = {ir::Dim::constant(static_cast<int64_t>(n))};
  g.addOutput(g.add(op, operands, attrs));
  Compiled c = compileGraph(g);
  std::vector<double> out = c.run(inputs, n);
  int wrong = 0;
  for (size_t i = 0; i < n; ++i) {
    std::vector<double> args;
    for (const std::vector<double> &in : inputs)
      args.push_back(in[i]);
    double expected = ir::evalScalar(op, args);
    if (!same(expected, out[i]) && ++wrong <= 5)
      FAIL_CHECK(std::string(info.mnemonic) << show(args) << ": reference " << expected
                               << ", generated code " << out[i]);
  }
  CHECK(wrong == 0);
}

constexpr ir::OpKind allOps[] = {
#define NNC_OP(Name, Mnemonic, Surface, Arity, ShapeRule, Lowering) ir::OpKind::Name,
#include "ir/ops.def"
};

TEST_CASE("scalar reference: every elementwise op's generated code agrees with ref<Name>") {
  int checked = 0;
  for (ir::OpKind op : allOps) {
    if (ir::opInfo(op).lowering != ir::Lowering::Elementwise)
      continue;
    checkElementwise(op);
    ++checked;
  }
  CHECK(checked >= 18);
}

TEST_CASE("scalar reference: reductions start from their identity, combine with ref<Name>, and finalize") {
  int checked = 0;
  for (ir::OpKind op : allOps) {
    if (ir::opInfo(op).lowering != ir::Lowering::Reduce)
      continue;
    ++checked;
    const ir::ReductionInfo *info = ir::reductionInfo(op);
    REQUIRE(info != nullptr);
    std::string name = ir::opInfo(op).mnemonic;
    CAPTURE(name);
    // Rows of special values: each row is reduced to one number.
    std::vector<std::vector<double>> rows = {
        {1.0, -2.0, 0.5}, {-0.0, -0.0, -0.0}, {0.0, -0.0, -0.0}, {kNaN, 1.0, 2.0},
        {1.0, kNaN, -kInf}, {-kInf, -kInf, -kInf}, {kInf, -kInf, 1.0}, {1e300, 1e300, -1e300}};
    int64_t cols = 3;
    std::vector<double> flat;
    for (const std::vector<double> &row : rows)
      flat.insert(flat.end(), row.begin(), row.end());
    ir::Graph g("reduce");
    const ir::Node *x = g.addLeaf(ir::OpKind::Input, "x",
                                  {ir::Dim::constant(static_cast<int64_t>(rows.size())),
                                   ir::Dim::constant(cols)});
    ir::Attrs attrs;
    attrs.axes = {1};
    g.addOutput(g.add(op, {x}, attrs));
    Compiled c = compileGraph(g);
    std::vector<double> out = c.run({flat}, rows.size());
    for (size_t r = 0; r < rows.size(); ++r) {
      double acc = info->identity;
      for (double v : rows[r]) {
        double pair[2] = {acc, v};
        acc = ir::evalScalar(op, pair);
      }
      if (info->finalize == ir::ReductionInfo::DivideByCount)
        acc /= static_cast<double>(cols);
      INFO(show(rows[r]));
      CHECK(same(acc, out[r]));
    }
  }
  CHECK(checked == 3);
  CHECK(ir::reductionInfo(ir::OpKind::Add) == nullptr);
}

TEST_CASE("scalar reference: NaN and signed zeros, as PyTorch has them") {
  auto eval = [](ir::OpKind op, std::vector<double> args) { return ir::evalScalar(op, args); };
  CHECK(std::isnan(eval(ir::OpKind::Relu, {kNaN})));
  CHECK(std::signbit(eval(ir::OpKind::Relu, {-0.0})));
  CHECK(eval(ir::OpKind::Relu, {-3.0}) == 0.0);
  CHECK(std::isnan(eval(ir::OpKind::Max, {1.0, kNaN})));
  CHECK(std::isnan(eval(ir::OpKind::Min, {kNaN, 1.0})));
  CHECK(!std::signbit(eval(ir::OpKind::Max, {0.0, -0.0})));
  CHECK(!std::signbit(eval(ir::OpKind::Max, {-0.0, 0.0})));
  CHECK(std::signbit(eval(ir::OpKind::Min, {0.0, -0.0})));
  CHECK(eval(ir::OpKind::Greater, {kNaN, 0.0}) == 0.0);
  CHECK(eval(ir::OpKind::Select, {kNaN, 1.0, 2.0}) == 1.0);
  CHECK(eval(ir::OpKind::Sigmoid, {-1000.0}) == 0.0);
  CHECK(ir::hasScalarMeaning(ir::OpKind::ReduceMax));
  CHECK(!ir::hasScalarMeaning(ir::OpKind::MatMul));
}

} // namespace
} // namespace nnc::test
