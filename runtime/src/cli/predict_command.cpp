//===- predict_command.cpp - `./model predict` ----------------------------===//
//
// Loads parameters, reads one .npy per model input (float32, or float64
// converted), runs the forward pass and writes one float32 .npy per output.
// Shape errors name the file the input came from.
//
//===----------------------------------------------------------------------===//
#include "cli.h"
#include "nnrt/error.h"
#include "nnrt/npy.h"

#include <ostream>

namespace nnrt::cli {
namespace {

struct PredictOptions {
  std::string params;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
};

std::string names(const std::vector<IoSpec> &specs) {
  std::string text;
  for (const IoSpec &spec : specs)
    text += (text.empty() ? "`" : ", `") + spec.name + "`";
  return text;
}

void checkCounts(const Manifest &m, const PredictOptions &options) {
  if (options.inputs.size() != m.inputs.size())
    throw Error("the model takes " + std::to_string(m.inputs.size()) +
                " input(s) (" + names(m.inputs) + "), got " +
                std::to_string(options.inputs.size()) + " --input");
  if (options.outputs.size() != m.outputs.size())
    throw Error("the model has " + std::to_string(m.outputs.size()) +
                " output(s) (" + names(m.outputs) + "), got " +
                std::to_string(options.outputs.size()) + " --output");
}

// Binding errors start with "input `x`:"; prefix the file it came from.
Error withInputFile(const Error &e, const Manifest &m,
                    const PredictOptions &options) {
  std::string message = e.what();
  for (size_t i = 0; i < m.inputs.size(); ++i)
    if (message.starts_with("input `" + m.inputs[i].name + "`:"))
      return Error(options.inputs[i] + ": " + message);
  return e;
}

void run(const Context &context, const PredictOptions &options) {
  Model model(context.code);
  const Manifest &m = model.manifest();
  checkCounts(m, options);
  // A model without parameters or buffers needs no parameter file.
  if (!options.params.empty())
    model.params().load(options.params);
  else if (!m.tensors.empty())
    throw Error("--params is required: the model has " +
                std::to_string(m.tensors.size()) +
                " parameter and buffer tensors (make them with `init`)");
  std::vector<NpyArray> arrays;
  std::vector<InputRef> inputs;
  for (const std::string &path : options.inputs)
    arrays.push_back(readNpy(path));
  for (size_t i = 0; i < arrays.size(); ++i)
    inputs.push_back(
        {arrays[i].floats(options.inputs[i]).data(), arrays[i].shape});
  std::vector<Tensor> outputs;
  try {
    outputs = model.forward(inputs);
  } catch (const Error &e) {
    throw withInputFile(e, m, options);
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    writeNpyF32(options.outputs[i], outputs[i].shape, outputs[i].data.data());
    context.out << "wrote " << options.outputs[i] << ": " << m.outputs[i].name
                << " " << formatShape(outputs[i].shape) << "\n";
  }
}

} // namespace

Command addPredictCommand(CLI::App &parent, const Context &context) {
  CLI::App *app = parent.add_subcommand(
      "predict", "Run the model on .npy inputs and write .npy outputs");
  auto options = std::make_shared<PredictOptions>();
  app->add_option("--params", options->params,
                  "Parameters (.safetensors) to load; required unless the "
                  "model has none");
  app->add_option("--input", options->inputs,
                  "One .npy file per model input, in manifest order")
      ->required();
  app->add_option("--output", options->outputs,
                  "One .npy file per model output, in manifest order")
      ->required();
  return {app, [context, options] { run(context, *options); }};
}

} // namespace nnrt::cli
