//===- init_command.cpp - `./model init --seed N -o FILE` -----------------===//
//
// Initialises every parameter and buffer from its manifest initialiser and
// writes them as safetensors, loadable by PyTorch (`__metadata__` format pt).
// The same seed gives the same file on any machine. The output is checked
// (file_write.h) before the work is done.
//
//===----------------------------------------------------------------------===//
#include "cli.h"
#include "nnrt/file_write.h"
#include "numeric_flags.h"

#include <ostream>

namespace nnrt::cli {
namespace {

struct InitOptions {
  std::string seed = "0";
  std::string output;
};

void run(const Context &context, const InitOptions &options) {
  uint64_t seed = seedFlag("--seed", options.seed);
  // Refuses a folder, a missing folder, a source ... before the work.
  OutputSet files;
  context.protectSources(files);
  files.add(options.output, "-o");
  Model model(context.code);
  model.params().initAll(seed);
  model.params().save(options.output);
  const Manifest &m = model.manifest();
  context.out << "wrote " << options.output << ": " << m.tensors.size()
              << " tensors, " << withThousands(m.parameterCount())
              << " parameters (seed " << seed << ")\n";
}

} // namespace

Command addInitCommand(CLI::App &parent, const Context &context) {
  CLI::App *app = parent.add_subcommand(
      "init", "Initialise the parameters and write them as safetensors");
  auto options = std::make_shared<InitOptions>();
  app->add_option("--seed", options->seed, "Random seed, 0 to 2^64 - 1")
      ->type_name("UINT")
      ->capture_default_str();
  app->add_option("-o,--output", options->output,
                  "The .safetensors file to write")
      ->required();
  return {app, [context, options] { run(context, *options); }};
}

} // namespace nnrt::cli
