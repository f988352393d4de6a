//===- init.h - PyTorch's parameter initialisers --------------------------===//
//
// Fills a tensor according to its manifest initialiser, with the fan and gain
// rules of torch.nn.init so the distributions match PyTorch's (the values
// differ: they come from nnrt's Philox stream, see rng.h). Every value of a
// tensor depends only on (seed, tensor name, element index).
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_INIT_H
#define NNRT_INIT_H

#include "nnrt/manifest.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace nnrt {

/// torch.nn.init._calculate_fan_in_and_fan_out.
struct Fans {
  int64_t fanIn = 0;
  int64_t fanOut = 0;
};

/// fan_in = shape[1] * receptive, fan_out = shape[0] * receptive, receptive =
/// prod(shape[2:]). Throws Error for fewer than 2 dimensions, as PyTorch does.
Fans calculateFans(const std::vector<int64_t> &shape);

/// torch.nn.init.calculate_gain: linear, identity, conv*, conv_transpose*,
/// sigmoid: 1; tanh: 5/3; relu: sqrt(2); leaky_relu: sqrt(2 / (1 + a^2)) with
/// a = `param`, 0.01 when absent; selu: 3/4. Throws Error for anything else.
double calculateGain(std::string_view nonlinearity,
                     std::optional<double> param = std::nullopt);

/// The standard deviation kaiming_* uses: gain(nonlinearity, a) / sqrt(fan).
double kaimingStd(const InitSpec &init, const std::vector<int64_t> &shape);

/// The standard deviation xavier_* uses: gain * sqrt(2 / (fan_in + fan_out)).
double xavierStd(const InitSpec &init, const std::vector<int64_t> &shape);

/// Fills `out` (tensor.numel() floats) from the tensor's initialiser.
void initTensor(const TensorSpec &tensor, uint64_t seed, std::span<float> out);

} // namespace nnrt

#endif // NNRT_INIT_H
