//===- process.cpp - Running a tool as a child process --------------------===//
//
// fork + execvp, with the child's output captured through a pipe so that
// error messages can quote it. No shell: paths with spaces are safe; no
// temporary file: a predictable name in /tmp could be a planted symlink.
//
//===----------------------------------------------------------------------===//
#include "driver/process.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nnc::driver {
namespace {

/// Keeps the first MiB of a tool's output: enough for any message, and a
/// runaway tool cannot exhaust memory.
constexpr size_t kMaxOutput = size_t(1) << 20;

} // namespace

bool runProcess(std::vector<std::string> argv, std::string &output) {
  output.clear();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    output = "cannot start `" + argv[0] + "`: cannot create a pipe";
    return false;
  }
  pid_t pid = fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    output = "cannot start `" + argv[0] + "`";
    return false;
  }
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    std::vector<char *> args;
    for (std::string &a : argv)
      args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run `%s`: it is not installed or not in PATH\n",
                 args[0]);
    _exit(127);
  }
  ::close(fds[1]);
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (output.size() < kMaxOutput)
      output.append(buffer, std::min(size_t(n), kMaxOutput - output.size()));
  }
  ::close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace nnc::driver
