//===- eval_command.cpp - `./model eval` ----------------------------------===//
//
// The loss of the train block (and the accuracy, for class targets) of given
// parameters on a dataset: its test split when it has one (the t10k files of
// an MNIST directory), else all of it. --params takes a parameter file or a
// training checkpoint; a checkpoint's preprocessing (its --normalize and the
// statistics it computed) is applied to the data unless --normalize says
// otherwise, so the inputs look as they did in training. `predict` applies
// the same (predict_command.cpp).
//
//===----------------------------------------------------------------------===//
#include "capture.h"
#include "module_checks.h"
#include "cli.h"
#include "nnrt/error.h"
#include "nnrt/trainer.h"
#include "numeric_flags.h"
#include "train_setup.h"

#include <ostream>

namespace nnrt::cli {
namespace {

struct EvalFlags {
  CLI::App *app = nullptr;
  std::string params, data, normalize, batch;
  std::optional<std::string> threads;
  std::string device = "cpu";
  bool json = false;
  CaptureFlags capture;
  bool checkFinite = false, stats = false;

  bool given(const char *name) const { return app->count(name) > 0; }
};

void run(const Context &context, const EvalFlags &flags) {
  checkDevice(flags.device);
  Model model(context.code, threadsFlag(flags.threads));
  requireTraining(model);
  const Manifest &m = model.manifest();
  const TrainingSpec &t = *m.training;
  int64_t batch =
      flags.given("--batch") ? integerFlag("--batch", flags.batch, 1) : t.batch;
  Trainer trainer(model, t.optimizer); // checks the model can evaluate
  Preprocessing prep;
  if (!flags.params.empty())
    prep = model.params().load(flags.params);
  else if (!m.tensors.empty())
    throw Error("--params is required: the model has " +
                std::to_string(m.tensors.size()) +
                " parameter and buffer tensors (train them with `train "
                "--save`)");
  DataRequest request;
  request.spec = dataSpec(t, flags.data);
  // --normalize, else what a checkpoint recorded (mode and statistics),
  // else the train block's mode with statistics from this data.
  std::string normalize = t.normalize;
  if (flags.given("--normalize"))
    normalize = flags.normalize;
  else if (prep.recorded()) {
    normalize = prep.normalize;
    request.statistics = prep.normalization;
  }
  request.normalize = parseNormalize(normalize);
  Capture capture(flags.capture, model, false);
  OutputSet files;
  if (capture.active()) {
    context.protectSources(files);
    if (!flags.params.empty())
      files.addInput(flags.params, "--params");
    for (const std::string &file : dataFiles(request.spec))
      files.addInput(file, "data");
    files.add(capture.file(), "--capture-file");
  }
  LoadedData data = loadTrainingData(m, request);
  bool test = data.splits.test.has_value();
  const Dataset &split = test ? *data.splits.test : data.splits.train;
  if (capture.active())
    capture.attach(model, true);
  FiniteCheck finite;
  if (flags.checkFinite)
    finite.attach(model, false);
  ActivationStats stats;
  if (flags.stats)
    stats.attach(model);
  EvalResult result;
  try {
    result = trainer.evaluate(split, batch);
  } catch (const HookStopped &) {
    if (finite.found().empty())
      throw;
    throw Error("--check-finite: " + finite.found() + " on " + split.source);
  }
  if (capture.active()) {
    files.outputs()[0].stage({capture.encode()});
    files.commit();
  }
  const char *name = test ? "test" : "all";
  if (flags.json) {
    nlohmann::json record = {
        {"split", name}, {"samples", result.samples}, {"loss", result.loss}};
    if (result.accuracy)
      record["accuracy"] = *result.accuracy;
    if (capture.active())
      record["capture"] = {{"file", capture.file()}, {"tensors", capture.size()}};
    if (flags.stats)
      record["activations"] = stats.json();
    context.out << record.dump() << "\n";
    return;
  }
  context.out << name << ": loss " << formatMetric(result.loss);
  if (result.accuracy)
    context.out << "  accuracy " << formatMetric(*result.accuracy);
  context.out << "  (" << withThousands(result.samples) << " samples)\n";
  if (capture.active())
    context.out << "wrote " << capture.file() << ": " << capture.size() << " captured tensors\n";
  if (flags.stats) {
    context.out << "activations:\n";
    stats.print(context.out);
  }
}

} // namespace

Command addEvalCommand(CLI::App &parent, const Context &context) {
  CLI::App *app = parent.add_subcommand(
      "eval", "Loss and accuracy of parameters on a dataset's test split");
  auto flags = std::make_shared<EvalFlags>();
  flags->app = app;
  app->add_option("--params", flags->params,
                  "Parameters or a training checkpoint (.safetensors)");
  app->add_option("--data", flags->data, kDataHelp);
  app->add_option("--batch", flags->batch,
                  "Samples per batch; default: the train block's")
      ->type_name("INT");
  app->add_option("--normalize", flags->normalize,
                  "none, global or per_feature; default: what a checkpoint "
                  "recorded, else the train block's setting")
      ->check(CLI::IsMember({"none", "global", "per_feature"}));
  app->add_flag("--json", flags->json, "Print one JSON object");
  addCaptureOptions(app, flags->capture, false);
  app->add_flag("--check-finite", flags->checkFinite,
                "Check every module's inputs and outputs; stop at the first NaN or infinity, "
                "naming it");
  app->add_flag("--stats", flags->stats,
                "Print the mean, std and fraction of zeros of every module's output over the "
                "split");
  addThreadsOption(app, flags->threads);
  addDeviceOption(app, flags->device);
  return {app, [context, flags] { run(context, *flags); }};
}

} // namespace nnrt::cli
