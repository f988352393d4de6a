//===- info_command.cpp - `./model info [--json]` -------------------------===//
//
// What the binary holds: the model, its inputs and outputs with symbolic
// shapes, the table of tensors, PyTorch-style parameter totals, for a model
// with a train block its loss and training defaults, and the memory a call
// needs at the train block's batch size (the workspace functions' answer,
// with the workspace buffers that share memory counted once). `--json`
// prints the manifest with the totals and the memory added, for tools.
//
//===----------------------------------------------------------------------===//
#include "cli.h"
#include "nnrt/error.h"
#include "nnrt/memory.h"

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace nnrt::cli {
namespace {

using Row = std::vector<std::string>;

// Prints rows as left-aligned columns separated by two spaces.
void printTable(std::ostream &out, const std::vector<Row> &rows) {
  std::vector<size_t> widths;
  for (const Row &row : rows)
    for (size_t c = 0; c < row.size(); ++c) {
      widths.resize(std::max(widths.size(), row.size()), 0);
      widths[c] = std::max(widths[c], row[c].size());
    }
  for (const Row &row : rows) {
    std::string line = "  ";
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size())
        line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    out << line << "\n";
  }
}

void printIo(std::ostream &out, const char *title,
             const std::vector<IoSpec> &specs) {
  out << title << ":\n";
  std::vector<Row> rows;
  for (const IoSpec &spec : specs)
    rows.push_back({spec.name, formatDims(spec.shape), spec.dtype});
  printTable(out, rows);
}

// training: loss mse(output, target), target [B, 2] (values)
//   optimizer SGD(lr=0.1, ...)
//   batch 4  epochs 3  seed 0  shuffle yes  validation 0  normalize none
void printTraining(std::ostream &out, const Manifest &m) {
  if (!m.training) {
    out << "training: none (no train block)\n";
    return;
  }
  const TrainingSpec &t = *m.training;
  std::ostringstream validation;
  validation << t.validation;
  out << "training: loss " << (t.lossSource.empty() ? t.loss : t.lossSource)
      << ", target " << formatDims(t.target.shape)
      << (t.classTargets ? " (one-hot class labels)" : " (values)") << "\n"
      << "  optimizer " << describeOptimizer(t.optimizer) << "\n"
      << "  batch " << t.batch << "  epochs " << t.epochs << "  seed " << t.seed
      << "  shuffle " << (t.shuffle ? "yes" : "no") << "  validation "
      << validation.str() << "  normalize " << t.normalize << "\n";
  if (t.data)
    out << "  data " << *t.data << "\n";
}

/// What a call needs at one batch size: every symbol at `batch`, on one
/// thread; `perThread` is what each further thread adds (its packing
/// scratch). -1: the size does not fit in 64 bits.
struct MemoryUse {
  int64_t batch = 1;
  int64_t parameters = 0, forward = 0, train = -1, state = 0, perThread = 0;
};

MemoryUse memoryUse(const ModelCode &code, const Manifest &m) {
  MemoryUse use;
  use.batch = m.training ? m.training->batch : 1;
  std::vector<int64_t> dims(m.symbols.size(), use.batch);
  nnc_context one{}, two{};
  one.threads = 1;
  two.threads = 2; // sizes only: no task runs
  use.parameters = m.arenaElements * int64_t(sizeof(float));
  use.forward = code.workspace(&one, dims.data());
  int64_t forwardTwo = code.workspace(&two, dims.data());
  use.perThread = use.forward >= 0 && forwardTwo >= 0 ? forwardTwo - use.forward : -1;
  if (m.training && code.hasTraining()) {
    use.train = code.trainWorkspace(&one, dims.data());
    use.state = 3 * use.parameters;
  }
  return use;
}

std::string bytesText(int64_t bytes) {
  return bytes < 0 ? "more than 2^63 bytes" : formatBytes(uint64_t(bytes));
}

// memory at batch 64, one thread: parameters 918.6 KiB, forward workspace ...
void printMemory(std::ostream &out, const MemoryUse &use, bool training) {
  out << "memory at batch " << use.batch << " (every symbol " << use.batch
      << "), one thread: parameters " << bytesText(use.parameters)
      << ", forward workspace " << bytesText(use.forward);
  if (training)
    out << ", training step workspace " << bytesText(use.train)
        << " and optimizer state " << bytesText(use.state);
  out << "\n";
  if (use.perThread != 0)
    out << "  each thread past the first adds " << bytesText(use.perThread)
        << " of matrix-product scratch\n";
}

void printText(std::ostream &out, const Manifest &m) {
  out << "model: " << m.model << "\n";
  out << "source: " << m.source << "\n";
  printIo(out, "inputs", m.inputs);
  printIo(out, "outputs", m.outputs);
  out << "tensors:\n";
  std::vector<Row> rows = {{"name", "shape", "count", "kind", "trainable"}};
  for (const TensorSpec &t : m.tensors)
    rows.push_back({t.name, formatShape(t.shape), withThousands(t.numel()),
                    t.kind, t.trainable ? "yes" : "no"});
  printTable(out, rows);
  out << "total parameters: " << withThousands(m.parameterCount())
      << "  trainable: " << withThousands(m.trainableCount()) << "\n";
  printTraining(out, m);
}

void run(const Context &context, bool json) {
  checkModelAbi(context.code); // before the manifest is read
  Manifest m = parseManifest(context.code.manifest ? context.code.manifest : "");
  MemoryUse use = memoryUse(context.code, m);
  bool training = m.training && context.code.hasTraining();
  if (json) {
    nlohmann::json doc = m.json;
    doc["total_parameters"] = m.parameterCount();
    doc["trainable_parameters"] = m.trainableCount();
    nlohmann::json memory = {{"batch", use.batch},
                             {"parameters_bytes", use.parameters},
                             {"forward_workspace_bytes", use.forward},
                             {"per_thread_bytes", use.perThread}};
    if (training) {
      memory["train_workspace_bytes"] = use.train;
      memory["optimizer_state_bytes"] = use.state;
    }
    doc["memory"] = memory;
    context.out << doc.dump(2) << "\n";
    return;
  }
  printText(context.out, m);
  printMemory(context.out, use, training);
}

} // namespace

Command addInfoCommand(CLI::App &parent, const Context &context) {
  CLI::App *app = parent.add_subcommand(
      "info", "Show the model: inputs, outputs, parameters and counts");
  auto json = std::make_shared<bool>(false);
  app->add_flag("--json", *json,
                "Print the manifest as JSON, with total_parameters and "
                "trainable_parameters added");
  return {app, [context, json] { run(context, *json); }};
}

} // namespace nnrt::cli
