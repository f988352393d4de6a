//===- optimizer.cpp - SGD, Adam and AdamW as per-step update scalars -----===//
//
// PyTorch 1.13's single-tensor updates, for parameter p, gradient g:
//
//   SGD:   d = g + wd * p
//          buf = d                                  (first step)
//          buf = momentum * buf + (1 - dampening) * d   (later steps)
//          d = nesterov ? d + momentum * buf : buf  (when momentum != 0)
//          p -= lr * d
//   Adam:  g = g + wd * p
//          m = beta1 * m + (1 - beta1) * g
//          v = beta2 * v + (1 - beta2) * g * g
//          p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
//   AdamW: p *= 1 - lr * wd, then Adam without the wd term
//
// nnc_update spells all three with fixed formulas and per-step scalars; the
// mapping is the table in optimizer.h. The scalars are computed in double and
// rounded to float once, as PyTorch's Python-side scalars are.
//
//===----------------------------------------------------------------------===//
#include "nnrt/optimizer.h"
#include "nnrt/error.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace nnrt {
namespace {

using nlohmann::json;

// Python's repr of a float, as torch.optim's messages print it ("-0.1",
// "1.0", "1e-05", "nan").
std::string pythonFloat(double value) {
  char text[64];
  double magnitude = std::abs(value);
  bool fixed = value == 0 || (magnitude >= 1e-4 && magnitude < 1e16);
  auto result = std::to_chars(text, text + sizeof text, value,
                              fixed ? std::chars_format::fixed
                                    : std::chars_format::scientific);
  std::string out(text, result.ptr);
  if (std::isfinite(value) && out.find_first_of(".e") == std::string::npos)
    out += ".0";
  return out;
}

// "0.05" rather than "0.050000000000000003": the shortest round trip.
std::string shortest(double value) {
  char text[64];
  auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

[[noreturn]] void invalid(const std::string &what, double value) {
  throw Error(what + ": " + pythonFloat(value));
}

double number(const json &value, const char *key, const std::string &where) {
  auto it = value.find(key);
  if (it == value.end())
    throw Error(where + " has no `" + key + "`");
  if (!it->is_number())
    throw Error(where + ": `" + key + "` is not a number");
  return it->get<double>();
}

bool isSgd(const OptimizerConfig &config) {
  return config.kind == OptimizerKind::SGD;
}

} // namespace

OptimizerConfig defaultOptimizer(OptimizerKind kind) {
  OptimizerConfig config;
  config.kind = kind;
  if (kind != OptimizerKind::SGD)
    config.lr = 1e-3;
  if (kind == OptimizerKind::AdamW)
    config.weightDecay = 1e-2;
  return config;
}

const char *optimizerName(OptimizerKind kind) {
  switch (kind) {
  case OptimizerKind::SGD:
    return "SGD";
  case OptimizerKind::Adam:
    return "Adam";
  case OptimizerKind::AdamW:
    return "AdamW";
  }
  return "?";
}

OptimizerKind parseOptimizerKind(const std::string &name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  for (OptimizerKind kind :
       {OptimizerKind::SGD, OptimizerKind::Adam, OptimizerKind::AdamW}) {
    std::string candidate = optimizerName(kind);
    std::transform(candidate.begin(), candidate.end(), candidate.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (lower == candidate)
      return kind;
  }
  throw Error("unknown optimizer `" + name + "`: nnc has SGD, Adam and AdamW");
}

// The checks of torch.optim.SGD.__init__ and Adam/AdamW.__init__, written
// as !(x >= 0) so that NaN is refused too; infinities, which PyTorch lets
// through to a first step of inf or nan parameters, are refused as well.
void validateOptimizer(const OptimizerConfig &c) {
  auto nonNegative = [](double x) { return x >= 0.0 && std::isfinite(x); };
  if (!nonNegative(c.lr))
    invalid("Invalid learning rate", c.lr);
  if (isSgd(c)) {
    if (!nonNegative(c.momentum))
      invalid("Invalid momentum value", c.momentum);
    if (!nonNegative(c.weightDecay))
      invalid("Invalid weight_decay value", c.weightDecay);
    if (c.nesterov && (c.momentum <= 0 || c.dampening != 0))
      throw Error("Nesterov momentum requires a momentum and zero dampening");
    if (!std::isfinite(c.dampening))
      invalid("Invalid dampening value", c.dampening);
    return;
  }
  if (!nonNegative(c.eps))
    invalid("Invalid epsilon value", c.eps);
  if (!(c.beta1 >= 0.0 && c.beta1 < 1.0))
    invalid("Invalid beta parameter at index 0", c.beta1);
  if (!(c.beta2 >= 0.0 && c.beta2 < 1.0))
    invalid("Invalid beta parameter at index 1", c.beta2);
  if (!nonNegative(c.weightDecay))
    invalid("Invalid weight_decay value", c.weightDecay);
}

json optimizerToJson(const OptimizerConfig &c) {
  json value = {{"name", optimizerName(c.kind)}, {"lr", c.lr}};
  if (isSgd(c)) {
    value["momentum"] = c.momentum;
    value["dampening"] = c.dampening;
    value["nesterov"] = c.nesterov;
  } else {
    value["beta1"] = c.beta1;
    value["beta2"] = c.beta2;
    value["eps"] = c.eps;
  }
  value["weight_decay"] = c.weightDecay;
  return value;
}

OptimizerConfig optimizerFromJson(const json &value, const std::string &where) {
  if (!value.is_object())
    throw Error(where + " is not an object");
  auto name = value.find("name");
  if (name == value.end() || !name->is_string())
    throw Error(where + " has no `name` string (SGD, Adam or AdamW)");
  OptimizerConfig c;
  try {
    c.kind = parseOptimizerKind(name->get<std::string>());
  } catch (const Error &e) {
    throw Error(where + ": " + e.what());
  }
  c.lr = number(value, "lr", where);
  c.weightDecay = number(value, "weight_decay", where);
  if (isSgd(c)) {
    c.momentum = number(value, "momentum", where);
    c.dampening = number(value, "dampening", where);
    auto nesterov = value.find("nesterov");
    if (nesterov == value.end() || !nesterov->is_boolean())
      throw Error(where + " has no boolean `nesterov`");
    c.nesterov = nesterov->get<bool>();
  } else {
    c.beta1 = number(value, "beta1", where);
    c.beta2 = number(value, "beta2", where);
    c.eps = number(value, "eps", where);
  }
  return c;
}

std::string describeOptimizer(const OptimizerConfig &c) {
  std::string text =
      std::string(optimizerName(c.kind)) + "(lr=" + shortest(c.lr);
  if (isSgd(c))
    text += ", momentum=" + shortest(c.momentum) +
            ", dampening=" + shortest(c.dampening) +
            ", nesterov=" + (c.nesterov ? "true" : "false");
  else
    text += ", betas=(" + shortest(c.beta1) + ", " + shortest(c.beta2) +
            "), eps=" + shortest(c.eps);
  return text + ", weight_decay=" + shortest(c.weightDecay) + ")";
}

nnc_update optimizerUpdate(const OptimizerConfig &c, int64_t step) {
  nnc_update u{};
  u.decay = 1.0f;
  if (isSgd(c)) {
    u.rule = NNC_UPDATE_SGD;
    u.lr = float(c.lr);
    u.weight_decay = float(c.weightDecay);
    if (c.momentum == 0) {
      u.d_coef = 1.0f; // p -= lr * d; slot 1 stays 0
      return u;
    }
    // PyTorch's buffer starts as a copy of d: keep 0, take 1 on step 1.
    u.keep = step <= 1 ? 0.0f : float(c.momentum);
    u.take = step <= 1 ? 1.0f : float(1.0 - c.dampening);
    u.d_coef = c.nesterov ? 1.0f : 0.0f;
    u.s1_coef = c.nesterov ? float(c.momentum) : 1.0f;
    return u;
  }
  double t = double(step);
  u.rule = NNC_UPDATE_ADAM;
  u.lr = float(c.lr / (1.0 - std::pow(c.beta1, t)));
  u.bias2_sqrt = float(std::sqrt(1.0 - std::pow(c.beta2, t)));
  u.keep = float(c.beta1);
  u.take = float(1.0 - c.beta1);
  u.keep2 = float(c.beta2);
  u.take2 = float(1.0 - c.beta2);
  u.eps = float(c.eps);
  if (c.kind == OptimizerKind::AdamW) {
    u.decay = float(1.0 - c.lr * c.weightDecay);
  } else {
    u.weight_decay = float(c.weightDecay);
  }
  return u;
}

std::vector<std::string> optimizerStateNames(const OptimizerConfig &c) {
  if (!isSgd(c))
    return {"exp_avg", "exp_avg_sq"};
  if (c.momentum != 0)
    return {"momentum_buffer"};
  return {};
}

} // namespace nnrt
