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
  bool json = false;

  bool given(const char *name) const { return app->count(name) > 0; }
};

void run(const Context &context, const EvalFlags &flags) {
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
  LoadedData data = loadTrainingData(m, request);
  bool test = data.splits.test.has_value();
  const Dataset &split = test ? *data.splits.test : data.splits.train;
  EvalResult result = trainer.evaluate(split, batch);
  const char *name = test ? "test" : "all";
  if (flags.json) {
    nlohmann::json record = {
        {"split", name}, {"samples", result.samples}, {"loss", result.loss}};
    if (result.accuracy)
      record["accuracy"] = *result.accuracy;
    context.out << record.dump() << "\n";
    return;
  }
  context.out << name << ": loss " << formatMetric(result.loss);
  if (result.accuracy)
    context.out << "  accuracy " << formatMetric(*result.accuracy);
  context.out << "  (" << withThousands(result.samples) << " samples)\n";
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
  addThreadsOption(app, flags->threads);
  return {app, [context, flags] { run(context, *flags); }};
}

} // namespace nnrt::cli
