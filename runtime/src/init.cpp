//===- init.cpp - The initialisers of the manifest table ------------------===//
//
// Each initialiser reduces to one of four fills: a constant, uniform(lo, hi),
// normal(mean, std), with kaiming and xavier only computing std or the bound
// from the tensor's fans exactly as torch.nn.init does:
//   kaiming_normal:  std = gain / sqrt(fan)         fan by `mode`
//   kaiming_uniform: bound = sqrt(3) * gain / sqrt(fan)
//   xavier_normal:   std = gain * sqrt(2 / (fan_in + fan_out))
//   xavier_uniform:  bound = sqrt(3) * std
//
//===----------------------------------------------------------------------===//
#include "nnrt/init.h"
#include "nnrt/error.h"
#include "nnrt/rng.h"

#include <cmath>

namespace nnrt {
namespace {

void fillUniform(const TensorRng &rng, double lo, double hi,
                 std::span<float> out) {
  float top = float(hi);
  for (size_t i = 0; i < out.size(); ++i) {
    float value = float(lo + (hi - lo) * rng.uniform(i));
    // Rounding to float can reach `hi`; keep the interval half-open.
    if (value >= top && hi > lo)
      value = std::nextafter(top, float(lo));
    out[i] = value;
  }
}

void fillNormal(const TensorRng &rng, double mean, double std,
                std::span<float> out) {
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = float(mean + std * rng.normal(i));
}

void fillConstant(float value, std::span<float> out) {
  for (float &x : out)
    x = value;
}

} // namespace

Fans calculateFans(const std::vector<int64_t> &shape) {
  if (shape.size() < 2)
    throw Error("fan in and fan out cannot be computed for a tensor with "
                "fewer than 2 dimensions, shape " +
                formatShape(shape));
  int64_t receptive = 1;
  for (size_t d = 2; d < shape.size(); ++d)
    receptive *= shape[d];
  return {shape[1] * receptive, shape[0] * receptive};
}

double calculateGain(std::string_view nonlinearity,
                     std::optional<double> param) {
  if (nonlinearity == "linear" || nonlinearity == "identity" ||
      nonlinearity == "sigmoid" || nonlinearity.starts_with("conv"))
    return 1.0;
  if (nonlinearity == "tanh")
    return 5.0 / 3.0;
  if (nonlinearity == "relu")
    return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") {
    double slope = param.value_or(0.01);
    return std::sqrt(2.0 / (1.0 + slope * slope));
  }
  if (nonlinearity == "selu")
    return 3.0 / 4.0;
  throw Error("unsupported nonlinearity `" + std::string(nonlinearity) + "`");
}

double kaimingStd(const InitSpec &init, const std::vector<int64_t> &shape) {
  Fans fans = calculateFans(shape);
  int64_t fan = init.mode == "fan_out" ? fans.fanOut : fans.fanIn;
  // PyTorch passes `a` to calculate_gain as the leaky_relu slope.
  double gain = calculateGain(init.nonlinearity, init.a);
  return gain / std::sqrt(double(fan));
}

double xavierStd(const InitSpec &init, const std::vector<int64_t> &shape) {
  Fans fans = calculateFans(shape);
  return init.gain * std::sqrt(2.0 / double(fans.fanIn + fans.fanOut));
}

void initTensor(const TensorSpec &tensor, uint64_t seed, std::span<float> out) {
  const InitSpec &init = tensor.init;
  TensorRng rng(seed, tensor.name);
  // PyTorch leaves tensors with a zero dimension alone (kaiming warns).
  if (out.empty())
    return;
  try {
    if (init.fn == "zeros")
      fillConstant(0.0f, out);
    else if (init.fn == "ones")
      fillConstant(1.0f, out);
    else if (init.fn == "constant")
      fillConstant(float(init.value), out);
    else if (init.fn == "uniform")
      fillUniform(rng, init.a, init.b, out);
    else if (init.fn == "normal")
      fillNormal(rng, init.mean, init.std, out);
    else if (init.fn == "randn")
      fillNormal(rng, 0.0, 1.0, out);
    else if (init.fn == "kaiming_normal")
      fillNormal(rng, 0.0, kaimingStd(init, tensor.shape), out);
    else if (init.fn == "kaiming_uniform") {
      double bound = std::sqrt(3.0) * kaimingStd(init, tensor.shape);
      fillUniform(rng, -bound, bound, out);
    } else if (init.fn == "xavier_normal")
      fillNormal(rng, 0.0, xavierStd(init, tensor.shape), out);
    else if (init.fn == "xavier_uniform") {
      double bound = std::sqrt(3.0) * xavierStd(init, tensor.shape);
      fillUniform(rng, -bound, bound, out);
    } else
      throw Error("unknown initialiser `" + init.fn + "`");
  } catch (const Error &e) {
    throw Error("tensor `" + tensor.name + "`: " + init.fn + ": " + e.what());
  }
}

} // namespace nnrt
