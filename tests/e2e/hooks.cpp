//===- hooks.cpp - Forward and full backward hooks on compiled models -----===//
//
// Links tests/e2e/models/shared_layer.nnm (`--prefix shared`: one Linear
// called twice) and examples/mlp.nnm (`--prefix mlp`, Sequential inside a
// model) with libnnrt, and checks the hooks against values computed here
// from the parameters:
//   - no hook: the fused code; a hook: the hooked code, whose outputs are
//     the same bits;
//   - forward hooks see each call's real input and output, with call
//     indices, inner modules before outer ones, patterns as in init;
//   - a replacing hook's output flows on; a hook's status stops the call;
//   - full backward hooks see grad_output and grad_input as PyTorch defines
//     them (the input of the first layer has none), grad_input replaced
//     flows on, and a stopped step updates nothing;
//   - a replacing forward hook is refused in training; bad patterns are
//     refused with the module list.
// usage: hooks   (exit 0 when every check passes)
//
//===----------------------------------------------------------------------===//
#include "nnrt/error.h"
#include "nnrt/model.h"
#include "nnrt/trainer.h"
#include "nnrt_model.h"

#include <cmath>
#include <cstring>
#include <iostream>
#include <string>

extern "C" const nnc_model_descriptor shared_model;
extern "C" const nnc_model_descriptor mlp_model;

namespace {

int failures = 0;

#define EXPECT(cond)                                                                    \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::cerr << __FILE__ << ":" << __LINE__ << ": FAIL: " #cond "\n";                \
      ++failures;                                                                       \
    }                                                                                   \
  } while (0)

using Vec = std::vector<float>;

/// y = x W^T + b for x [rows, in], W [out, in].
Vec linear(const Vec &x, const float *w, const float *b, int64_t rows, int64_t in, int64_t out) {
  Vec y(static_cast<size_t>(rows * out));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < out; ++o) {
      double s = b[o];
      for (int64_t i = 0; i < in; ++i)
        s += double(x[size_t(r * in + i)]) * w[o * in + i];
      y[size_t(r * out + o)] = float(s);
    }
  return y;
}

Vec relu(Vec v) {
  for (float &f : v)
    f = std::max(f, 0.0f);
  return v;
}

bool close(const float *a, const Vec &b, double tol = 1e-5) {
  for (size_t i = 0; i < b.size(); ++i)
    if (std::fabs(double(a[i]) - b[i]) > tol * (1 + std::fabs(double(b[i]))))
      return false;
  return true;
}

Vec batchInput() { return {0.5f, -1.0f, 2.0f, 0.25f, -0.75f, 1.5f, -2.0f, 1.0f}; }

void forwardHooks() {
  nnrt::Model model(nnrt::ModelCode::fromDescriptor(shared_model), 1);
  model.params().initAll(3);
  Vec x = batchInput();
  std::vector<nnrt::Tensor> fused = model.forward({{x.data(), {2, 4}}});

  struct Seen {
    std::string module;
    int64_t call;
    Vec input, output;
  };
  std::vector<Seen> seen;
  model.addHook(nnrt::HookKind::Forward, "**", [&](const nnrt::HookCall &c) {
    EXPECT(!c.training && !c.mayReplace);
    EXPECT(c.inputs.size() == 1 && c.outputs.size() == 1);
    const nnrt::HookTensor &in = c.inputs[0], &out = c.outputs[0];
    seen.push_back({c.point->module, c.point->call, Vec(in.data, in.data + in.numel()),
                    Vec(out.data, out.data + out.numel())});
    return 0;
  });
  std::vector<nnrt::Tensor> hooked = model.forward({{x.data(), {2, 4}}});
  EXPECT(std::memcmp(hooked[0].data.data(), fused[0].data.data(), 6 * sizeof(float)) == 0);

  const float *w = model.params().view("inner.weight").data();
  const float *b = model.params().view("inner.bias").data();
  const float *hw = model.params().view("head.weight").data();
  const float *hb = model.params().view("head.bias").data();
  Vec h1 = linear(x, w, b, 2, 4, 4);
  Vec h2 = linear(relu(h1), w, b, 2, 4, 4);
  Vec y = linear(relu(h2), hw, hb, 2, 4, 3);
  EXPECT(seen.size() == 4);
  if (seen.size() == 4) {
    EXPECT(seen[0].module == "inner" && seen[0].call == 1);
    EXPECT(close(seen[0].input.data(), x) && close(seen[0].output.data(), h1));
    EXPECT(seen[1].module == "inner" && seen[1].call == 2);
    EXPECT(close(seen[1].input.data(), relu(h1)) && close(seen[1].output.data(), h2));
    EXPECT(seen[2].module == "head" && close(seen[2].output.data(), y));
    EXPECT(seen[3].module == "" && close(seen[3].output.data(), y)); // the model, last
  }

  // A replacing hook on the second call of `inner`: zeros flow on, so the
  // output is head(relu(0)) = head's bias on every row.
  model.hooks().clear();
  model.addHook(
      nnrt::HookKind::Forward, "inner",
      [&](const nnrt::HookCall &c) {
        EXPECT(c.mayReplace);
        if (c.point->call == 2)
          std::fill(c.outputs[0].data, c.outputs[0].data + c.outputs[0].numel(), 0.0f);
        return 0;
      },
      true);
  std::vector<nnrt::Tensor> replaced = model.forward({{x.data(), {2, 4}}});
  EXPECT(close(replaced[0].data.data(), {hb[0], hb[1], hb[2], hb[0], hb[1], hb[2]}));

  // A status stops the call, naming the hook.
  model.addHook(nnrt::HookKind::Forward, "head", [](const nnrt::HookCall &) { return 7; });
  try {
    model.forward({{x.data(), {2, 4}}});
    EXPECT(false);
  } catch (const nnrt::HookStopped &e) {
    EXPECT(e.status() == 7);
    EXPECT(std::string(e.what()).find("forward hook on `head` (call 1)") != std::string::npos);
  }

  // Without hooks, the fused code again.
  model.hooks().clear();
  std::vector<nnrt::Tensor> again = model.forward({{x.data(), {2, 4}}});
  EXPECT(std::memcmp(again[0].data.data(), fused[0].data.data(), 6 * sizeof(float)) == 0);

  // Patterns: malformed, or matching nothing, name the modules.
  for (const char *bad : {"net.0", "inner..x", "inner.", "a-b"}) {
    try {
      model.addHook(nnrt::HookKind::Forward, bad, [](const nnrt::HookCall &) { return 0; });
      EXPECT(false);
    } catch (const nnrt::Error &e) {
      std::string m = e.what();
      EXPECT(m.find(bad) != std::string::npos);
    }
  }
}

void sequentialOrder() {
  nnrt::Model model(nnrt::ModelCode::fromDescriptor(mlp_model), 2);
  model.params().initAll(1);
  std::vector<std::string> order;
  model.addHook(nnrt::HookKind::Forward, "**", [&](const nnrt::HookCall &c) {
    order.push_back(c.point->module);
    return 0;
  });
  Vec x(3 * 784);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(i % 17) / 17.0f;
  model.forward({{x.data(), {3, 1, 28, 28}}});
  std::vector<std::string> expected = {"net.0", "net.1", "net.2", "net.3", "net.4", "net", ""};
  EXPECT(order == expected);
  // `net.*` is the layers alone.
  order.clear();
  model.hooks().clear();
  model.addHook(nnrt::HookKind::Forward, "net.*", [&](const nnrt::HookCall &c) {
    order.push_back(c.point->module);
    // net's input is the flattened batch, as PyTorch's Flatten gives it
    if (c.point->module == "net.0")
      EXPECT(c.inputs[0].shape == std::vector<int64_t>({3, 784}));
    return 0;
  });
  model.forward({{x.data(), {3, 1, 28, 28}}});
  EXPECT(order.size() == 5);
}

void backwardHooks() {
  nnrt::Model model(nnrt::ModelCode::fromDescriptor(shared_model), 1);
  model.params().initAll(3);
  nnrt::OptimizerConfig sgd;
  sgd.lr = 0.1;
  nnrt::Trainer trainer(model, sgd);
  nnrt::Batch batch;
  batch.size = 2;
  batch.inputShape = {2, 4};
  batch.inputs = batchInput();
  batch.targetShape = {2, 3};
  batch.targets = {1, 0, 0, 0, 1, 0};

  Vec y;
  struct Grad {
    std::string module;
    int64_t call;
    std::vector<int64_t> inputIndices;
    Vec gradInput, gradOutput;
  };
  std::vector<Grad> grads;
  model.addHook(nnrt::HookKind::Forward, "", [&](const nnrt::HookCall &c) {
    EXPECT(c.training);
    y.assign(c.outputs[0].data, c.outputs[0].data + c.outputs[0].numel());
    return 0;
  });
  model.addHook(nnrt::HookKind::Backward, "**", [&](const nnrt::HookCall &c) {
    Grad g{c.point->module, c.point->call, {}, {}, {}};
    for (const nnrt::HookTensor &t : c.inputs)
      g.inputIndices.push_back(t.index);
    if (!c.inputs.empty())
      g.gradInput.assign(c.inputs[0].data, c.inputs[0].data + c.inputs[0].numel());
    g.gradOutput.assign(c.outputs[0].data, c.outputs[0].data + c.outputs[0].numel());
    grads.push_back(std::move(g));
    return 0;
  });
  Vec headW(model.params().view("head.weight").begin(), model.params().view("head.weight").end());
  trainer.step(batch);
  EXPECT(y.size() == 6);
  // mse: d loss / d y = 2 (y - t) / 6
  Vec dy(6);
  for (size_t i = 0; i < 6 && y.size() == 6; ++i)
    dy[i] = 2.0f * (y[i] - batch.targets[i]) / 6.0f;
  EXPECT(grads.size() == 4);
  if (grads.size() == 4) {
    // Outer first, then head, inner's second call, inner's first call.
    EXPECT(grads[0].module == "" && grads[0].inputIndices.empty());
    EXPECT(close(grads[0].gradOutput.data(), dy));
    EXPECT(grads[1].module == "head" && close(grads[1].gradOutput.data(), dy));
    // head's grad_input = dy @ W_head
    Vec expected(8, 0.0f);
    for (int r = 0; r < 2; ++r)
      for (int i = 0; i < 4; ++i)
        for (int o = 0; o < 3; ++o)
          expected[size_t(r * 4 + i)] += dy[size_t(r * 3 + o)] * headW[size_t(o * 4 + i)];
    EXPECT(grads[1].inputIndices == std::vector<int64_t>({0}));
    EXPECT(close(grads[1].gradInput.data(), expected));
    EXPECT(grads[2].module == "inner" && grads[2].call == 2 && grads[2].inputIndices.size() == 1);
    // The batch input needs no gradient: PyTorch's None.
    EXPECT(grads[3].module == "inner" && grads[3].call == 1 && grads[3].inputIndices.empty());
  }
  EXPECT(trainer.steps() == 1);

  // grad_input replaced by zeros: nothing reaches inner, whose parameters
  // then keep their values (SGD without momentum or decay).
  model.hooks().clear();
  model.addHook(
      nnrt::HookKind::Backward, "head",
      [](const nnrt::HookCall &c) {
        std::fill(c.inputs[0].data, c.inputs[0].data + c.inputs[0].numel(), 0.0f);
        return 0;
      },
      true);
  Vec innerBefore(model.params().view("inner.weight").begin(),
                  model.params().view("inner.weight").end());
  Vec headBefore(model.params().view("head.weight").begin(),
                 model.params().view("head.weight").end());
  trainer.step(batch);
  EXPECT(close(model.params().view("inner.weight").data(), innerBefore, 0));
  EXPECT(!close(model.params().view("head.weight").data(), headBefore, 0));

  // A stopped step updates nothing and does not count.
  model.addHook(nnrt::HookKind::Backward, "inner", [](const nnrt::HookCall &) { return 3; });
  Vec headNow(model.params().view("head.weight").begin(), model.params().view("head.weight").end());
  try {
    trainer.step(batch);
    EXPECT(false);
  } catch (const nnrt::HookStopped &e) {
    EXPECT(e.status() == 3);
  }
  EXPECT(close(model.params().view("head.weight").data(), headNow, 0));
  EXPECT(trainer.steps() == 2);

  // A replacing forward hook cannot train.
  model.hooks().clear();
  model.addHook(nnrt::HookKind::Forward, "head", [](const nnrt::HookCall &) { return 0; }, true);
  try {
    trainer.step(batch);
    EXPECT(false);
  } catch (const nnrt::Error &e) {
    EXPECT(std::string(e.what()).find("cannot differentiate") != std::string::npos);
  }
}

} // namespace

int main() {
  try {
    forwardHooks();
    sequentialOrder();
    backwardHooks();
  } catch (const std::exception &e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  if (failures) {
    std::cerr << failures << " check(s) failed\n";
    return 1;
  }
  std::cout << "hooks: all checks passed\n";
  return 0;
}
