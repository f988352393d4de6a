//===- init_command.cpp - `./model init --seed N -o FILE` -----------------===//
//
// Initialises every parameter and buffer from its manifest initialiser and
// writes them as safetensors, loadable by PyTorch (`__metadata__` format pt).
// The same seed gives the same file on any machine.
//
//===----------------------------------------------------------------------===//
#include "cli.h"

#include <ostream>

namespace nnrt::cli {
namespace {

struct InitOptions {
  uint64_t seed = 0;
  std::string output;
};

void run(const Context &context, const InitOptions &options) {
  Model model(context.code);
  model.params().initAll(options.seed);
  model.params().save(options.output);
  const Manifest &m = model.manifest();
  context.out << "wrote " << options.output << ": " << m.tensors.size()
              << " tensors, " << withThousands(m.parameterCount())
              << " parameters (seed " << options.seed << ")\n";
}

} // namespace

Command addInitCommand(CLI::App &parent, const Context &context) {
  CLI::App *app = parent.add_subcommand(
      "init", "Initialise the parameters and write them as safetensors");
  auto options = std::make_shared<InitOptions>();
  app->add_option("--seed", options->seed, "Random seed")
      ->capture_default_str();
  app->add_option("-o,--output", options->output,
                  "The .safetensors file to write")
      ->required();
  return {app, [context, options] { run(context, *options); }};
}

} // namespace nnrt::cli
