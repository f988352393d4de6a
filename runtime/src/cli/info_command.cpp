//===- info_command.cpp - `./model info [--json]` -------------------------===//
//
// What the binary holds: the model, its inputs and outputs with symbolic
// shapes, the table of tensors, PyTorch-style parameter totals and, for a
// model with a train block, its loss and training defaults. `--json` prints
// the manifest with the totals added, for tools.
//
//===----------------------------------------------------------------------===//
#include "cli.h"
#include "nnrt/error.h"

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
  Manifest m =
      parseManifest(context.code.manifest ? context.code.manifest : "");
  if (json) {
    nlohmann::json doc = m.json;
    doc["total_parameters"] = m.parameterCount();
    doc["trainable_parameters"] = m.trainableCount();
    context.out << doc.dump(2) << "\n";
    return;
  }
  printText(context.out, m);
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
