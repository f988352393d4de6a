//===- bench_command.cpp - `model bench`: forward-pass throughput ---------===//
//
// Times the compiled forward pass on random inputs, in process, so that the
// figure excludes start-up and file I/O. Every symbolic dimension takes the
// --batch value. After a warm-up, iterations run until --seconds have passed
// (at least --min-iters). bench/ compares the figures with PyTorch's. The
// input buffers are sized from --batch, so their size is checked against the
// machine's memory before anything is allocated (memory.h).
//
//===----------------------------------------------------------------------===//
#include "cli.h"
#include "nnrt/error.h"
#include "nnrt/memory.h"
#include "nnrt/model.h"
#include "numeric_flags.h"

#include <chrono>
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
};

/// The flags checked.
struct BenchOptions {
  int64_t batch = 64;
  double seconds = 1.0;
  int64_t minIters = 10;
  std::string params;
  bool json = false;
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
  return options;
}

// Random values in [-1, 1) for one input, its size checked first.
std::vector<float> randomInput(const IoSpec &in,
                               const std::vector<int64_t> &shape,
                               uint32_t &state) {
  int64_t n = shapeNumel(shape);
  checkAllocation(n, sizeof(float),
                  "input `" + in.name + "` of shape " + formatShape(shape));
  std::vector<float> values(static_cast<size_t>(n));
  for (float &v : values) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<float>(state >> 8) / 8388608.0f - 1.0f;
  }
  return values;
}

void run(const Context &context, const BenchFlags &flags) {
  BenchOptions options = resolve(flags);
  Model model(context.code);
  const Manifest &m = model.manifest();
  if (options.params.empty())
    model.params().initAll(0);
  else
    model.params().load(options.params);
  std::vector<int64_t> dims(m.symbols.size(), options.batch);
  std::vector<std::vector<float>> data;
  std::vector<InputRef> inputs;
  uint32_t state = 12345;
  try {
    for (const IoSpec &in : m.inputs) {
      std::vector<int64_t> shape = evaluateShape(in.shape, dims);
      data.push_back(randomInput(in, shape, state));
      inputs.push_back({data.back().data(), shape});
    }
  } catch (const Error &e) {
    throw Error("--batch " + std::to_string(options.batch) + ": " + e.what());
  }
  for (int i = 0; i < 3; ++i)
    model.forward(inputs);
  using Clock = std::chrono::steady_clock;
  Clock::time_point start = Clock::now();
  int64_t iters = 0;
  double elapsed = 0;
  while (iters < options.minIters || elapsed < options.seconds) {
    model.forward(inputs);
    ++iters;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  double perBatch = elapsed / static_cast<double>(iters);
  double samples = static_cast<double>(options.batch) / perBatch;
  if (options.json) {
    nlohmann::json j = {{"model", m.model},       {"batch", options.batch},
                        {"iterations", iters},    {"seconds", elapsed},
                        {"ms_per_batch", perBatch * 1e3},
                        {"samples_per_second", samples}};
    context.out << j.dump() << "\n";
    return;
  }
  char line[160];
  std::snprintf(line, sizeof line,
                "%s batch %lld: %.4f ms per batch, %s samples/s (%lld iterations)\n",
                m.model.c_str(), static_cast<long long>(options.batch),
                perBatch * 1e3, withThousands(static_cast<int64_t>(samples)).c_str(),
                static_cast<long long>(iters));
  context.out << line;
}

} // namespace

Command addBenchCommand(CLI::App &parent, const Context &context) {
  CLI::App *app = parent.add_subcommand(
      "bench", "Time the forward pass on random inputs");
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
  app->add_flag("--json", options->json, "Print one JSON object");
  return {app, [context, options] { run(context, *options); }};
}

} // namespace nnrt::cli
