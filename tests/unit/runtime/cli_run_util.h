//===- cli_run_util.h - Running the executable's command line in-process --===//
//
// runCli with string streams, on any ModelCode: the tests of the command
// line check exit codes and the exact text of stdout and stderr.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_TESTS_CLI_RUN_UTIL_H
#define NNRT_TESTS_CLI_RUN_UTIL_H

#include "cli.h"

#include <sstream>
#include <string>
#include <vector>

namespace nnrt::testing {

/// What one command line did.
struct CliRun {
  int code;
  std::string out, err;
};

/// `fake_model ARGS...` on `code`.
inline CliRun runCliWith(const ModelCode &code, std::vector<std::string> args) {
  args.insert(args.begin(), "fake_model");
  std::vector<const char *> argv;
  for (const std::string &arg : args)
    argv.push_back(arg.c_str());
  std::ostringstream out, err;
  int status = cli::runCli(code, int(argv.size()), argv.data(), out, err);
  return {status, out.str(), err.str()};
}

inline bool contains(const std::string &text, const std::string &fragment) {
  return text.find(fragment) != std::string::npos;
}

} // namespace nnrt::testing

#endif // NNRT_TESTS_CLI_RUN_UTIL_H
