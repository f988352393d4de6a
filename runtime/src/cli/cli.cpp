//===- cli.cpp - The driver of the executable's command line --------------===//
//
// Builds the CLI11 app from the subcommands, parses, and runs the chosen one.
// This is the boundary where nnrt::Error (and any other exception) becomes a
// message on stderr and exit code 1: the executable never crashes on bad
// input. An exception that is not an nnrt::Error means a check is missing
// somewhere; it still gets a sentence, not just "std::bad_alloc".
//
//===----------------------------------------------------------------------===//
#include "cli.h"
#include "nnrt/cuda_driver.h"
#include "nnrt/error.h"
#include "numeric_flags.h"

#include <iostream>
#include <new>

namespace nnrt::cli {

std::string withThousands(int64_t value) {
  // Unsigned, so that INT64_MIN's magnitude is representable.
  std::string digits = std::to_string(value < 0 ? 0 - uint64_t(value) : uint64_t(value));
  std::string text;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      text += ',';
    text += digits[i];
  }
  return value < 0 ? "-" + text : text;
}

void addThreadsOption(CLI::App *app, std::optional<std::string> &text) {
  app->add_option("--threads", text,
                  "Threads the compiled code runs on, the calling one "
                  "included (default: every CPU this process may use); the "
                  "results do not depend on it")
      ->type_name("INT");
}

int threadsFlag(const std::optional<std::string> &text) {
  return text ? static_cast<int>(integerFlag("--threads", *text, 1, 1024)) : 0;
}

void addDeviceOption(CLI::App *app, std::string &device) {
  app->add_option("--device", device,
                  "Where the model runs: cpu (default) or cuda (an NVIDIA GPU; the GPU "
                  "runtime is not built yet, so this checks the driver and the device "
                  "and stops)")
      ->check(CLI::IsMember({"cpu", "cuda"}));
}

void checkDevice(const std::string &device) {
  if (device != "cuda")
    return;
  refuseCuda("--device cuda");
}

int runCli(const ModelCode &code, int argc, const char *const *argv,
           std::ostream &out, std::ostream &err,
           const std::vector<std::string> &sources) {
  CLI::App app("A neural-network model compiled by nnc.", "model");
  if (argc > 0)
    app.name(argv[0]);
  // Not require_subcommand: with it, CLI11 answers `./model trian` with "A
  // subcommand is required" instead of naming the unexpected word.
  app.require_subcommand(0, 1);
  Context context{code, out, err, sources};
  std::vector<Command> commands = {addInfoCommand(app, context),
                                   addInitCommand(app, context),
                                   addPredictCommand(app, context),
                                   addTrainCommand(app, context),
                                   addEvalCommand(app, context),
                                   addBenchCommand(app, context)};
  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty())
      throw CLI::RequiredError("A subcommand");
  } catch (const CLI::ParseError &e) {
    return app.exit(e, out, err);
  }
  try {
    for (const Command &command : commands)
      if (command.app->parsed())
        command.run();
  } catch (const Error &e) {
    err << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc &) {
    err << "error: out of memory: an allocation failed (std::bad_alloc); "
           "try a smaller --batch or input\n";
    return 1;
  } catch (const std::exception &e) {
    err << "error: unexpected failure: " << e.what()
        << " (an unchecked case in the runtime; please report it)\n";
    return 1;
  } catch (...) {
    err << "error: unexpected failure of an unknown kind (please report "
           "it)\n";
    return 1;
  }
  return 0;
}

} // namespace nnrt::cli
