//===- optimizer_test.cpp - nnc_update coefficients against PyTorch -------===//
//
// The per-step scalars of optimizerUpdate, case by case, and then the real
// check: the per-element formulas of nnc_update (nnrt_model.h), fed those
// scalars, reproduce torch.optim.SGD / Adam / AdamW over 5 steps of the
// fixture tests/reference/optimizers.json (make_optimizer_fixtures.py),
// parameters and optimizer state alike. Also PyTorch's validation messages
// and the manifest's JSON form.
//
//===----------------------------------------------------------------------===//
#include "nnrt/optimizer.h"
#include "reference_update.h"
#include "test_util.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace nnrt;
using nlohmann::json;

namespace {

OptimizerConfig sgd(double lr, double momentum = 0, double dampening = 0,
                    bool nesterov = false, double weightDecay = 0) {
  OptimizerConfig c;
  c.lr = lr;
  c.momentum = momentum;
  c.dampening = dampening;
  c.nesterov = nesterov;
  c.weightDecay = weightDecay;
  return c;
}

OptimizerConfig adam(OptimizerKind kind, double lr, double weightDecay,
                     double beta1 = 0.9, double beta2 = 0.999,
                     double eps = 1e-8) {
  OptimizerConfig c = defaultOptimizer(kind);
  c.lr = lr;
  c.weightDecay = weightDecay;
  c.beta1 = beta1;
  c.beta2 = beta2;
  c.eps = eps;
  return c;
}

// max|got - want| / max|want|, the metric of tests/reference/README.md.
double relativeError(const std::vector<float> &got, const json &want) {
  double diff = 0, scale = 1e-30;
  for (size_t j = 0; j < got.size(); ++j) {
    double w = want[j].get<double>();
    diff = std::max(diff, std::abs(double(got[j]) - w));
    scale = std::max(scale, std::abs(w));
  }
  return diff / scale;
}

json loadFixture() {
  std::ifstream file(std::string(NNRT_REFERENCE_DIR) + "/optimizers.json");
  REQUIRE(file.good());
  return json::parse(file);
}

} // namespace

TEST_CASE("SGD coefficients") {
  nnc_update plain = optimizerUpdate(sgd(0.1, 0, 0, false, 0.01), 1);
  CHECK(plain.rule == NNC_UPDATE_SGD);
  CHECK(plain.lr == 0.1f);
  CHECK(plain.weight_decay == 0.01f);
  CHECK(plain.keep == 0.0f);
  CHECK(plain.take == 0.0f);
  CHECK(plain.d_coef == 1.0f);
  CHECK(plain.s1_coef == 0.0f);
  CHECK(plain.decay == 1.0f);

  OptimizerConfig momentum = sgd(0.1, 0.9, 0.25);
  nnc_update first = optimizerUpdate(momentum, 1);
  CHECK(first.keep == 0.0f); // buf = d, as PyTorch's clone on step 1
  CHECK(first.take == 1.0f);
  CHECK(first.d_coef == 0.0f);
  CHECK(first.s1_coef == 1.0f);
  nnc_update later = optimizerUpdate(momentum, 2);
  CHECK(later.keep == 0.9f);
  CHECK(later.take == 0.75f);
  CHECK(later.d_coef == 0.0f);
  CHECK(later.s1_coef == 1.0f);

  nnc_update nesterov = optimizerUpdate(sgd(0.1, 0.9, 0, true), 7);
  CHECK(nesterov.keep == 0.9f);
  CHECK(nesterov.take == 1.0f);
  CHECK(nesterov.d_coef == 1.0f);
  CHECK(nesterov.s1_coef == 0.9f);
}

TEST_CASE("Adam and AdamW coefficients") {
  nnc_update a = optimizerUpdate(adam(OptimizerKind::Adam, 0.01, 0.1), 3);
  CHECK(a.rule == NNC_UPDATE_ADAM);
  CHECK(a.lr == float(0.01 / (1.0 - std::pow(0.9, 3.0))));
  CHECK(a.bias2_sqrt == float(std::sqrt(1.0 - std::pow(0.999, 3.0))));
  CHECK(a.keep == 0.9f);
  CHECK(a.take == float(1.0 - 0.9));
  CHECK(a.keep2 == 0.999f);
  CHECK(a.take2 == float(1.0 - 0.999));
  CHECK(a.eps == 1e-8f);
  CHECK(a.weight_decay == 0.1f); // Adam: L2 added to the gradient
  CHECK(a.decay == 1.0f);

  nnc_update w = optimizerUpdate(adam(OptimizerKind::AdamW, 0.01, 0.1), 1);
  CHECK(w.rule == NNC_UPDATE_ADAM);
  CHECK(w.lr == float(0.01 / (1.0 - 0.9)));
  CHECK(w.weight_decay == 0.0f); // AdamW: decoupled
  CHECK(w.decay == float(1.0 - 0.01 * 0.1));
}

TEST_CASE("the nnc_update formulas reproduce torch.optim over 5 steps") {
  json fixture = loadFixture();
  std::vector<float> start = fixture["start"].get<std::vector<float>>();
  std::vector<std::vector<float>> grads =
      fixture["grads"].get<std::vector<std::vector<float>>>();
  const double tolerance = 1e-6;
  double worst = 0;
  REQUIRE(fixture["cases"].size() >= 10);
  for (const json &c : fixture["cases"]) {
    std::string name = c["name"].get<std::string>();
    CAPTURE(name);
    OptimizerConfig config = optimizerFromJson(c["optimizer"], name);
    validateOptimizer(config);
    std::vector<float> p = start, s1(p.size(), 0.0f), s2(p.size(), 0.0f);
    REQUIRE(c["steps"].size() == grads.size());
    for (size_t t = 0; t < grads.size(); ++t) {
      referenceUpdate(optimizerUpdate(config, int64_t(t) + 1), p.data(),
                      grads[t].data(), s1.data(), s2.data(), p.size());
      const json &want = c["steps"][t];
      double err = relativeError(p, want["param"]);
      INFO("step ", t + 1, ": max relative error of the parameters ", err,
           " (tolerance ", tolerance, ")");
      CHECK(err <= tolerance);
      worst = std::max(worst, err);
      std::vector<std::string> states = optimizerStateNames(config);
      REQUIRE(states.size() == want["state"].size());
      for (size_t s = 0; s < states.size(); ++s) {
        double stateErr =
            relativeError(s == 0 ? s1 : s2, want["state"][states[s]]);
        INFO("state ", states[s], " error ", stateErr);
        CHECK(stateErr <= tolerance);
        worst = std::max(worst, stateErr);
      }
    }
  }
  MESSAGE("torch.optim fixture: worst relative error ", worst, " (tolerance ",
          tolerance, ")");
}

TEST_CASE("PyTorch's validation rules and messages") {
  NNRT_CHECK_ERROR(validateOptimizer(sgd(-0.1)), "Invalid learning rate: -0.1");
  NNRT_CHECK_ERROR(validateOptimizer(sgd(NAN)), "Invalid learning rate: nan");
  NNRT_CHECK_ERROR(validateOptimizer(sgd(0.1, -1)),
                   "Invalid momentum value: -1.0");
  NNRT_CHECK_ERROR(validateOptimizer(sgd(0.1, 0, 0, false, -1e-5)),
                   "Invalid weight_decay value: -1e-05");
  NNRT_CHECK_ERROR(validateOptimizer(sgd(0.1, 0, 0, true)),
                   "Nesterov momentum requires a momentum and zero dampening");
  NNRT_CHECK_ERROR(validateOptimizer(sgd(0.1, 0.9, 0.1, true)),
                   "Nesterov momentum requires a momentum and zero dampening");
  auto kind = OptimizerKind::Adam;
  NNRT_CHECK_ERROR(validateOptimizer(adam(kind, 0.1, 0, 1.0)),
                   "Invalid beta parameter at index 0: 1.0");
  NNRT_CHECK_ERROR(validateOptimizer(adam(kind, 0.1, 0, 0.9, -0.5)),
                   "Invalid beta parameter at index 1: -0.5");
  NNRT_CHECK_ERROR(validateOptimizer(adam(kind, 0.1, 0, 0.9, 0.999, -1)),
                   "Invalid epsilon value: -1.0");
  NNRT_CHECK_ERROR(validateOptimizer(adam(OptimizerKind::AdamW, 0.1, -2)),
                   "Invalid weight_decay value: -2.0");
  validateOptimizer(sgd(0.0));                        // lr 0 is allowed
  validateOptimizer(sgd(0.1, 0.9, 0.0, true));        // nesterov done right
  validateOptimizer(adam(kind, 0.1, 0, 0.0, 0.0, 0)); // betas may be 0
}

TEST_CASE("optimizer names and the manifest's JSON form") {
  CHECK(parseOptimizerKind("sgd") == OptimizerKind::SGD);
  CHECK(parseOptimizerKind("ADAM") == OptimizerKind::Adam);
  CHECK(parseOptimizerKind("AdamW") == OptimizerKind::AdamW);
  NNRT_CHECK_ERROR(parseOptimizerKind("rmsprop"),
                   "unknown optimizer `rmsprop`: nnc has SGD, Adam and AdamW");
  for (const OptimizerConfig &c :
       {sgd(0.05, 0.9, 0.1, false, 1e-4), adam(OptimizerKind::Adam, 3e-4, 0),
        adam(OptimizerKind::AdamW, 1e-3, 0.01, 0.8, 0.95, 1e-6)}) {
    CHECK(optimizerFromJson(optimizerToJson(c), "x") == c);
  }
  CHECK(optimizerToJson(sgd(0.05)).dump() ==
        R"({"dampening":0.0,"lr":0.05,"momentum":0.0,"name":"SGD",)"
        R"("nesterov":false,"weight_decay":0.0})");
  NNRT_CHECK_ERROR(optimizerFromJson(json::parse(R"({"name": "Adam",
      "lr": 0.1, "beta1": 0.9, "eps": 1e-8, "weight_decay": 0})"),
                                     "opt"),
                   "opt has no `beta2`");
  NNRT_CHECK_ERROR(optimizerFromJson(json::parse(R"({"name": "SGD",
      "lr": "fast", "momentum": 0, "dampening": 0, "nesterov": false,
      "weight_decay": 0})"),
                                     "opt"),
                   "opt: `lr` is not a number");
  CHECK(describeOptimizer(sgd(0.05, 0.9)) ==
        "SGD(lr=0.05, momentum=0.9, dampening=0, nesterov=false, "
        "weight_decay=0)");
  CHECK(describeOptimizer(defaultOptimizer(OptimizerKind::AdamW)) ==
        "AdamW(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01)");
  CHECK(optimizerStateNames(sgd(0.1)).empty());
  CHECK(optimizerStateNames(sgd(0.1, 0.5)) ==
        std::vector<std::string>{"momentum_buffer"});
  CHECK(optimizerStateNames(defaultOptimizer(OptimizerKind::Adam)) ==
        std::vector<std::string>{"exp_avg", "exp_avg_sq"});
}
