//===- train_command.cpp - `./model train` --------------------------------===//
//
// Trains the model with its compiled train step (nnrt_model.h):
//   1. the settings: the manifest's `training` object, overridden by flags;
//   2. the data (train_setup.h) and the parameters (--params, or initialised
//      with the seed), or everything from the checkpoint with --resume;
//   3. per epoch: the shuffled batches of DataLoader (the order of epoch e is
//      a pure function of (seed, e)), one train step each, then the
//      validation and test splits evaluated, one line printed, one --metrics
//      record, and the --save checkpoint rewritten;
//   4. a loss that is not finite stops the run at once, before anything is
//      saved, so the checkpoint on disk stays the last good one.
// Numeric flags are parsed by hand (numeric_flags.h), and the outputs
// (--save, --metrics) are checked before the data is read: not an input, not
// the same file twice, in a folder that exists.
// docs/training.md describes the flags and the output.
//
//===----------------------------------------------------------------------===//
#include "capture.h"
#include "module_checks.h"
#include "plot.h"
#include "cli.h"
#include "nnrt/checkpoint.h"
#include "nnrt/error.h"
#include "nnrt/file_write.h"
#include "nnrt/prefetch.h"
#include "nnrt/thread_pool.h"
#include "nnrt/trainer.h"
#include "numeric_flags.h"
#include "train_report.h"
#include "train_setup.h"

#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace nnrt::cli {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The flags as given; `given` says which were. Numbers stay text until
/// resolve() checks them.
struct TrainFlags {
  CLI::App *app = nullptr;
  std::string data;
  std::string epochs, batch, lr, momentum, weightDecay, validation, seed;
  std::string optimizer, normalize, params, save, metrics;
  std::optional<std::string> threads;
  std::string device = "cpu";
  std::string progress = "auto";
  bool resume = false;
  bool noShuffle = false;
  std::string plot;
  CaptureFlags capture;
  bool checkFinite = false, stats = false;

  bool given(const char *name) const { return app->count(name) > 0; }
};

/// What the run uses: the manifest's defaults with the flags applied.
struct TrainSettings {
  std::string data;
  int64_t epochs = 1, batch = 64;
  uint64_t seed = 0;
  bool shuffle = true;
  double validation = 0;
  std::string normalize;
  OptimizerConfig optimizer;
};

// A different --optimizer starts from PyTorch's defaults for it; SGD, which
// has no default learning rate in PyTorch, keeps the manifest's.
OptimizerConfig resolveOptimizer(const OptimizerConfig &manifest,
                                 const TrainFlags &flags) {
  OptimizerConfig c = manifest;
  if (flags.given("--optimizer")) {
    OptimizerKind kind = parseOptimizerKind(flags.optimizer);
    if (kind != c.kind) {
      c = defaultOptimizer(kind);
      if (kind == OptimizerKind::SGD)
        c.lr = manifest.lr;
    }
  }
  if (flags.given("--lr"))
    c.lr = realFlag("--lr", flags.lr);
  if (flags.given("--momentum")) {
    if (c.kind != OptimizerKind::SGD)
      throw Error(
          std::string("--momentum applies to SGD only; this run uses ") +
          optimizerName(c.kind));
    c.momentum = realFlag("--momentum", flags.momentum);
  }
  if (flags.given("--weight-decay"))
    c.weightDecay = realFlag("--weight-decay", flags.weightDecay);
  try {
    validateOptimizer(c);
  } catch (const Error &e) {
    throw Error(std::string(optimizerName(c.kind)) + ": " + e.what());
  }
  return c;
}

TrainSettings resolve(const TrainingSpec &t, const TrainFlags &flags) {
  TrainSettings s;
  s.epochs = flags.given("--epochs") ? integerFlag("--epochs", flags.epochs, 1)
                                     : t.epochs;
  s.batch =
      flags.given("--batch") ? integerFlag("--batch", flags.batch, 1) : t.batch;
  s.seed = flags.given("--seed") ? seedFlag("--seed", flags.seed) : t.seed;
  s.shuffle = t.shuffle && !flags.noShuffle;
  s.validation = t.validation;
  if (flags.given("--validation")) {
    s.validation = realFlag("--validation", flags.validation);
    if (!(s.validation >= 0 && s.validation < 1))
      throw Error("--validation must be in [0, 1), got " + flags.validation);
  }
  s.normalize = flags.given("--normalize") ? flags.normalize : t.normalize;
  s.optimizer = resolveOptimizer(t.optimizer, flags);
  if (flags.resume && flags.save.empty())
    throw Error("--resume needs --save CKPT: the checkpoint to resume from, "
                "which the run then keeps saving to");
  if (flags.resume && !flags.params.empty())
    throw Error("--params and --resume exclude each other: a resumed run "
                "takes its parameters from the checkpoint");
  s.data = dataSpec(t, flags.data);
  return s;
}

bool progressBarWanted(const std::string &mode, const std::ostream &err) {
  if (mode == "bar")
    return true;
  return mode == "auto" && &err == &std::cerr && ::isatty(STDERR_FILENO);
}

/// One `train` invocation.
class TrainRun {
public:
  TrainRun(const Context &context, const TrainFlags &flags)
      : context_(context), flags_(flags),
        model_(context.code, threadsFlag(flags.threads)) {}
  void run();

private:
  void prepare();
  bool resume(); // false when the checkpoint is already done
  EpochReport runEpoch(int64_t epoch);
  StepResult checkedStep(const Batch &batch, int64_t epoch, int64_t index);
  void evaluateSplits(EpochReport &report);
  void save(int64_t epochsDone);
  void printSummary(int64_t epochs, double total, double trainSeconds,
                    double evalSeconds);

  const Context &context_;
  const TrainFlags &flags_;
  Model model_;
  TrainSettings s_;
  LoadedData data_;
  DataState dataState_;
  std::unique_ptr<Trainer> trainer_;
  std::unique_ptr<DataLoader> loader_;
  std::unique_ptr<PrefetchingLoader> batches_; ///< loader_'s, gathered ahead
  MetricsLog metrics_;
  int64_t startEpoch_ = 0;
  std::optional<int64_t> savedEpoch_; ///< The epoch of the --save file.
  std::unique_ptr<Capture> capture_; ///< --capture
  FiniteCheck finite_;               ///< --check-finite
  ActivationStats stats_;            ///< --stats: the last step of the epoch
  std::vector<EpochReport> reports_; ///< this run's epochs, for --plot
};

// --save and --metrics may not overwrite --params or the data, nor each
// other, and their folders must exist: all found before anything is read.
// (With --resume, --save is read and rewritten: that is its job.)
void checkOutputs(const Context &context, const TrainFlags &flags,
                  const std::string &data) {
  OutputSet outputs;
  context.protectSources(outputs);
  if (!flags.params.empty())
    outputs.addInput(flags.params, "--params");
  for (const std::string &file : dataFiles(data))
    outputs.addInput(file, "data");
  if (!flags.save.empty())
    outputs.add(flags.save, "--save");
  if (!flags.metrics.empty())
    outputs.add(flags.metrics, "--metrics");
  if (flags.capture.file)
    outputs.add(*flags.capture.file, "--capture-file");
  if (!flags.plot.empty())
    outputs.add(flags.plot, "--plot");
}

void TrainRun::prepare() {
  requireTraining(model_);
  const TrainingSpec &t = *model_.manifest().training;
  s_ = resolve(t, flags_);
  capture_ = std::make_unique<Capture>(flags_.capture, model_, true);
  checkOutputs(context_, flags_, s_.data);
  trainer_ = std::make_unique<Trainer>(model_, s_.optimizer);
  data_ = loadTrainingData(model_.manifest(),
                           {s_.data, s_.validation, s_.seed,
                            parseNormalize(s_.normalize), std::nullopt});
  if (data_.splits.train.size() == 0)
    throw Error(
        data_.splits.train.source + ": no training samples" +
        (data_.splits.validation ? " left after the validation split" : ""));
  if (!flags_.params.empty())
    model_.params().load(flags_.params);
  else
    model_.params().initAll(s_.seed);
  if (flags_.checkFinite)
    finite_.attach(model_, true);
  loader_ = std::make_unique<DataLoader>(data_.splits.train,
                                         BatchOptions{.batchSize = s_.batch,
                                                      .shuffle = s_.shuffle,
                                                      .seed = s_.seed});
  // Gather ahead only on a CPU the model's threads leave free.
  batches_ = std::make_unique<PrefetchingLoader>(*loader_,
                                                 availableCpus() > model_.threads());
  dataState_ = {s_.batch,      s_.shuffle,
                s_.validation, data_.splits.train.size(),
                s_.normalize,  data_.normalization};
}

bool TrainRun::resume() {
  LoadedCheckpoint checkpoint = readCheckpoint(flags_.save, *trainer_);
  checkDataOrder(checkpoint, s_.seed, dataState_);
  const CheckpointInfo &info = checkpoint.info;
  if (info.epoch >= s_.epochs) {
    context_.out << flags_.save << " has already trained " << info.epoch
                 << " epochs (--epochs " << s_.epochs << "); nothing to do\n";
    return false;
  }
  applyCheckpoint(checkpoint, *trainer_);
  startEpoch_ = info.epoch;
  savedEpoch_ = info.epoch;
  context_.out << "resumed from " << flags_.save << " at epoch " << info.epoch
               << " (step " << info.step << ")\n";
  return true;
}

// What a stopped run kept: "the last good checkpoint c.safetensors (epoch
// 3) is kept", or why nothing was saved.
std::string keptCheckpoint(const std::string &save, std::optional<int64_t> savedEpoch) {
  if (save.empty())
    return "nothing was saved (no --save)";
  if (!savedEpoch)
    return "nothing was saved to " + save;
  return "the last good checkpoint " + save + " (epoch " + std::to_string(*savedEpoch) +
         ") is kept";
}

std::string nonFiniteMessage(float loss, int64_t step, int64_t epoch,
                             int64_t index, const std::string &save,
                             std::optional<int64_t> savedEpoch) {
  return "the loss is " +
         std::string(std::isnan(loss) ? "nan"
                     : loss > 0       ? "inf"
                                      : "-inf") +
         " at step " + std::to_string(step) + " (epoch " + std::to_string(epoch) + ", batch " +
         std::to_string(index) + "); training stopped; " + keptCheckpoint(save, savedEpoch);
}

// What a stop of --check-finite says: the tensor, where, and what was kept.
std::string finiteMessage(const std::string &found, const std::string &when,
                          const std::string &save, std::optional<int64_t> savedEpoch) {
  return "--check-finite: " + found + " " + when + "; training stopped before the update; " +
         keptCheckpoint(save, savedEpoch);
}

StepResult TrainRun::checkedStep(const Batch &batch, int64_t epoch,
                                 int64_t index) {
  StepResult result;
  try {
    result = trainer_->step(batch);
  } catch (const HookStopped &) {
    if (finite_.found().empty())
      throw;
    throw Error(finiteMessage(finite_.found(),
                              "at step " + std::to_string(trainer_->steps() + 1) + " (epoch " +
                                  std::to_string(epoch + 1) + ", batch " +
                                  std::to_string(index) + ")",
                              flags_.save, savedEpoch_));
  }
  if (!std::isfinite(result.loss))
    throw Error(nonFiniteMessage(result.loss, trainer_->steps(), epoch + 1,
                                 index, flags_.save, savedEpoch_));
  return result;
}

void TrainRun::evaluateSplits(EpochReport &report) {
  try {
    if (data_.splits.validation && data_.splits.validation->size() > 0)
      report.validation = trainer_->evaluate(*data_.splits.validation, s_.batch);
    if (data_.splits.test && data_.splits.test->size() > 0)
      report.test = trainer_->evaluate(*data_.splits.test, s_.batch);
  } catch (const HookStopped &) {
    if (finite_.found().empty())
      throw;
    throw Error(finiteMessage(finite_.found(),
                              "in the evaluation after epoch " + std::to_string(report.epoch),
                              flags_.save, savedEpoch_));
  }
}

// The epoch's train loss and accuracy are batch-size-weighted means of what
// each step computed before its update, as PyTorch's usual loop reports.
EpochReport TrainRun::runEpoch(int64_t epoch) {
  Clock::time_point start = Clock::now();
  batches_->startEpoch(uint64_t(epoch));
  ProgressBar bar(context_.err,
                  progressBarWanted(flags_.progress, context_.err), epoch + 1,
                  s_.epochs, loader_->batchesPerEpoch());
  Batch batch;
  double lossSum = 0;
  int64_t correct = 0, samples = 0, index = 0;
  int64_t last = loader_->batchesPerEpoch();
  while (batches_->next(batch)) {
    // --capture: the hooks run on the last step of the epoch only.
    bool lastStep = index + 1 == last;
    bool capturing = capture_->active() && lastStep;
    if (capturing) {
      capture_->clear();
      capture_->attach(model_, false);
    }
    if (flags_.stats && lastStep) {
      stats_.clear();
      stats_.attach(model_);
    }
    StepResult step = checkedStep(batch, epoch, ++index);
    if (capturing)
      capture_->detach(model_);
    if (flags_.stats && lastStep)
      stats_.detach(model_);
    lossSum += double(step.loss) * double(step.size);
    correct += step.correct;
    samples += step.size;
    bar.update(index, lossSum / double(samples));
  }
  bar.clear();
  if (capture_->active())
    writeFileAtomic(capture_->file(), {capture_->encode()});
  EpochReport report;
  report.epoch = epoch + 1;
  report.epochs = s_.epochs;
  report.step = trainer_->steps();
  report.trainLoss = lossSum / double(samples);
  if (trainer_->spec().classTargets)
    report.trainAccuracy = double(correct) / double(samples);
  report.samples = samples;
  report.seconds = secondsSince(start);
  Clock::time_point evalStart = Clock::now();
  evaluateSplits(report);
  report.evalSeconds = secondsSince(evalStart);
  return report;
}

void TrainRun::save(int64_t epochsDone) {
  if (flags_.save.empty())
    return;
  CheckpointInfo info;
  info.epoch = epochsDone;
  info.seed = s_.seed;
  info.data = dataState_;
  saveCheckpoint(flags_.save, *trainer_, info);
  savedEpoch_ = epochsDone;
}

// trained 10 epochs in 45.20 s (training 4.21 s/epoch, evaluation 0.31
// s/epoch); 8,440 steps in all
void TrainRun::printSummary(int64_t epochs, double total, double trainSeconds,
                            double evalSeconds) {
  char line[200];
  int n = std::snprintf(line, sizeof line,
                        "trained %lld epoch%s in %.2f s (training %.2f s/epoch",
                        static_cast<long long>(epochs), epochs == 1 ? "" : "s",
                        total, trainSeconds / double(epochs));
  if (data_.splits.validation || data_.splits.test)
    std::snprintf(line + n, sizeof line - size_t(n),
                  ", evaluation %.2f s/epoch", evalSeconds / double(epochs));
  int64_t steps = trainer_->steps();
  context_.out << line << "); " << withThousands(steps)
               << (steps == 1 ? " step" : " steps") << " in all\n";
}

void TrainRun::run() {
  prepare();
  if (flags_.resume && !resume())
    return;
  if (!flags_.metrics.empty())
    metrics_ = MetricsLog(flags_.metrics, flags_.resume); // opened lazily
  Clock::time_point start = Clock::now();
  double trainSeconds = 0, evalSeconds = 0;
  for (int64_t epoch = startEpoch_; epoch < s_.epochs; ++epoch) {
    EpochReport report = runEpoch(epoch);
    context_.out << epochLine(report) << "\n";
    nlohmann::ordered_json record = epochJson(report);
    if (flags_.stats) {
      stats_.print(context_.out);
      record["activations"] = stats_.json();
    }
    context_.out << std::flush;
    metrics_.write(record);
    if (!flags_.plot.empty()) {
      reports_.push_back(report);
      const TrainingSpec &t = *model_.manifest().training;
      writeFileAtomic(flags_.plot,
                      {trainingCurvesSvg(reports_, model_.manifest().model + ": " + t.lossSource +
                                                       ", " + optimizerName(s_.optimizer.kind))});
    }
    save(epoch + 1);
    trainSeconds += report.seconds;
    evalSeconds += report.evalSeconds;
  }
  printSummary(s_.epochs - startEpoch_, secondsSince(start), trainSeconds,
               evalSeconds);
  if (!flags_.save.empty())
    context_.out << "saved " << flags_.save << " (epoch " << s_.epochs
                 << ", step " << trainer_->steps() << ")\n";
  else
    context_.err << "note: the trained parameters were not saved (pass "
                    "--save CKPT.safetensors)\n";
}

} // namespace

Command addTrainCommand(CLI::App &parent, const Context &context) {
  CLI::App *app = parent.add_subcommand(
      "train", "Train the model with its train block's loss and optimizer");
  auto flags = std::make_shared<TrainFlags>();
  flags->app = app;
  app->add_option("--data", flags->data, kDataHelp);
  app->add_option("--epochs", flags->epochs, "Epochs to train, at least 1")
      ->type_name("INT");
  app->add_option("--batch", flags->batch, "Samples per step, at least 1")
      ->type_name("INT");
  app->add_option("--lr", flags->lr, "Learning rate, finite and >= 0")
      ->type_name("FLOAT");
  app->add_option("--optimizer", flags->optimizer, "sgd, adam or adamw");
  app->add_option("--momentum", flags->momentum, "SGD momentum, finite and >= 0")
      ->type_name("FLOAT");
  app->add_option("--weight-decay", flags->weightDecay,
                  "Weight decay, finite and >= 0")
      ->type_name("FLOAT");
  app->add_option("--seed", flags->seed,
                  "Seeds the initialisation, the validation split and the "
                  "shuffling; 0 to 2^64 - 1")
      ->type_name("UINT");
  app->add_option("--validation", flags->validation,
                  "Fraction of the training data held out, in [0, 1)")
      ->type_name("FLOAT");
  app->add_option("--normalize", flags->normalize,
                  "none, global or per_feature")
      ->check(CLI::IsMember({"none", "global", "per_feature"}));
  app->add_option("--params", flags->params,
                  "Start from these parameters (.safetensors) instead of "
                  "initialising them");
  app->add_option("--save", flags->save,
                  "Checkpoint (.safetensors) written after every epoch");
  app->add_option("--plot", flags->plot,
                  "Draw the loss (and accuracy) per epoch of the training data and of the "
                  "validation and test splits into this .svg, rewritten after every epoch");
  app->add_flag("--no-shuffle", flags->noShuffle,
                "Take the samples in order (the train block's `shuffle = false`)");
  app->add_flag("--resume", flags->resume,
                "Continue from the --save checkpoint");
  app->add_option("--metrics", flags->metrics,
                  "Write one JSON line per epoch to this file (a new file; "
                  "with --resume, appended to)");
  app->add_option("--progress", flags->progress,
                  "auto (a bar when stderr is a terminal), bar or plain")
      ->check(CLI::IsMember({"auto", "bar", "plain"}));
  addCaptureOptions(app, flags->capture, true);
  app->add_flag("--check-finite", flags->checkFinite,
                "Check every module's inputs, outputs and gradients before each update; stop "
                "at the first NaN or infinity, naming it, and keep the last good checkpoint");
  app->add_flag("--stats", flags->stats,
                "Print (and log to --metrics) the mean, std and fraction of zeros of every "
                "module's output on the last step of each epoch");
  addThreadsOption(app, flags->threads);
  addDeviceOption(app, flags->device);
  app->footer("Flags not given take the train block's values (`info --json` "
              "shows them under `training`).\n");
  return {app, [context, flags] {
            checkDevice(flags->device);
            TrainRun(context, *flags).run();
          }};
}

} // namespace nnrt::cli
