//===- explore_runs.cpp - What `nnc explore` learns by running compiled code ===//
//
// Everything here runs the code nnc generated, never a formula written
// again: the layers' values are read by forward hooks on the hooked
// variant, gradients come from the compiled training step, and the
// activation functions and their derivatives from probe models compiled
// from the stdlib's own modules.
//
//===----------------------------------------------------------------------===//
#include "driver/explore_runs.h"
#include "driver/model_arena.h"
#include "driver/model_module.h"
#include "driver/paths.h"
#include "nnrt/error.h"
#include "nnrt/init.h"
#include "nnrt/trainer.h"
#include "sema/sema.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace fs = std::filesystem;

namespace nnc::driver {
namespace {

using nlohmann::json;
constexpr int kBins = 30;

/// JSON has no NaN: a non-finite statistic is written as null (the page
/// shows it as missing).
json finiteOrNull(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

/// The batch of the first `n` samples of `data`, as a training step takes it.
nnrt::Batch firstSamples(const nnrt::Dataset &data, int64_t n) {
  nnrt::Batch b;
  b.size = n;
  b.inputShape = {n};
  b.inputShape.insert(b.inputShape.end(), data.sampleShape.begin(), data.sampleShape.end());
  b.inputs.assign(data.inputs.begin(), data.inputs.begin() + n * data.sampleNumel());
  if (data.targetKind == nnrt::TargetKind::ClassIndex) {
    b.labels.assign(data.labels.begin(), data.labels.begin() + n);
  } else {
    b.targetShape = {n};
    b.targetShape.insert(b.targetShape.end(), data.targetShape.begin(), data.targetShape.end());
    b.targets.assign(data.targets.begin(), data.targets.begin() + n * data.targetNumel());
  }
  for (int64_t i = 0; i < n; ++i)
    b.indices.push_back(i);
  return b;
}

/// One initialisation the comparison tries: its label, and the initialiser
/// of the weights (empty fn: the model's own, the manifest's).
struct Scheme {
  const char *label;
  nnrt::InitSpec init;
};

std::vector<Scheme> schemes() {
  nnrt::InitSpec own, kaiming, xavier, small, unit;
  kaiming.fn = "kaiming_normal";
  kaiming.a = 0;
  kaiming.nonlinearity = "relu";
  xavier.fn = "xavier_uniform";
  small.fn = "normal";
  small.std = 0.01;
  unit.fn = "normal";
  unit.std = 1.0;
  return {{"the model's own", own},
          {"kaiming_normal (relu)", kaiming},
          {"xavier_uniform", xavier},
          {"normal(0, 0.01)", small},
          {"normal(0, 1)", unit}};
}

/// Every weight (a parameter of rank 2 or more) initialised by `init`,
/// everything else by its own initialiser.
void initialise(nnrt::Model &model, const nnrt::InitSpec &init, uint64_t seed) {
  model.params().initAll(seed);
  if (init.fn.empty())
    return;
  for (const nnrt::TensorSpec &spec : model.manifest().tensors) {
    if (spec.kind != "param" || spec.shape.size() < 2)
      continue;
    nnrt::TensorSpec changed = spec;
    changed.init = init;
    nnrt::initTensor(changed, seed, model.params().view(spec.name));
  }
}

/// A module's output as its hook saw it: "net.0", or "net.0 (output 1)"
/// for the items of a returned tuple.
std::string outputLabel(const nnrt::HookCall &call, size_t i) {
  std::string label = call.point->module.empty() ? "(model)" : call.point->module;
  if (call.outputs.size() > 1)
    label += " (output " + std::to_string(i) + ")";
  return label;
}

} // namespace

json tensorStats(std::span<const float> values) {
  double sum = 0, sumSq = 0, lo = INFINITY, hi = -INFINITY;
  int64_t finite = 0, zeros = 0;
  for (float v : values) {
    zeros += v == 0.0f;
    if (!std::isfinite(v))
      continue;
    ++finite;
    sum += v;
    sumSq += double(v) * v;
    lo = std::min(lo, double(v));
    hi = std::max(hi, double(v));
  }
  double nan = std::numeric_limits<double>::quiet_NaN();
  double mean = finite ? sum / double(finite) : nan;
  double var = finite ? std::max(0.0, sumSq / double(finite) - mean * mean) : nan;
  json stats = {{"mean", finiteOrNull(mean)},
                {"std", finiteOrNull(std::sqrt(var))},
                {"min", finiteOrNull(finite ? lo : nan)},
                {"max", finiteOrNull(finite ? hi : nan)},
                {"zeros", values.empty() ? 0.0 : double(zeros) / double(values.size())}};
  std::vector<int64_t> counts(kBins, 0);
  if (finite) {
    double a = lo, b = hi;
    if (b - a < 1e-12 * std::max(1.0, std::fabs(b))) // all equal: a bin around the value
      a -= 0.5, b += 0.5;
    for (float v : values)
      if (std::isfinite(v))
        ++counts[size_t(std::min<int64_t>(kBins - 1, int64_t((v - a) / (b - a) * kBins)))];
    stats["histogram"] = {{"lo", a}, {"hi", b}, {"counts", counts}};
  } else {
    stats["histogram"] = {{"lo", 0.0}, {"hi", 1.0}, {"counts", counts}};
  }
  return stats;
}

json forwardSection(nnrt::Model &model, const nnrt::Dataset &data, int64_t count) {
  json samples = json::array();
  json layers;
  int64_t id = model.addHook(nnrt::HookKind::Forward, "**", [&](const nnrt::HookCall &call) {
    for (size_t i = 0; i < call.outputs.size(); ++i) {
      const nnrt::HookTensor &t = call.outputs[i];
      json layer = tensorStats({t.data, size_t(nnrt::shapeNumel(t.shape))});
      layer["module"] = outputLabel(call, i);
      layer["call"] = call.point->call;
      layer["shape"] = t.shape;
      layers.push_back(std::move(layer));
    }
    return 0;
  });
  std::vector<int64_t> shape = {1};
  shape.insert(shape.end(), data.sampleShape.begin(), data.sampleShape.end());
  for (int64_t s = 0; s < std::min(count, data.size()); ++s) {
    layers = json::array();
    model.forward({{data.inputs.data() + s * data.sampleNumel(), shape}});
    std::string label = "sample " + std::to_string(s) + " of " + fs::path(data.source).filename().string();
    if (data.targetKind == nnrt::TargetKind::ClassIndex)
      label += " (class " + std::to_string(data.labels[size_t(s)]) + ")";
    samples.push_back({{"label", label}, {"layers", layers}});
  }
  model.hooks().remove(id);
  return {{"samples", samples}};
}

json initSection(nnrt::Model &model, const nnrt::Dataset &data, int64_t batch,
                 const std::set<std::string> &leaves, uint64_t seed) {
  batch = std::min(batch, data.size());
  nnrt::Batch b = firstSamples(data, batch);
  bool trains = model.manifest().training && model.code().hasTraining();
  std::unique_ptr<nnrt::Trainer> trainer;
  if (trains)
    trainer = std::make_unique<nnrt::Trainer>(model, model.manifest().training->optimizer);
  json initializers = json::array();
  for (const Scheme &scheme : schemes()) {
    initialise(model, scheme.init, seed);
    json activations = json::array();
    int64_t id = model.addHook(nnrt::HookKind::Forward, "**", [&](const nnrt::HookCall &call) {
      if (!leaves.count(call.point->module))
        return 0;
      for (size_t i = 0; i < call.outputs.size(); ++i) {
        const nnrt::HookTensor &t = call.outputs[i];
        json stats = tensorStats({t.data, size_t(nnrt::shapeNumel(t.shape))});
        activations.push_back(
            {{"module", outputLabel(call, i)}, {"std", stats["std"]}, {"histogram", stats["histogram"]}});
      }
      return 0;
    });
    model.forward({{b.inputs.data(), b.inputShape}});
    model.hooks().remove(id);
    json entry = {{"name", scheme.label}, {"activations", activations}};
    if (trainer) {
      trainer->step(b); // the gradients of the parameters as initialised
      json gradients = json::array();
      for (const nnrt::TensorSpec &spec : model.manifest().tensors) {
        if (spec.kind != "param" || spec.shape.size() < 2 || !spec.trainable)
          continue;
        json stats = tensorStats(trainer->stateView(0, spec));
        gradients.push_back(
            {{"module", spec.name}, {"std", stats["std"]}, {"histogram", stats["histogram"]}});
      }
      entry["gradients"] = gradients;
    }
    initializers.push_back(entry);
  }
  model.params().initAll(seed);
  json section = {{"initializers", initializers}};
  if (!trains)
    section["gradients_note"] = "no train block with a loss: gradient distributions need one";
  return section;
}

namespace {

/// The stdlib's elementwise activation modules, as a model writes them.
/// Softmax and LogSoftmax are left out: they map a vector to a vector, not
/// a number to a number.
struct Activation {
  const char *label, *construct;
};
constexpr Activation kActivations[] = {
    {"ReLU", "ReLU()"},
    {"LeakyReLU(0.01)", "LeakyReLU()"},
    {"GELU", "GELU()"},
    {"GELU(tanh)", "GELU(approximate: \"tanh\")"},
    {"Sigmoid", "Sigmoid()"},
    {"Tanh", "Tanh()"},
    {"SiLU", "SiLU()"},
};
constexpr int kGrid = 241; // x from -6 to 6 in steps of 0.05

/// A probe of each activation: `act` applied to x times a parameter of
/// ones (so that the backward hook of `act` gets a grad_input), trained on
/// a mean squared error.
std::string probeSource() {
  std::ostringstream src;
  for (size_t i = 0; i < std::size(kActivations); ++i)
    src << "module Probe" << i << " {\n"
        << "    param s: [" << kGrid << "] = ones()\n"
        << "    act = " << kActivations[i].construct << "\n"
        << "    forward(x: [B, " << kGrid << "]) -> [B, " << kGrid << "] { return act(x * s) }\n"
        << "}\n";
  src << "train {\n    loss = mse(output, target)\n    optimizer = SGD(lr: 0.01)\n    batch = 1\n}\n";
  return src.str();
}

/// A private temporary folder, removed with the object.
struct TempDir {
  std::string path = (fs::temp_directory_path() / "nnc-explore-XXXXXX").string();
  TempDir() {
    if (!::mkdtemp(path.data()))
      throw std::runtime_error("cannot create a temporary folder `" + path +
                               "`: " + std::strerror(errno));
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

} // namespace

json activationSection(const codegen::Backend &backend) {
  TempDir dir;
  std::string file = dir.path + "/activations.nnm";
  std::ofstream(file) << probeSource();
  std::ostringstream messages;
  SourceManager sources;
  DiagnosticEngine diags(sources, messages);
  sema::Program program;
  if (!sema::loadProgram(file, stdlibDir(), sources, diags, program))
    throw std::runtime_error("the activation probes do not parse:\n" + messages.str());
  std::vector<float> x(kGrid);
  for (int i = 0; i < kGrid; ++i)
    x[size_t(i)] = -6.0f + 0.05f * float(i);
  json section = json::array();
  for (size_t k = 0; k < std::size(kActivations); ++k) {
    std::unique_ptr<sema::Model> probe =
        sema::elaborate(program, "Probe" + std::to_string(k), sources, diags);
    int status = 0;
    std::unique_ptr<JitModel> jit;
    if (probe)
      jit = jitCompile(*probe, layoutModelArena(*probe), backend, messages, status);
    if (!jit)
      throw std::runtime_error(std::string("the probe of ") + kActivations[k].label +
                               " does not compile:\n" + messages.str());
    nnrt::Model model(jit->code(), 1);
    model.params().initAll(0);
    std::vector<nnrt::Tensor> y = model.forward({{x.data(), {1, kGrid}}});
    // Targets one below the outputs: dL/dy is the same for every element,
    // so the derivative is grad_input / grad_output.
    nnrt::Batch batch;
    batch.size = 1;
    batch.inputShape = {1, kGrid};
    batch.inputs = x;
    batch.targetShape = {1, kGrid};
    for (float v : y[0].data)
      batch.targets.push_back(v - 1.0f);
    batch.indices = {0};
    std::vector<float> dy(kGrid, NAN);
    model.addHook(nnrt::HookKind::Backward, "act", [&](const nnrt::HookCall &call) {
      if (call.inputs.empty() || call.outputs.empty())
        return 1;
      for (int i = 0; i < kGrid; ++i)
        dy[size_t(i)] = call.inputs[0].data[i] / call.outputs[0].data[i];
      return 0;
    });
    nnrt::Trainer trainer(model, model.manifest().training->optimizer);
    trainer.step(batch);
    section.push_back(
        {{"name", kActivations[k].label}, {"x", x}, {"y", y[0].data}, {"dy", dy}});
  }
  return section;
}

} // namespace nnc::driver
