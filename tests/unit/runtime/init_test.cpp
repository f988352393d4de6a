//===- init_test.cpp - Initialisers, fans and gains -----------------------===//
//
// PyTorch's fan and gain rules are checked against hand-computed values;
// each initialiser's samples are checked for bounds, mean and standard
// deviation within a few standard errors of the expected distribution.
//
//===----------------------------------------------------------------------===//
#include "nnrt/init.h"
#include "test_util.h"

#include <cmath>
#include <vector>

using namespace nnrt;

namespace {

TensorSpec makeTensor(const std::vector<int64_t> &shape, InitSpec init) {
  TensorSpec tensor;
  tensor.name = "t";
  tensor.shape = shape;
  tensor.init = std::move(init);
  return tensor;
}

struct Moments {
  double mean, std, lo, hi;
};

Moments sample(const TensorSpec &tensor, uint64_t seed = 3) {
  std::vector<float> values(size_t(tensor.numel()));
  initTensor(tensor, seed, values);
  double sum = 0, sumSq = 0, lo = 1e30, hi = -1e30;
  for (float v : values) {
    sum += v;
    sumSq += double(v) * v;
    lo = std::min(lo, double(v));
    hi = std::max(hi, double(v));
  }
  double n = double(values.size()), mean = sum / n;
  return {mean, std::sqrt(sumSq / n - mean * mean), lo, hi};
}

// Mean within 5 standard errors, std within 1.5%.
void checkMoments(const Moments &m, double mean, double std, double n) {
  MESSAGE("mean ", m.mean, " (", mean, ")  std ", m.std, " (", std, ")");
  CHECK(std::abs(m.mean - mean) < 5 * std / std::sqrt(n));
  CHECK(std::abs(m.std - std) < 0.015 * std);
}

InitSpec fn(const std::string &name) {
  InitSpec init;
  init.fn = name;
  return init;
}

} // namespace

TEST_CASE("fans follow torch.nn.init._calculate_fan_in_and_fan_out") {
  Fans linear = calculateFans({256, 784});
  CHECK(linear.fanIn == 784);
  CHECK(linear.fanOut == 256);
  Fans conv = calculateFans({16, 3, 5, 5});
  CHECK(conv.fanIn == 75);
  CHECK(conv.fanOut == 400);
  NNRT_CHECK_ERROR(calculateFans({10}), "fewer than 2 dimensions, shape [10]");
}

TEST_CASE("gains follow torch.nn.init.calculate_gain") {
  for (const char *linear : {"linear", "identity", "conv1d", "conv2d", "conv3d",
                             "conv_transpose2d", "sigmoid"})
    CHECK(calculateGain(linear) == 1.0);
  CHECK(calculateGain("tanh") == doctest::Approx(5.0 / 3.0));
  CHECK(calculateGain("relu") == doctest::Approx(std::sqrt(2.0)));
  CHECK(calculateGain("leaky_relu") ==
        doctest::Approx(std::sqrt(2.0 / (1 + 0.01 * 0.01))));
  CHECK(calculateGain("leaky_relu", 0.0) == doctest::Approx(std::sqrt(2.0)));
  CHECK(calculateGain("leaky_relu", std::sqrt(5.0)) ==
        doctest::Approx(std::sqrt(1.0 / 3.0)));
  CHECK(calculateGain("selu") == 0.75);
  NNRT_CHECK_ERROR(calculateGain("swish"), "unsupported nonlinearity `swish`");
}

TEST_CASE("constant initialisers") {
  std::vector<float> values(6);
  initTensor(makeTensor({2, 3}, fn("zeros")), 1, values);
  CHECK(values == std::vector<float>(6, 0.0f));
  initTensor(makeTensor({2, 3}, fn("ones")), 1, values);
  CHECK(values == std::vector<float>(6, 1.0f));
  InitSpec constant = fn("constant");
  constant.value = 0.25;
  initTensor(makeTensor({2, 3}, constant), 1, values);
  CHECK(values == std::vector<float>(6, 0.25f));
}

TEST_CASE("uniform, normal and randn") {
  InitSpec uniform = fn("uniform");
  uniform.a = -2;
  uniform.b = 4;
  Moments u = sample(makeTensor({100000}, uniform));
  CHECK(u.lo >= -2);
  CHECK(u.hi < 4);
  checkMoments(u, 1.0, 6 / std::sqrt(12.0), 1e5);
  InitSpec normal = fn("normal");
  normal.mean = 3;
  normal.std = 2;
  checkMoments(sample(makeTensor({100000}, normal)), 3, 2, 1e5);
  checkMoments(sample(makeTensor({100000}, fn("randn"))), 0, 1, 1e5);
}

TEST_CASE("kaiming_uniform with a = sqrt(5) is PyTorch's Linear default") {
  InitSpec init = fn("kaiming_uniform");
  init.a = std::sqrt(5.0);
  // gain = sqrt(2 / 6), std = gain / sqrt(784), bound = sqrt(3) std = 1/28.
  Moments m = sample(makeTensor({256, 784}, init));
  CHECK(m.lo >= -1.0 / 28);
  CHECK(m.hi < 1.0 / 28);
  CHECK(m.hi > 0.99 / 28);
  checkMoments(m, 0, 1.0 / 28 / std::sqrt(3.0), 256 * 784);
}

TEST_CASE("kaiming_normal relu fan_out") {
  InitSpec init = fn("kaiming_normal");
  init.nonlinearity = "relu";
  init.mode = "fan_out";
  // fan_out = 128 * 3 * 3
  checkMoments(sample(makeTensor({128, 64, 3, 3}, init)), 0,
               std::sqrt(2.0) / std::sqrt(128.0 * 9), 128 * 64 * 9);
}

TEST_CASE("xavier uniform and normal") {
  InitSpec init = fn("xavier_uniform");
  init.gain = 2.0;
  double std = 2.0 * std::sqrt(2.0 / (300 + 500));
  Moments m = sample(makeTensor({300, 500}, init));
  CHECK(m.hi < std::sqrt(3.0) * std);
  CHECK(m.lo >= -std::sqrt(3.0) * std);
  checkMoments(m, 0, std, 150000);
  init.fn = "xavier_normal";
  checkMoments(sample(makeTensor({300, 500}, init)), 0, std, 150000);
}

TEST_CASE("init errors name the tensor") {
  NNRT_CHECK_ERROR(sample(makeTensor({5}, fn("kaiming_uniform"))),
                   "tensor `t`: kaiming_uniform: fan in and fan out cannot be "
                   "computed for a tensor with fewer than 2 dimensions");
}

TEST_CASE("values depend on seed and name only") {
  TensorSpec a = makeTensor({4, 4}, fn("randn"));
  std::vector<float> first(16), second(16), otherSeed(16), otherName(16);
  initTensor(a, 9, first);
  initTensor(a, 9, second);
  initTensor(a, 10, otherSeed);
  CHECK(first == second);
  CHECK(first != otherSeed);
  a.name = "u";
  initTensor(a, 9, otherName);
  CHECK(first != otherName);
}
