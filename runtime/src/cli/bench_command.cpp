//===- bench_command.cpp - `model bench`: step times on random data -------===//
//
// Times the compiled forward pass, or with --train the compiled training
// step (forward, loss, backward and the optimizer update of the train
// block), on random data, in process, so that the figure excludes start-up
// and file I/O. Every symbolic dimension takes the --batch value. After a
// warm-up, iterations run until --seconds have passed (at least
// --min-iters); each is timed alone and the median is reported, since a
// shared machine's interruptions land in the mean. bench/ compares the
// figures with PyTorch's. The buffers are sized from --batch, so their size
// is checked against the machine's memory before anything is allocated
// (memory.h).
//
//===----------------------------------------------------------------------===//
#include "cli.h"
#include "nnrt/error.h"
#include "nnrt/memory.h"
#include "nnrt/model.h"
#include "nnrt/trainer.h"
#include "numeric_flags.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

namespace nnrt::cli {
namespace {

// A day: a longer benchmark is a typo, not a measurement.
constexpr double kMaxSeconds = 86400;

/// The flags as given.
struct BenchFlags {
  std::string batch = "64", seconds = "1", minIters = "10";
  std::string params;
  bool json = false;
  bool train = false;
  bool hooked = false;
  std::optional<std::string> threads;
  std::string device = "cpu";
};

/// The flags checked.
struct BenchOptions {
  int64_t batch = 64;
  double seconds = 1.0;
  int64_t minIters = 10;
  std::string params;
  bool json = false;
  bool train = false;
};

BenchOptions resolve(const BenchFlags &flags) {
  BenchOptions options;
  options.batch = integerFlag("--batch", flags.batch, 1);
  options.seconds = realFlag("--seconds", flags.seconds);
  if (!(options.seconds >= 0 && options.seconds <= kMaxSeconds))
    throw Error("--seconds must be in [0, 86400], got " + flags.seconds);
  options.minIters = integerFlag("--min-iters", flags.minIters, 1);
  options.params = flags.params;
  options.json = flags.json;
  options.train = flags.train;
  return options;
}

/// A linear congruential generator: the same data on every run and machine.
struct Lcg {
  uint32_t state = 12345;
  uint32_t next() { return state = state * 1664525u + 1013904223u; }
  float uniform() { return static_cast<float>(next() >> 8) / 8388608.0f - 1.0f; }
};

// Random values in [-1, 1) for a tensor of `shape`, its size checked first.
std::vector<float> randomValues(const std::string &what,
                                const std::vector<int64_t> &shape, Lcg &rng) {
  int64_t n = shapeNumel(shape);
  checkAllocation(n, sizeof(float), what + " of shape " + formatShape(shape));
  std::vector<float> values(static_cast<size_t>(n));
  for (float &v : values)
    v = rng.uniform();
  return values;
}

/// What the timing loop measured.
struct Timing {
  int64_t iterations = 0;
  double seconds = 0;    ///< all iterations together
  double median = 0;     ///< seconds per iteration
  double mean = 0;       ///< seconds per iteration
};

Timing measure(const BenchOptions &options, const std::function<void()> &once) {
  for (int i = 0; i < 3; ++i)
    once();
  using Clock = std::chrono::steady_clock;
  std::vector<double> times;
  Clock::time_point start = Clock::now();
  double elapsed = 0;
  while (static_cast<int64_t>(times.size()) < options.minIters ||
         elapsed < options.seconds) {
    Clock::time_point before = Clock::now();
    once();
    Clock::time_point after = Clock::now();
    times.push_back(std::chrono::duration<double>(after - before).count());
    elapsed = std::chrono::duration<double>(after - start).count();
  }
  Timing t;
  t.iterations = static_cast<int64_t>(times.size());
  t.seconds = elapsed;
  t.mean = elapsed / static_cast<double>(t.iterations);
  auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
  std::nth_element(times.begin(), middle, times.end());
  t.median = *middle;
  return t;
}

// The model inputs, random, with every symbol at --batch.
std::vector<std::vector<float>> randomInputs(const Manifest &m,
                                             const std::vector<int64_t> &dims,
                                             Lcg &rng,
                                             std::vector<InputRef> &refs) {
  std::vector<std::vector<float>> data;
  data.reserve(m.inputs.size());
  for (const IoSpec &in : m.inputs) {
    std::vector<int64_t> shape = evaluateShape(in.shape, dims);
    data.push_back(randomValues("input `" + in.name + "`", shape, rng));
    refs.push_back({data.back().data(), shape});
  }
  return data;
}

// One batch of random training data: inputs in [-1, 1), class labels
// uniform over the classes or float targets in [-1, 1).
Batch randomBatch(const Manifest &m, const std::vector<int64_t> &dims, Lcg &rng) {
  if (m.inputs.size() != 1)
    throw Error("bench --train: the model has " + std::to_string(m.inputs.size()) +
                " inputs; training takes models with one");
  const TrainingSpec &t = *m.training;
  Batch batch;
  batch.inputShape = evaluateShape(m.inputs[0].shape, dims);
  batch.size = batch.inputShape.empty() ? 1 : batch.inputShape[0];
  batch.inputs = randomValues("input `" + m.inputs[0].name + "`", batch.inputShape, rng);
  if (t.classTargets) {
    int64_t classes = t.numClasses();
    batch.labels.resize(static_cast<size_t>(batch.size));
    for (int64_t &label : batch.labels)
      label = static_cast<int64_t>(rng.next() >> 8) % classes;
  } else {
    batch.targetShape = evaluateShape(t.target.shape, dims);
    batch.targets = randomValues("target", batch.targetShape, rng);
  }
  for (int64_t i = 0; i < batch.size; ++i)
    batch.indices.push_back(i);
  return batch;
}

// The process's peak resident memory in bytes (VmHWM: this program's own,
// unlike getrusage's ru_maxrss, which keeps the peak of the process that
// exec'd it); -1 where /proc does not say.
int64_t peakResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0)
      return std::stoll(line.substr(6)) * 1024; // "VmHWM:   10204 kB"
  return -1;
}

void run(const Context &context, const BenchFlags &flags) {
  BenchOptions options = resolve(flags);
  checkDevice(flags.device);
  Model model(context.code, threadsFlag(flags.threads));
  const Manifest &m = model.manifest();
  if (options.train)
    requireTraining(model);
  if (options.params.empty())
    model.params().initAll(0);
  else
    model.params().load(options.params);
  std::vector<int64_t> dims(m.symbols.size(), options.batch);
  // --hooked: a hook that does nothing on every module, so that the hooked
  // variant runs: its cost, without a hook's own.
  if (flags.hooked) {
    auto none = [](const HookCall &) { return 0; };
    model.addHook(HookKind::Forward, "**", none);
    if (options.train)
      model.addHook(HookKind::Backward, "**", none);
  }
  Lcg rng;
  Timing timing;
  if (options.train) {
    Trainer trainer(model, m.training->optimizer);
    Batch batch;
    try {
      batch = randomBatch(m, dims, rng);
    } catch (const Error &e) {
      throw Error("--batch " + std::to_string(options.batch) + ": " + e.what());
    }
    timing = measure(options, [&] { trainer.step(batch); });
  } else {
    std::vector<InputRef> inputs;
    std::vector<std::vector<float>> data;
    try {
      data = randomInputs(m, dims, rng, inputs);
    } catch (const Error &e) {
      throw Error("--batch " + std::to_string(options.batch) + ": " + e.what());
    }
    std::vector<Tensor> outputs;
    timing = measure(options, [&] { model.forward(inputs, outputs); });
  }
  const char *unit = options.train ? "step" : "batch";
  double samples = static_cast<double>(options.batch) / timing.median;
  if (options.json) {
    nlohmann::json j = {{"model", m.model},
                        {"what", options.train ? "train_step" : "forward"},
                        {"hooked", flags.hooked},
                        {"batch", options.batch},
                        {"threads", model.threads()},
                        {"iterations", timing.iterations},
                        {"seconds", timing.seconds},
                        {std::string("ms_per_") + unit, timing.median * 1e3},
                        {"mean_ms", timing.mean * 1e3},
                        {"samples_per_second", samples},
                        {"peak_memory_bytes", peakResidentBytes()}};
    context.out << j.dump() << "\n";
    return;
  }
  char line[200];
  std::snprintf(line, sizeof line,
                "%s%s%s batch %lld: %.4f ms per %s, %s samples/s (%lld iterations, "
                "%d thread%s)\n",
                m.model.c_str(), flags.hooked ? " hooked" : "",
                options.train ? " training step," : "",
                static_cast<long long>(options.batch), timing.median * 1e3, unit,
                withThousands(static_cast<int64_t>(samples)).c_str(),
                static_cast<long long>(timing.iterations), model.threads(),
                model.threads() == 1 ? "" : "s");
  context.out << line;
}

} // namespace

Command addBenchCommand(CLI::App &parent, const Context &context) {
  CLI::App *app = parent.add_subcommand(
      "bench", "Time the forward pass (or a training step) on random data");
  auto options = std::make_shared<BenchFlags>();
  app->add_option("--batch", options->batch,
                  "Value of every symbolic dimension (default 64)")
      ->type_name("INT");
  app->add_option("--seconds", options->seconds,
                  "Measure for at least this long, at most 86400 (default 1)")
      ->type_name("FLOAT");
  app->add_option("--min-iters", options->minIters,
                  "Measure at least this many iterations, at least 1 "
                  "(default 10)")
      ->type_name("INT");
  app->add_option("--params", options->params,
                  "Parameters (.safetensors); default: init with seed 0");
  app->add_flag("--train", options->train,
                "Time the training step (forward, loss, backward, update) "
                "of the train block instead of the forward pass");
  app->add_flag("--hooked", options->hooked,
                "Time the hooked variant (what runs while a hook is registered), with a hook "
                "that does nothing on every module");
  app->add_flag("--json", options->json, "Print one JSON object");
  addThreadsOption(app, options->threads);
  addDeviceOption(app, options->device);
  return {app, [context, options] { run(context, *options); }};
}

} // namespace nnrt::cli
