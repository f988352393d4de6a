//===- predict_command.cpp - `./model predict` ----------------------------===//
//
// Loads parameters, reads one .npy per model input (float32, or float64
// converted), runs the forward pass and writes one float32 .npy per output.
// Shape errors name the file the input came from.
//
// A training checkpoint records how its inputs were normalised; predict
// applies that to the input, as `eval` does to its data, so that the same raw
// inputs give the same predictions in both, and says so on its first line
// (`--no-preprocess` turns it off). The outputs are checked before anything
// runs (not an input, not given twice, a folder that exists) and written
// together: each to a temporary file, all renamed at the end, so a failure
// changes no output file.
//
//===----------------------------------------------------------------------===//
#include "capture.h"
#include "module_checks.h"
#include "cli.h"
#include "nnrt/error.h"
#include "nnrt/file_write.h"
#include "nnrt/npy.h"

#include <cstdio>
#include <ostream>

namespace nnrt::cli {
namespace {

struct PredictOptions {
  std::string params;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  bool noPreprocess = false;
  std::optional<std::string> threads;
  std::string device = "cpu";
  CaptureFlags capture;
  bool checkFinite = false, stats = false;
};

std::string names(const std::vector<IoSpec> &specs) {
  std::string text;
  for (const IoSpec &spec : specs)
    text += (text.empty() ? "`" : ", `") + spec.name + "`";
  return text;
}

void checkCounts(const Manifest &m, const PredictOptions &options) {
  if (m.inputs.empty() && !options.inputs.empty())
    throw Error("the model takes no inputs, got " +
                std::to_string(options.inputs.size()) + " --input");
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

// Every output checked, and every file it must not overwrite declared.
OutputSet declareFiles(const Context &context, const PredictOptions &options) {
  OutputSet files;
  context.protectSources(files);
  if (!options.params.empty())
    files.addInput(options.params, "--params");
  for (const std::string &input : options.inputs)
    files.addInput(input, "--input");
  for (const std::string &output : options.outputs)
    files.add(output, "--output");
  return files;
}

// "preprocessing: input `x` normalised with the statistics of c.safetensors
// (global: mean 0.286, std 0.353), as eval does; --no-preprocess turns it off"
std::string preprocessingLine(const std::string &input,
                              const std::string &params,
                              const Normalization &norm) {
  std::string stats;
  if (norm.mean.size() == 1) {
    char text[96];
    std::snprintf(text, sizeof text, "global: mean %.6g, std %.6g",
                  double(norm.mean[0]), double(norm.std[0]));
    stats = text;
  } else {
    stats =
        "per_feature: " + std::to_string(norm.mean.size()) + " means and stds";
  }
  return "preprocessing: input `" + input +
         "` normalised with the statistics of " + params + " (" + stats +
         "), as eval does; --no-preprocess turns it off";
}

// The normalisation to apply to input 0, if any; refuses a checkpoint that
// says it normalised but lacks the statistics.
const Normalization *normalizationToApply(const Preprocessing &prep,
                                          const PredictOptions &options,
                                          const Manifest &m) {
  if (options.noPreprocess || !prep.recorded() || prep.normalize == "none")
    return nullptr;
  if (!prep.normalization)
    throw Error(options.params +
                ": the checkpoint was trained with "
                "--normalize " +
                prep.normalize +
                " but records no statistics to apply; pass --no-preprocess "
                "to use the inputs as they are");
  if (m.inputs.empty())
    return nullptr;
  return &*prep.normalization;
}

void run(const Context &context, const PredictOptions &options) {
  checkDevice(options.device);
  Model model(context.code, threadsFlag(options.threads));
  const Manifest &m = model.manifest();
  checkCounts(m, options);
  OutputSet files = declareFiles(context, options);
  Capture capture(options.capture, model, false);
  OutputFile *captureFile = capture.active() ? &files.add(capture.file(), "--capture-file") : nullptr;
  // A model without parameters or buffers needs no parameter file.
  Preprocessing prep;
  if (!options.params.empty())
    prep = model.params().load(options.params);
  else if (!m.tensors.empty())
    throw Error("--params is required: the model has " +
                std::to_string(m.tensors.size()) +
                " parameter and buffer tensors (make them with `init`)");
  const Normalization *norm = normalizationToApply(prep, options, m);
  std::vector<NpyArray> arrays;
  std::vector<InputRef> inputs;
  for (const std::string &path : options.inputs)
    arrays.push_back(readNpy(path));
  std::vector<float> normalized;
  for (size_t i = 0; i < arrays.size(); ++i)
    inputs.push_back(
        {arrays[i].floats(options.inputs[i]).data(), arrays[i].shape});
  if (norm) {
    const std::vector<int64_t> &shape = arrays[0].shape;
    normalized = arrays[0].floats(options.inputs[0]);
    int64_t perSample =
        shape.empty()
            ? 1
            : shapeNumel(std::vector<int64_t>(shape.begin() + 1, shape.end()));
    normalizeSamples(normalized, perSample, *norm, options.inputs[0]);
    inputs[0].data = normalized.data();
  }
  std::vector<Tensor> outputs;
  if (capture.active())
    capture.attach(model, true);
  FiniteCheck finite;
  if (options.checkFinite)
    finite.attach(model, false);
  ActivationStats stats;
  if (options.stats)
    stats.attach(model);
  try {
    outputs = model.forward(inputs);
  } catch (const HookStopped &) {
    if (finite.found().empty())
      throw;
    throw Error("--check-finite: " + finite.found() + "; nothing was written");
  } catch (const Error &e) {
    throw withInputFile(e, m, options);
  }
  for (size_t i = 0; i < outputs.size(); ++i)
    files.outputs()[i].stage(
        {encodeNpyF32(outputs[i].shape, outputs[i].data.data())});
  if (captureFile)
    captureFile->stage({capture.encode()});
  files.commit();
  if (norm)
    context.out << preprocessingLine(m.inputs[0].name, options.params, *norm)
                << "\n";
  for (size_t i = 0; i < outputs.size(); ++i)
    context.out << "wrote " << options.outputs[i] << ": " << m.outputs[i].name
                << " " << formatShape(outputs[i].shape) << "\n";
  if (captureFile)
    context.out << "wrote " << capture.file() << ": " << capture.size()
                << " captured tensors\n";
  if (options.stats) {
    context.out << "activations:\n";
    stats.print(context.out);
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
                  "One .npy file per model input, in manifest order (none "
                  "for a model without inputs)");
  app->add_option("--output", options->outputs,
                  "One .npy file per model output, in manifest order")
      ->required();
  app->add_flag("--no-preprocess", options->noPreprocess,
                "Use the inputs as given, without the normalisation a "
                "training checkpoint records (applied by default, as eval "
                "does)");
  addCaptureOptions(app, options->capture, false);
  app->add_flag("--check-finite", options->checkFinite,
                "Check every module's inputs and outputs; stop at the first NaN or infinity, "
                "naming it");
  app->add_flag("--stats", options->stats,
                "Print the mean, std and fraction of zeros of every module's output");
  addThreadsOption(app, options->threads);
  addDeviceOption(app, options->device);
  return {app, [context, options] { run(context, *options); }};
}

} // namespace nnrt::cli
