//===- train_report.cpp - What `train` prints while it trains -------------===//
//
// The bar is drawn with a carriage return and "erase to end of line" (ESC
// [K), so it needs a terminal; `--progress auto` only draws it when stderr is
// one. Redraws are throttled to 10 a second so that a fast model does not
// spend its time writing to the terminal.
//
//===----------------------------------------------------------------------===//
#include "train_report.h"
#include "nnrt/error.h"
#include "train_setup.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ostream>

namespace nnrt::cli {
namespace {

constexpr double kRedrawSeconds = 0.1;
constexpr int kBarWidth = 24;

std::string evalText(const char *name, const EvalResult &result) {
  std::string text =
      std::string("  ") + name + " loss " + formatMetric(result.loss);
  if (result.accuracy)
    text += " acc " + formatMetric(*result.accuracy);
  return text;
}

void addEval(nlohmann::ordered_json &record, const char *prefix,
             const std::optional<EvalResult> &result) {
  if (!result)
    return;
  record[std::string(prefix) + "_loss"] = result->loss;
  if (result->accuracy)
    record[std::string(prefix) + "_accuracy"] = *result->accuracy;
}

std::string duration(double seconds) {
  char text[32];
  if (seconds < 60)
    std::snprintf(text, sizeof text, "%.0fs", seconds);
  else
    std::snprintf(text, sizeof text, "%lldm%02llds",
                  static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds) % 60);
  return text;
}

} // namespace

std::string epochLine(const EpochReport &r) {
  std::string line = "epoch " + std::to_string(r.epoch) + "/" +
                     std::to_string(r.epochs) + "  train loss " +
                     formatMetric(r.trainLoss);
  if (r.trainAccuracy)
    line += " acc " + formatMetric(*r.trainAccuracy);
  if (r.validation)
    line += evalText("val", *r.validation);
  if (r.test)
    line += evalText("test", *r.test);
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "  %.2f s/epoch", r.seconds);
  return line + seconds;
}

nlohmann::ordered_json epochJson(const EpochReport &r) {
  nlohmann::ordered_json record = {
      {"epoch", r.epoch}, {"step", r.step}, {"train_loss", r.trainLoss}};
  if (r.trainAccuracy)
    record["train_accuracy"] = *r.trainAccuracy;
  addEval(record, "val", r.validation);
  addEval(record, "test", r.test);
  record["seconds"] = r.seconds;
  record["eval_seconds"] = r.evalSeconds;
  record["samples_per_second"] =
      r.seconds > 0 ? double(r.samples) / r.seconds : 0.0;
  return record;
}

ProgressBar::ProgressBar(std::ostream &err, bool enabled, int64_t epoch,
                         int64_t epochs, int64_t steps)
    : err_(err), enabled_(enabled), epoch_(epoch), epochs_(epochs),
      steps_(steps), start_(Clock::now()), lastDraw_(start_) {}

ProgressBar::~ProgressBar() { clear(); }

// epoch 3/10 [=========>          ] 412/938  152.3 steps/s  loss 0.3012  ETA 3s
void ProgressBar::update(int64_t done, double runningLoss) {
  if (!enabled_)
    return;
  Clock::time_point now = Clock::now();
  bool last = done == steps_;
  if (!last &&
      std::chrono::duration<double>(now - lastDraw_).count() < kRedrawSeconds)
    return;
  lastDraw_ = now;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double rate = elapsed > 0 ? double(done) / elapsed : 0.0;
  double left = rate > 0 ? double(steps_ - done) / rate : 0.0;
  int filled = steps_ > 0 ? int(kBarWidth * done / steps_) : kBarWidth;
  std::string bar(size_t(filled), '=');
  if (filled < kBarWidth)
    bar += '>' + std::string(size_t(kBarWidth - filled - 1), ' ');
  char text[256];
  std::snprintf(text, sizeof text,
                "\repoch %lld/%lld [%s] %lld/%lld  %.1f steps/s  loss %s  "
                "ETA %s\033[K",
                static_cast<long long>(epoch_), static_cast<long long>(epochs_),
                bar.c_str(), static_cast<long long>(done),
                static_cast<long long>(steps_), rate,
                formatMetric(runningLoss).c_str(), duration(left).c_str());
  err_ << text << std::flush;
  drawn_ = true;
}

void ProgressBar::clear() {
  if (drawn_)
    err_ << "\r\033[K" << std::flush;
  drawn_ = false;
}

MetricsLog::MetricsLog(const std::string &path, bool append)
    : path_(path), append_(append) {}

// Opened at the first record, not before: a run that fails before its first
// epoch ends leaves the file as it was. (`train` checks the path up front.)
void MetricsLog::write(const nlohmann::ordered_json &record) {
  if (path_.empty())
    return;
  if (!file_.is_open()) {
    file_.open(path_,
               append_ ? std::ios::app : std::ios::trunc | std::ios::out);
    if (!file_)
      throw Error(path_ + ": cannot open for writing: " + std::strerror(errno));
  }
  file_ << record.dump() << "\n" << std::flush;
  if (!file_)
    throw Error(path_ + ": cannot write: " + std::strerror(errno));
}

} // namespace nnrt::cli
