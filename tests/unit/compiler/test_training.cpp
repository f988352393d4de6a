//===- test_training.cpp - The train block and the training-step graph ----===//
//
// Sema's checks of the train block, and the training step's graph: its
// gradients (evaluated by the double-precision interpreter) against central
// finite differences of its loss, for each loss of the stdlib, and the
// arena ranges the optimizer updates.
//
//===----------------------------------------------------------------------===//
#include "driver/model_arena.h"
#include "driver/training.h"
#include "ir/interpreter.h"
#include "test_support.h"

#include <cmath>
#include <random>

namespace nnc::test {
namespace {

using ir::HostTensor;

const char *kModel = R"(
module Net {
    fc1 = Linear(5, 7)
    fc2 = Linear(7, 3)
    forward(x: [B, 5]) -> [B, 3] { return fc2(tanh(fc1(x))) }
}
model Net
train {
    loss = LOSS
    optimizer = Adam(lr: 0.01, betas: (0.8, 0.99))
    batch = 8
}
)";

std::string withLoss(const std::string &loss) {
  std::string text = kModel;
  text.replace(text.find("LOSS"), 4, loss);
  return text;
}

/// Leaves for the training graph: random inputs and parameters, and a target
/// that suits the loss (one-hot rows, probabilities in (0, 1), or values).
std::map<std::string, HostTensor> leavesFor(const ir::Graph &g, int64_t batch,
                                            const std::string &targetKind) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  std::map<std::string, HostTensor> leaves;
  for (const auto &node : g.nodes()) {
    if (node->op != ir::OpKind::Input && node->op != ir::OpKind::Param)
      continue;
    HostTensor t = HostTensor::zeros(ir::concreteShape(node->shape, {{"B", batch}}));
    for (double &v : t.data)
      v = u(rng);
    if (node->attrs.name == "target") {
      int64_t classes = t.shape.back();
      for (int64_t r = 0; r < batch; ++r)
        for (int64_t c = 0; c < classes; ++c) {
          double &v = t.data[r * classes + c];
          if (targetKind == "onehot")
            v = c == (r % classes) ? 1 : 0;
          else if (targetKind == "prob")
            v = 0.5 + 0.4 * v;
        }
    }
    leaves[node->attrs.name] = t;
  }
  return leaves;
}

} // namespace

TEST_CASE("training: the step's gradients match finite differences of its loss") {
  struct Case {
    const char *loss, *target;
  };
  const Case cases[] = {
      {"cross_entropy(output, target)", "onehot"},
      {"mse(output, target)", "values"},
      {"nll(log_softmax(output, 1), target)", "onehot"},
      {"binary_cross_entropy(sigmoid(output), target)", "prob"},
      {"binary_cross_entropy_with_logits(output, target)", "prob"},
      {"mse(output, target) + 0.1 * mean(fc1.weight * fc1.weight)", "values"},
  };
  TempDir dir;
  for (const Case &c : cases) {
    CAPTURE(c.loss);
    auto compiled = compileText(dir, withLoss(c.loss));
    INFO(compiled->printed.str());
    REQUIRE(compiled->model);
    const sema::Model &m = *compiled->model;
    REQUIRE(m.training);
    std::unique_ptr<ir::Graph> step = driver::buildTrainStepGraph(m);
    REQUIRE(ir::verifyGraph(*step) == "");
    // Outputs: the model's output, the loss, the 4 trainable tensors' grads.
    REQUIRE(step->outputs().size() == 6);
    const int64_t batch = 4;
    std::map<std::string, HostTensor> leaves = leavesFor(*step, batch, c.target);
    std::vector<HostTensor> out = ir::interpret(*step, {{"B", batch}}, leaves);
    auto lossAt = [&](const std::map<std::string, HostTensor> &l) {
      return ir::interpret(*m.training->graph, {{"B", batch}}, l)[1].data[0];
    };
    CHECK(std::fabs(out[1].data[0] - lossAt(leaves)) < 1e-12);
    const char *names[] = {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
    double worst = 0;
    for (int w = 0; w < 4; ++w) {
      HostTensor &x = leaves[names[w]];
      REQUIRE(out[2 + w].shape == x.shape);
      for (size_t k = 0; k < x.data.size(); ++k) {
        const double eps = 1e-6, saved = x.data[k];
        x.data[k] = saved + eps;
        double plus = lossAt(leaves);
        x.data[k] = saved - eps;
        double minus = lossAt(leaves);
        x.data[k] = saved;
        double numeric = (plus - minus) / (2 * eps);
        worst = std::max(worst, std::fabs(out[2 + w].data[k] - numeric) /
                                    std::max(1.0, std::fabs(numeric)));
      }
    }
    CHECK(worst < 1e-7);
  }
}

TEST_CASE("training: the optimizer and the settings are explicit") {
  TempDir dir;
  auto c = compileText(dir, withLoss("mse(output, target)"));
  REQUIRE(c->model);
  const sema::TrainSpec &t = *c->model->training;
  CHECK(t.optimizer.name == "Adam");
  CHECK(t.optimizer.args == std::vector<std::pair<std::string, double>>{
                                {"lr", 0.01}, {"beta1", 0.8}, {"beta2", 0.99},
                                {"eps", 1e-8}, {"weight_decay", 0}});
  CHECK(t.batch == 8);
  CHECK(t.epochs == 10);
  CHECK_FALSE(t.classTargets);
  CHECK(t.lossFn == "mse");
  CHECK(t.lossSource == "mse(output, target)");
}

TEST_CASE("training: bad optimizers are refused with the reason") {
  struct Case {
    const char *optimizer, *message;
  };
  const Case cases[] = {
      {"SGD(0.1)", "the arguments of SGD are named"},
      {"SGD(lr: 0.1, betas: (0.9, 0.99))", "SGD has no argument `betas`"},
      {"SGD(lr: -1)", "`lr` takes a non-negative number"},
      {"SGD(lr: 0.1, nesterov: true)", "Nesterov momentum requires a momentum"},
      {"Adam(betas: (0.9, 1.0))", "beta2 must lie in [0, 1)"},
      {"Adam(amsgrad: true)", "Adam has no argument `amsgrad`"},
      {"sgd", "expected `SGD(...)`"},
  };
  TempDir dir;
  for (const Case &k : cases) {
    CAPTURE(k.optimizer);
    std::string text = withLoss("mse(output, target)");
    text.replace(text.find("Adam(lr: 0.01, betas: (0.8, 0.99))"),
                 std::string("Adam(lr: 0.01, betas: (0.8, 0.99))").size(),
                 k.optimizer);
    auto c = compileText(dir, text);
    CHECK_FALSE(c->model);
    const Diagnostic *d = c->find(DiagKind::InvalidTrainSetting);
    REQUIRE(d);
    INFO(c->printed.str());
    CHECK(c->printed.str().find(k.message) != std::string::npos);
  }
}

TEST_CASE("training: the optimizer updates every trainable range, padding included") {
  auto c = compileFile(examplePath("mlp.nnm"));
  REQUIRE(c->model);
  codegen::ArenaLayout arena = driver::layoutModelArena(*c->model);
  codegen::TrainingCode code = driver::lowerTraining(*c->model, arena);
  // All six tensors are trainable and adjacent: one range over the arena.
  CHECK(code.arenaElements == 235146);
  CHECK(code.updateRanges == std::vector<std::pair<int64_t, int64_t>>{{0, 235146}});
  CHECK(code.gradOffsets.size() == 6);
  CHECK(code.tableOutputs == 2);

  TempDir dir;
  auto frozen = compileText(dir, R"(
module M {
    param a: [3] = ones()
    frozen param b: [5] = ones()
    param c: [20] = ones()
    forward(x: [B, 3]) -> [B, 3] { return x * a + sum(b) + sum(c) }
}
model M
train { loss = mse(output, target) }
)");
  REQUIRE(frozen->model);
  code = driver::lowerTraining(*frozen->model, driver::layoutModelArena(*frozen->model));
  // a at 0 (padded to 16), b at 16 (frozen), c at 32..52: two ranges.
  CHECK(code.updateRanges ==
        std::vector<std::pair<int64_t, int64_t>>{{0, 16}, {32, 52}});
  CHECK(code.gradOffsets == std::vector<int64_t>{0, 32});
}


namespace {

/// Checks the sharing of workspace memory in `p`: no kernel writes memory it
/// reads, and no two buffers that share memory are live at once. Returns the
/// buffers that reuse another's memory.
int checkSharing(const codegen::KernelProgram &p) {
  auto owner = [&](int b) {
    int s = p.buffers[static_cast<size_t>(b)].shares;
    return s >= 0 ? s : b;
  };
  std::vector<int> first(p.buffers.size(), -1), last(p.buffers.size(), -1);
  for (size_t k = 0; k < p.kernels.size(); ++k) {
    const codegen::Kernel &kernel = p.kernels[k];
    for (const auto &[node, b] : kernel.reads) {
      CHECK_MESSAGE(owner(b) != owner(kernel.out),
                    "kernel " << k << " writes b" << kernel.out << " over its read b" << b);
      last[static_cast<size_t>(b)] = static_cast<int>(k);
    }
    if (first[static_cast<size_t>(kernel.out)] < 0)
      first[static_cast<size_t>(kernel.out)] = static_cast<int>(k);
    last[static_cast<size_t>(kernel.out)] =
        std::max(last[static_cast<size_t>(kernel.out)], static_cast<int>(k));
  }
  int sharing = 0;
  for (size_t a = 0; a < p.buffers.size(); ++a) {
    if (p.buffers[a].kind != codegen::Buffer::Workspace)
      continue;
    if (p.buffers[a].shares >= 0) {
      ++sharing;
      const codegen::Buffer &o = p.buffers[static_cast<size_t>(p.buffers[a].shares)];
      CHECK(o.kind == codegen::Buffer::Workspace);
      CHECK(o.shares < 0); // an owner, not a sharer
      CHECK(ir::numElements(o.shape) == ir::numElements(p.buffers[a].shape));
    }
    for (size_t b = a + 1; b < p.buffers.size(); ++b)
      if (p.buffers[b].kind == codegen::Buffer::Workspace &&
          owner(static_cast<int>(a)) == owner(static_cast<int>(b)))
        CHECK_MESSAGE((last[a] < first[b] || last[b] < first[a]),
                      "b" << a << " [" << first[a] << ", " << last[a] << "] and b" << b
                          << " [" << first[b] << ", " << last[b] << "] share memory");
  }
  return sharing;
}

} // namespace

TEST_CASE("training: workspace buffers share memory only when their lifetimes are apart") {
  for (const char *example : {"mlp.nnm", "residual_fashion.nnm", "sine.nnm", "xor.nnm"}) {
    INFO(example);
    auto c = compileFile(examplePath(example));
    REQUIRE(c->model);
    REQUIRE(c->model->training);
    codegen::TrainingCode code =
        driver::lowerTraining(*c->model, driver::layoutModelArena(*c->model));
    int shared = checkSharing(code.trainStep);
    checkSharing(code.evaluate);
    // A training step keeps the forward activations for the backward pass,
    // but the backward pass's own temporaries come and go.
    CHECK(shared > 0);
    std::map<std::string, int64_t> symbols;
    for (const std::string &s : code.trainStep.symbols)
      symbols[s] = 64;
    auto value = [&](const ir::Dim &d) {
      return *d.evaluate([&](const std::string &s) { return symbols.at(s); });
    };
    int64_t unshared = 0;
    for (const codegen::Buffer &b : code.trainStep.buffers)
      if (b.kind == codegen::Buffer::Workspace)
        unshared += value(ir::numElements(b.shape)) + 15; // with its alignment
    CHECK(value(code.trainStep.workspaceElements) < unshared);
  }
}

TEST_CASE("training: workspace offsets place each buffer apart, aligned, for every batch") {
  for (const char *example : {"mlp.nnm", "residual_fashion.nnm", "sine.nnm", "xor.nnm"}) {
    INFO(example);
    auto c = compileFile(examplePath(example));
    REQUIRE(c->model);
    codegen::TrainingCode code =
        driver::lowerTraining(*c->model, driver::layoutModelArena(*c->model));
    for (const codegen::KernelProgram *p : {&code.trainStep, &code.evaluate})
      for (int64_t batch : {1, 3, 17, 64}) {
        INFO("batch " << batch);
        auto value = [&](const ir::Dim &d) {
          return *d.evaluate([&](const std::string &) { return batch; });
        };
        std::vector<std::pair<int64_t, int64_t>> spans; // [begin, end) of each owner
        for (const codegen::Buffer &b : p->buffers)
          if (b.kind == codegen::Buffer::Workspace && b.shares < 0) {
            int64_t begin = codegen::alignWorkspaceOffset(value(b.offset));
            CHECK(begin % 16 == 0);
            spans.push_back({begin, begin + value(ir::numElements(b.shape))});
          }
        REQUIRE_FALSE(spans.empty());
        for (size_t i = 1; i < spans.size(); ++i)
          CHECK(spans[i - 1].second <= spans[i].first);
        CHECK(spans.back().second <= value(p->workspaceElements));
      }
  }
}

} // namespace nnc::test
