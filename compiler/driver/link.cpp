//===- link.cpp - Linking a model object into executables and libraries ---===//
//
// Runs the system C++ driver as a child process and quotes what it printed
// when it fails. The linker writes a staging file, never `-o` itself, so a
// failed link cannot leave a half-written executable (or a regular file in
// place of a device node) behind. Static libraries are written by LLVM's
// archive writer, staged the same way.
//
//===----------------------------------------------------------------------===//
#include "driver/link.h"
#include "driver/paths.h"
#include "driver/process.h"
#include "nnrt/error.h"

#include <llvm/Object/ArchiveWriter.h>
#include <llvm/Support/Error.h>

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

/// Installs what a tool wrote to output's staging file.
bool commit(nnrt::OutputFile &output, std::string &error) {
  try {
    output.commit();
  } catch (const nnrt::Error &e) {
    error = e.what();
    return false;
  }
  return true;
}

/// Runs the link `argv` (writing output's staging file) and commits it.
bool linkAndCommit(std::vector<std::string> argv, nnrt::OutputFile &output, std::string &error) {
  std::string printed;
  if (!runProcess(argv, printed)) {
    error = "linking `" + output.path() + "` failed:\n" + printed;
    return false;
  }
  return commit(output, error);
}

std::string cxxDriver() {
  const char *cxx = std::getenv("NNC_CXX");
  return cxx && *cxx ? cxx : "c++";
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
  std::vector<std::string> argv = {cxxDriver(),
                                   "-o",
                                   output.stagingPath(),
                                   object,
                                   (lib / "libnnrt_main.a").string(),
                                   (lib / "libnnrt.a").string()};
  for (const std::string &f : extraLinkFlags())
    argv.push_back(f);
  for (const char *f : {"-lz", "-lm", "-lpthread"})
    argv.push_back(f);
  return linkAndCommit(argv, output, error);
}

bool linkSharedLibrary(const std::string &object, nnrt::OutputFile &output,
                       std::string &error) {
  // Named by its file name, so that a program linked with it by path
  // looks for it by name (on its rpath) rather than at the build's path.
  std::string soname = fs::path(output.path()).filename().string();
  std::vector<std::string> argv = {cxxDriver(), "-shared", "-Wl,--no-undefined",
                                   "-Wl,-soname," + soname, "-o", output.stagingPath(), object};
  for (const std::string &f : extraLinkFlags())
    argv.push_back(f);
  argv.push_back("-lm");
  return linkAndCommit(argv, output, error);
}

bool archiveObject(const std::string &object, nnrt::OutputFile &output, std::string &error) {
  llvm::Expected<llvm::NewArchiveMember> member =
      llvm::NewArchiveMember::getFile(object, /*Deterministic=*/true);
  if (!member) {
    error = output.path() + ": " + llvm::toString(member.takeError());
    return false;
  }
  // The member is named after the library, not the temporary object.
  std::string memberName = fs::path(output.path()).stem().string() + ".o";
  member->MemberName = memberName;
  std::vector<llvm::NewArchiveMember> members;
  members.push_back(std::move(*member));
  if (llvm::Error e = llvm::writeArchive(output.stagingPath(), members,
                                         llvm::SymtabWritingMode::NormalSymtab,
                                         llvm::object::Archive::K_GNU, /*Deterministic=*/true,
                                         /*Thin=*/false)) {
    error = output.path() + ": " + llvm::toString(std::move(e));
    return false;
  }
  return commit(output, error);
}

} // namespace nnc::driver
