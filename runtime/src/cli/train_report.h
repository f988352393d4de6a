//===- train_report.h - What `train` prints while it trains ---------------===//
//
// Three outputs, all built from one EpochReport per epoch:
//   - on a terminal, a progress bar on stderr, redrawn at most 10 times a
//     second: steps done, steps/s, the running loss and the time left;
//   - one plain line per epoch on stdout:
//       epoch 3/10  train loss 0.3012 acc 0.8911  val loss ...  test loss
//       0.3350 acc 0.8790  4.21 s/epoch
//   - with --metrics, one JSON object per epoch per line.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_CLI_TRAIN_REPORT_H
#define NNRT_CLI_TRAIN_REPORT_H

#include "nnrt/trainer.h"

#include <chrono>
#include <fstream>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace nnrt::cli {

/// The figures of one finished epoch.
struct EpochReport {
  int64_t epoch = 0;  ///< 1-based
  int64_t epochs = 0; ///< the run's --epochs
  int64_t step = 0;   ///< steps done after this epoch
  double trainLoss = 0;
  std::optional<double> trainAccuracy;
  std::optional<EvalResult> validation;
  std::optional<EvalResult> test;
  double seconds = 0;     ///< the training steps of the epoch
  double evalSeconds = 0; ///< the evaluations after them
  int64_t samples = 0;    ///< training samples seen
};

/// "epoch 3/10  train loss 0.3012 acc 0.8911  ...  4.21 s/epoch".
std::string epochLine(const EpochReport &report);

/// {"epoch": 3, "step": ..., "train_loss": ..., "train_accuracy": ...,
///  "val_loss", "val_accuracy", "test_loss", "test_accuracy" (when there),
///  "seconds": ..., "eval_seconds": ..., "samples_per_second": ...}.
nlohmann::ordered_json epochJson(const EpochReport &report);

/// The progress bar of one epoch; does nothing when disabled.
class ProgressBar {
public:
  ProgressBar(std::ostream &err, bool enabled, int64_t epoch, int64_t epochs,
              int64_t steps);
  ~ProgressBar();
  ProgressBar(const ProgressBar &) = delete;
  ProgressBar &operator=(const ProgressBar &) = delete;

  /// `done` steps of this epoch finished, with this running mean loss.
  void update(int64_t done, double runningLoss);
  /// Erases the bar (before the epoch line is printed).
  void clear();

private:
  using Clock = std::chrono::steady_clock;
  std::ostream &err_;
  bool enabled_;
  bool drawn_ = false;
  int64_t epoch_, epochs_, steps_;
  Clock::time_point start_, lastDraw_;
};

/// The --metrics file: truncated on a fresh run, appended to on --resume,
/// either only when the first record is written.
class MetricsLog {
public:
  MetricsLog() = default;
  MetricsLog(const std::string &path, bool append);
  /// Writes one line and flushes it; nothing without a file. Throws
  /// Error("<path>: cannot open ...").
  void write(const nlohmann::ordered_json &record);

private:
  std::string path_;
  bool append_ = false;
  std::ofstream file_;
};

} // namespace nnrt::cli

#endif // NNRT_CLI_TRAIN_REPORT_H
