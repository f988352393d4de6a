//===- cli.h - The command line of a compiled model's executable ----------===//
//
// `./model info|init|predict|train|eval|bench ...`: each subcommand lives in
// its own file and registers itself through an add*Command function returning
// a Command; the driver (cli.cpp) parses with CLI11 and runs the one chosen.
// Commands report problems by throwing nnrt::Error; the driver prints
// "error: <message>" and exits with 1. A new subcommand is one more file and
// one more line in cli.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_CLI_CLI_H
#define NNRT_CLI_CLI_H

#include "nnrt/file_write.h"
#include "nnrt/model.h"

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <iosfwd>

namespace nnrt::cli {

/// What every command gets: the compiled code, the output streams, and the
/// files the running program was compiled from (`nnc run` passes its .nnm
/// sources), which no output may overwrite.
struct Context {
  ModelCode code;
  std::ostream &out;
  std::ostream &err;
  std::vector<std::string> sources;

  /// Declares the sources as inputs of `files`.
  void protectSources(OutputSet &files) const {
    for (const std::string &source : sources)
      files.addInput(source, "model's source");
  }
};

/// A registered subcommand: its CLI11 app and the action to run when chosen.
struct Command {
  CLI::App *app = nullptr;
  std::function<void()> run;
};

Command addInfoCommand(CLI::App &parent, const Context &context);
Command addInitCommand(CLI::App &parent, const Context &context);
Command addPredictCommand(CLI::App &parent, const Context &context);
Command addBenchCommand(CLI::App &parent, const Context &context);
Command addTrainCommand(CLI::App &parent, const Context &context);
Command addEvalCommand(CLI::App &parent, const Context &context);

/// Runs the command line; returns the process exit code (0 on success, 1 for
/// an error of the run, CLI11's codes for bad flags). `sources`: see
/// Context.
int runCli(const ModelCode &code, int argc, const char *const *argv,
           std::ostream &out, std::ostream &err,
           const std::vector<std::string> &sources = {});

/// `--threads N` of the commands that run compiled code, bound to `text`
/// and read by threadsFlag.
void addThreadsOption(CLI::App *app, std::optional<std::string> &text);

/// The --threads value for Model: 0 when not given (every CPU this process
/// may use), else N, checked to be in [1, 1024].
int threadsFlag(const std::optional<std::string> &text);

/// Adds `--device cpu|cuda` (default cpu) to a command that runs the model.
void addDeviceOption(CLI::App *app, std::string &device);

/// Checks `--device` before the model is made: cpu runs; cuda needs a
/// driver, a device (nnrt/cuda_driver.h) and GPU code in the model, and
/// throws Error naming what is missing.
void checkDevice(const std::string &device);

/// 235146 -> "235,146".
std::string withThousands(int64_t value);

} // namespace nnrt::cli

#endif // NNRT_CLI_CLI_H
