//===- link.cpp - Linking a model object with the runtime -----------------===//
//
// Runs the system C++ driver as a child process (no shell, so paths with
// spaces are safe) and captures what it prints for the error message.
//
//===----------------------------------------------------------------------===//
#include "driver/link.h"
#include "driver/paths.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace nnc::driver {
namespace {

std::vector<std::string> extraLinkFlags() {
  std::vector<std::string> flags;
  std::istringstream in(NNC_RUNTIME_LINK_FLAGS);
  for (std::string f; in >> f;)
    flags.push_back(f);
  return flags;
}

} // namespace

bool linkExecutable(const std::string &object, const std::string &output,
                    std::string &error) {
  fs::path lib = runtimeLibDir();
  for (const char *name : {"libnnrt_main.a", "libnnrt.a"})
    if (!fs::exists(lib / name)) {
      error = "cannot find the runtime library " + (lib / name).string() +
              " (set NNC_RUNTIME_DIR to the folder that holds it)";
      return false;
    }
  const char *cxx = std::getenv("NNC_CXX");
  std::vector<std::string> argv = {cxx && *cxx ? cxx : "c++", "-o", output,
                                   object, (lib / "libnnrt_main.a").string(),
                                   (lib / "libnnrt.a").string()};
  for (const std::string &f : extraLinkFlags())
    argv.push_back(f);
  for (const char *f : {"-lz", "-lm", "-lpthread"})
    argv.push_back(f);

  fs::path log = fs::temp_directory_path() /
                 ("nnc-link-" + std::to_string(getpid()) + ".log");
  pid_t pid = fork();
  if (pid < 0) {
    error = "cannot start the linker";
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
    std::fprintf(stderr, "cannot run `%s`: install a C++ compiler or set NNC_CXX\n",
                 args[0]);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  std::error_code ec;
  fs::remove(log, ec);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return true;
  error = "linking `" + output + "` failed:\n" + text.str();
  return false;
}

} // namespace nnc::driver
