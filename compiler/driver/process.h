//===- process.h - Running a tool as a child process ----------------------===//
#pragma once

#include <string>
#include <vector>

namespace nnc::driver {

/// Runs `argv` (argv[0] looked up in PATH, no shell) and waits. Returns true
/// when it exits 0; `output` receives what it printed (stdout and stderr).
bool runProcess(std::vector<std::string> argv, std::string &output);

} // namespace nnc::driver
