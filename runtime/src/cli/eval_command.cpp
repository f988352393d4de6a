//===- eval_command.cpp - `./model eval` ----------------------------------===//
//
// The loss of the train block (and the accuracy, for class targets) of given
// parameters on a dataset: its test split when it has one (the t10k files of
// an MNIST directory), else all of it. --params takes a parameter file or a
// training checkpoint; a checkpoint's normalisation statistics are applied
// to the data unless --normalize says otherwise, so the inputs look as they
// did in training.
//
//===----------------------------------------------------------------------===//
#include "cli.h"
#include "nnrt/checkpoint.h"
#include "nnrt/error.h"
#include "nnrt/trainer.h"
#include "train_setup.h"

#include <ostream>

namespace nnrt::cli {
namespace {

struct EvalFlags {
  CLI::App *app = nullptr;
  std::string params, data, normalize;
  int64_t batch = 0;
  bool json = false;

  bool given(const char *name) const { return app->count(name) > 0; }
};

// The checkpoint's statistics when --params is one that recorded them and
// --normalize is not given.
std::optional<Normalization> checkpointStatistics(const EvalFlags &flags) {
  if (flags.params.empty() || flags.given("--normalize"))
    return std::nullopt;
  std::optional<CheckpointInfo> info =
      checkpointInfo(readSafeTensors(flags.params));
  return info ? info->data.normalization : std::nullopt;
}

void run(const Context &context, const EvalFlags &flags) {
  Model model(context.code);
  requireTraining(model);
  const Manifest &m = model.manifest();
  const TrainingSpec &t = *m.training;
  int64_t batch = flags.given("--batch") ? flags.batch : t.batch;
  if (batch < 1)
    throw Error("--batch must be at least 1, got " + std::to_string(batch));
  Trainer trainer(model, t.optimizer); // checks the model can evaluate
  if (!flags.params.empty())
    model.params().load(flags.params);
  else if (!m.tensors.empty())
    throw Error("--params is required: the model has " +
                std::to_string(m.tensors.size()) +
                " parameter and buffer tensors (train them with `train "
                "--save`)");
  DataRequest request;
  request.spec = dataSpec(t, flags.data);
  request.normalize = parseNormalize(
      flags.given("--normalize") ? flags.normalize : t.normalize);
  request.statistics = checkpointStatistics(flags);
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
                  "Samples per batch; default: the train block's");
  app->add_option("--normalize", flags->normalize,
                  "none, global or per_feature; default: a checkpoint's "
                  "statistics, else the train block's setting")
      ->check(CLI::IsMember({"none", "global", "per_feature"}));
  app->add_flag("--json", flags->json, "Print one JSON object");
  return {app, [context, flags] { run(context, *flags); }};
}

} // namespace nnrt::cli
