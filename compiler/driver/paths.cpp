//===- paths.cpp - Where nnc finds its stdlib and runtime -----------------===//
#include "driver/paths.h"

#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace nnc::driver {
namespace {

fs::path prefix() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec)
    return fs::current_path();
  return exe.parent_path().parent_path();
}

std::string fromEnv(const char *name, const fs::path &fallback) {
  const char *v = std::getenv(name);
  return v && *v ? std::string(v) : fallback.string();
}

} // namespace

std::string stdlibDir() {
  return fromEnv("NNC_STDLIB", prefix() / "share" / "nnc" / "stdlib");
}

std::string runtimeLibDir() {
  return fromEnv("NNC_RUNTIME_DIR", prefix() / "lib");
}

std::string runtimeIncludeDir() {
  return (prefix() / "include").string();
}

} // namespace nnc::driver
