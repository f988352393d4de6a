//===- test_compiled_grads.cpp - Compiled gradients in double precision ---===//
//
// The gradient check of test_autodiff.cpp, on the compiled code instead of
// the interpreter: every example model's forward and reverse graph is lowered
// with f64 buffers, compiled by the JIT, and its gradients of
// L = sum <seed, output> are compared with central finite differences of L
// computed by the same compiled function. This checks the kernels the
// reverse graph becomes (fusion, folded transposes, reductions), not only the
// VJP rules.
//
//===----------------------------------------------------------------------===//
#include "autodiff/backward.h"
#include "codegen/cpu/emit_llvm.h"
#include "driver/jit.h"
#include "passes/dce.h"
#include "test_support.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <cmath>
#include <random>

namespace nnc::test {
namespace {

using ForwardF64 = void (*)(const nnc_context *, const int64_t *, const double *,
                            const double *const *,
                            double *const *, void *);
using WorkspaceFn = int64_t (*)(const nnc_context *, const int64_t *);

struct CompiledCheck {
  double maxError = 0;
  std::string worst;
  int checked = 0;
};

/// Every leaf's elements as doubles (batch 3 for every symbol).
int64_t count(const ir::Shape &shape) {
  int64_t n = 1;
  for (const ir::Dim &d : shape)
    n *= *d.evaluate([](const std::string &) { return int64_t(3); });
  return n;
}

CompiledCheck checkModel(const sema::Model &model) {
  ir::Graph &g = *model.graph;
  std::vector<const ir::Node *> outputs = g.outputs(), seeds, wrt;
  for (size_t i = 0; i < outputs.size(); ++i)
    seeds.push_back(g.addLeaf(ir::OpKind::Input, "seed." + std::to_string(i),
                              outputs[i]->shape));
  for (const ir::Node *p : g.params())
    wrt.push_back(p);
  for (const ir::Node *in : g.inputs())
    if (in->attrs.name.rfind("seed.", 0) != 0)
      wrt.push_back(in);
  for (const ir::Node *grad : autodiff::backward(g, outputs, seeds, wrt))
    g.addOutput(grad);
  std::unique_ptr<ir::Graph> clean = passes::eliminateDeadCode(g);

  // Parameters at their arena offsets (dense here: no alignment needed).
  std::map<std::string, int64_t> offsets;
  int64_t arenaSize = 0;
  for (const ir::Node *p : clean->params()) {
    offsets[p->attrs.name] = arenaSize;
    arenaSize += count(p->shape);
  }
  codegen::KernelProgram program = codegen::lowerToKernels(*clean, offsets);
  program.element = ir::DType::F64;
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine = codegen::hostTargetMachine(error);
  REQUIRE(machine);
  auto context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module =
      codegen::emitModule(program, nullptr, "{}", *context,
                          codegen::cpuTarget(*machine));
  codegen::optimizeModule(*module, *machine);
  std::unique_ptr<driver::JitModel> jit =
      driver::JitModel::create(std::move(module), std::move(context), error);
  INFO(error);
  REQUIRE(jit);
  auto forward = reinterpret_cast<ForwardF64>(jit->code().forward);
  auto workspaceSize =
      reinterpret_cast<WorkspaceFn>(jit->code().workspace);
  REQUIRE(bool(forward));
  REQUIRE(bool(workspaceSize));

  std::vector<int64_t> dims(clean->symbols().size(), 3);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1, 1);
  auto fill = [&](std::vector<double> &v, double scale) {
    for (double &x : v) {
      x = u(rng);
      if (std::fabs(x) < 0.05) // away from the kinks of relu, abs, max
        x += x < 0 ? -0.1 : 0.1;
      x *= scale;
    }
  };
  std::vector<double> arena(std::max<int64_t>(arenaSize, 1));
  for (const ir::Node *p : clean->params()) {
    std::vector<double> values(count(p->shape));
    fill(values, p->shape.size() == 2 ? 1 / std::sqrt(double(p->shape[1].constantValue())) : 1.0);
    std::copy(values.begin(), values.end(), arena.begin() + offsets[p->attrs.name]);
  }
  std::vector<std::vector<double>> inputs;
  for (const ir::Node *in : clean->inputs()) {
    inputs.emplace_back(count(in->shape));
    fill(inputs.back(), 1.0);
  }
  std::vector<std::vector<double>> results;
  for (const ir::Node *o : clean->outputs())
    results.emplace_back(count(o->shape));
  std::vector<double> workspace(workspaceSize(nullptr, dims.data()) / 8 + 8);
  void *aligned = reinterpret_cast<void *>(
      (reinterpret_cast<uintptr_t>(workspace.data()) + 63) & ~uintptr_t(63));

  auto run = [&]() {
    std::vector<const double *> in;
    for (auto &v : inputs)
      in.push_back(v.data());
    std::vector<double *> out;
    for (auto &v : results)
      out.push_back(v.data());
    forward(nullptr, dims.data(), arena.data(), in.data(), out.data(), aligned);
  };
  auto objective = [&]() {
    run();
    double sum = 0;
    for (size_t i = 0; i < outputs.size(); ++i) {
      const std::vector<double> &seed = inputs[g.inputs().size() - outputs.size() + i];
      for (size_t k = 0; k < results[i].size(); ++k)
        sum += seed[k] * results[i][k];
    }
    return sum;
  };
  // Seeds are the last inputs (added after the model's).
  REQUIRE(clean->inputs().size() == g.inputs().size());
  run();
  std::vector<std::vector<double>> symbolic(results.begin() + outputs.size(),
                                            results.end());
  CompiledCheck check;
  for (size_t w = 0; w < wrt.size(); ++w) {
    const std::string &name = wrt[w]->attrs.name;
    double *base = nullptr;
    if (wrt[w]->op == ir::OpKind::Param) {
      base = arena.data() + offsets[name];
    } else {
      for (size_t i = 0; i < clean->inputs().size(); ++i)
        if (clean->inputs()[i]->attrs.name == name)
          base = inputs[i].data();
    }
    REQUIRE(base);
    // Every element of a small leaf, 12 random ones of a big one.
    size_t n = symbolic[w].size(), trials = std::min<size_t>(n, 12);
    std::uniform_int_distribution<size_t> pick(0, n - 1);
    for (size_t t = 0; t < trials; ++t) {
      size_t k = n <= 12 ? t : pick(rng);
      const double eps = 1e-6, saved = base[k];
      base[k] = saved + eps;
      double plus = objective();
      base[k] = saved - eps;
      double minus = objective();
      base[k] = saved;
      double numeric = (plus - minus) / (2 * eps);
      double err = std::fabs(symbolic[w][k] - numeric) / std::max(1.0, std::fabs(numeric));
      ++check.checked;
      if (err > check.maxError) {
        check.maxError = err;
        check.worst = name + "[" + std::to_string(k) + "]: compiled " +
                      std::to_string(symbolic[w][k]) + ", numeric " +
                      std::to_string(numeric);
      }
    }
  }
  return check;
}

} // namespace

TEST_CASE("compiled gradients: every example model, f64, against finite differences") {
  for (const ExampleModel &example : exampleModels()) {
    std::string name = std::string(example.file) + " " + example.model;
    CAPTURE(name);
    auto c = compileFile(examplePath(example.file), example.model);
    INFO(c->printed.str());
    REQUIRE(c->model);
    CompiledCheck r = checkModel(*c->model);
    INFO(r.worst);
    CHECK(r.checked > 0);
    CHECK(r.maxError < 1e-6);
  }
}

} // namespace nnc::test
