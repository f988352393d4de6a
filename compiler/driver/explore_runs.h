//===- explore_runs.h - What `nnc explore` learns by running compiled code ===//
//
// The sections of the explorer page that come from running the model's own
// compiled code (through the JIT) rather than from its source: a sample's
// forward pass layer by layer and the comparison of initialisers, both
// read by forward hooks (and, for gradients, by a training step), and the
// activation functions of the stdlib with their derivatives, computed by
// compiled probe models and the autodiff. Each returns the JSON of its
// section in the schema of explore_page.cpp.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "codegen/backend.h"
#include "nnrt/data.h"
#include "nnrt/model.h"

#include <nlohmann/json.hpp>

#include <ostream>
#include <set>
#include <span>
#include <string>

namespace nnc::driver {

/// Mean, std, min, max, the fraction of zeros and a 30-bin histogram of
/// the finite values of `values` ({"mean", ..., "histogram": {lo, hi,
/// counts}}); non-finite statistics are NaN.
nlohmann::json tensorStats(std::span<const float> values);

/// The forward pass of each of the first `count` samples of `data`, one at
/// a time: every module call's output, in call order, with its statistics.
nlohmann::json forwardSection(nnrt::Model &model, const nnrt::Dataset &data, int64_t count);

/// The activations of the `leaves` modules on a batch of `data` (its first
/// `batch` samples) after each of a few initialisations of the weights
/// (every parameter of rank 2 or more), and with a train block the
/// gradients of those weights after one training step. The parameters are
/// re-initialised with `seed` afterwards.
nlohmann::json initSection(nnrt::Model &model, const nnrt::Dataset &data, int64_t batch,
                           const std::set<std::string> &leaves, uint64_t seed);

/// The stdlib's elementwise activations, each applied by a compiled probe
/// model to a grid of x, with the derivative its training step computes
/// (a full backward hook's grad_input over grad_output). Throws
/// std::runtime_error when a probe does not compile.
nlohmann::json activationSection(const codegen::Backend &backend);

} // namespace nnc::driver
