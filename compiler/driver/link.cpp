//===- link.cpp - Linking a model object with the runtime -----------------===//
//
// Runs the system C++ driver as a child process and quotes what it printed
// when it fails. The linker writes a staging file, never `-o` itself, so a
// failed link cannot leave a half-written executable (or a regular file in
// place of a device node) behind.
//
//===----------------------------------------------------------------------===//
#include "driver/link.h"
#include "driver/paths.h"
#include "driver/process.h"
#include "nnrt/error.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>
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

bool linkExecutable(const std::string &object, nnrt::OutputFile &output,
                    std::string &error) {
  fs::path lib = runtimeLibDir();
  for (const char *name : {"libnnrt_main.a", "libnnrt.a"})
    if (!fs::exists(lib / name)) {
      error = "cannot find the runtime library " + (lib / name).string() +
              " (set NNC_RUNTIME_DIR to the folder that holds it)";
      return false;
    }
  const char *cxx = std::getenv("NNC_CXX");
  std::vector<std::string> argv = {cxx && *cxx ? cxx : "c++",
                                   "-o",
                                   output.stagingPath(),
                                   object,
                                   (lib / "libnnrt_main.a").string(),
                                   (lib / "libnnrt.a").string()};
  for (const std::string &f : extraLinkFlags())
    argv.push_back(f);
  for (const char *f : {"-lz", "-lm", "-lpthread"})
    argv.push_back(f);

  std::string printed;
  if (!runProcess(argv, printed)) {
    error = "linking `" + output.path() + "` failed:\n" + printed;
    return false;
  }
  try {
    output.commit();
  } catch (const nnrt::Error &e) {
    error = e.what();
    return false;
  }
  return true;
}

} // namespace nnc::driver
