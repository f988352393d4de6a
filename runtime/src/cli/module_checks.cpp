//===- module_checks.cpp - `--check-finite` and `--stats` through hooks ----===//
#include "module_checks.h"
#include "nnrt/error.h"
#include "train_setup.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nnrt::cli {

std::string hookTensorName(const HookCall &call, bool input, const HookTensor &tensor) {
  const HookPointSpec &p = *call.point;
  std::string path = p.module + (p.call > 1 ? "#" + std::to_string(p.call) : "");
  std::string index = std::to_string(tensor.index);
  if (p.backward)
    return path + (input ? ":grad_input." : ":grad_output.") + index;
  if (input)
    return path + ":input." + index;
  return p.outputs.size() == 1 ? path + ":output" : path + ":output." + index;
}

void FiniteCheck::attach(Model &model, bool gradients) {
  auto hook = [this](const HookCall &c) { return check(c); };
  model.addHook(HookKind::Forward, "**", hook);
  if (gradients)
    model.addHook(HookKind::Backward, "**", hook);
}

int FiniteCheck::check(const HookCall &call) {
  for (int side = 0; side < 2; ++side)
    for (const HookTensor &t : side == 0 ? call.inputs : call.outputs) {
      int64_t n = t.numel();
      const float *bad = std::find_if(t.data, t.data + n, [](float v) { return !std::isfinite(v); });
      if (bad == t.data + n)
        continue;
      found_ = "`" + hookTensorName(call, side == 0, t) + "` holds " +
               (std::isnan(*bad) ? "nan" : *bad > 0 ? "inf" : "-inf") + " (element " +
               std::to_string(bad - t.data) + " of " + formatShape(t.shape) + ")";
      return 1;
    }
  return 0;
}

void ActivationStats::attach(Model &model) {
  ids_.push_back(model.addHook(HookKind::Forward, "**", [this](const HookCall &c) {
    for (const HookTensor &t : c.outputs) {
      std::string name = hookTensorName(c, false, t);
      auto it = std::find_if(entries_.begin(), entries_.end(),
                             [&](const Entry &e) { return e.name == name; });
      if (it == entries_.end()) {
        entries_.push_back({name});
        it = entries_.end() - 1;
      }
      int64_t n = t.numel();
      for (int64_t i = 0; i < n; ++i) {
        double v = t.data[i];
        it->sum += v;
        it->squares += v * v;
        it->zeros += v == 0 ? 1 : 0;
      }
      it->count += double(n);
    }
    return 0;
  }));
}

void ActivationStats::detach(Model &model) {
  for (int64_t id : ids_)
    model.hooks().remove(id);
  ids_.clear();
}

namespace {

struct Moments {
  double mean, std, zeros;
};

Moments moments(double count, double sum, double squares, double zeros) {
  if (count == 0)
    return {0, 0, 0};
  double mean = sum / count;
  // PyTorch's std: the unbiased estimate.
  double var = count > 1 ? (squares - count * mean * mean) / (count - 1) : 0.0;
  if (std::isfinite(var))
    var = std::max(0.0, var); // rounding
  else
    var = std::nan("");
  return {mean, std::sqrt(var), zeros / count};
}

} // namespace

void ActivationStats::print(std::ostream &out) const {
  size_t width = 0;
  for (const Entry &e : entries_)
    width = std::max(width, e.name.size());
  for (const Entry &e : entries_) {
    Moments m = moments(e.count, e.sum, e.squares, e.zeros);
    char zeros[32];
    std::snprintf(zeros, sizeof zeros, "%.1f%%", 100 * m.zeros);
    out << "  " << e.name << std::string(width - e.name.size(), ' ') << "  mean "
        << formatMetric(m.mean) << "  std " << formatMetric(m.std) << "  zeros " << zeros
        << "\n";
  }
}

nlohmann::ordered_json ActivationStats::json() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const Entry &e : entries_) {
    Moments m = moments(e.count, e.sum, e.squares, e.zeros);
    out[e.name] = {{"mean", m.mean}, {"std", m.std}, {"zeros", m.zeros}};
  }
  return out;
}

} // namespace nnrt::cli
