//===- process.cpp - Running a tool as a child process --------------------===//
//
// fork + execvp, with the child's output captured in a temporary file so
// that error messages can quote it. No shell: paths with spaces are safe.
//
//===----------------------------------------------------------------------===//
#include "driver/process.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace nnc::driver {

bool runProcess(std::vector<std::string> argv, std::string &output) {
  fs::path log = fs::temp_directory_path() /
                 ("nnc-" + std::to_string(getpid()) + "-child.log");
  pid_t pid = fork();
  if (pid < 0) {
    output = "cannot start `" + argv[0] + "`";
    return false;
  }
  if (pid == 0) {
    FILE *f = std::fopen(log.c_str(), "w");
    if (f) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    std::vector<char *> args;
    for (std::string &a : argv)
      args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run `%s`: it is not installed or not in PATH\n",
                 args[0]);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  output = text.str();
  std::error_code ec;
  fs::remove(log, ec);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace nnc::driver
