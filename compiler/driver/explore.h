//===- explore.h - `nnc explore`: one HTML page about the user's model -----===//
//
// Gathers what the explorer page shows (explore_page.h): the module tree
// and the parameter-count sweep from sema, the forward pass of samples, the
// initialisation comparison and the activation functions from the model's
// compiled code (explore_runs.h), and training curves from a metrics file.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace nnc::driver {

struct ExploreOptions {
  std::string input, output, model;
  std::string params;  ///< a parameter file or checkpoint; else initialised with `seed`
  std::string data;    ///< the samples; else the train block's data
  std::string metrics; ///< `train --metrics` JSON lines, for the curves
  std::vector<std::string> sweeps; ///< NAME=A..B
  std::string json;    ///< where to write the page's data too (for scripts and tests)
  int64_t samples = 3; ///< samples shown layer by layer
  int64_t batch = 256; ///< samples of the initialisation comparison
  uint64_t seed = 0;
};

/// Writes the page to options.output (atomically); progress and errors go
/// to `err`. Returns the exit status.
int cmdExplore(const ExploreOptions &options, std::ostream &err);

} // namespace nnc::driver
