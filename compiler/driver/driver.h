//===- driver.h - The `nnc` command as a library function -----------------===//
//
// `main` is a few lines around run(); tests call run() in-process with their
// own streams.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace nnc::driver {

/// Runs `nnc` with `args` (without the program name). Returns the exit code.
int run(const std::vector<std::string> &args, std::ostream &out,
        std::ostream &err);

} // namespace nnc::driver
