//===- replay_main.cpp - Runs a fuzz harness on saved inputs, no libFuzzer ===//
//
// Linked with one harness in the normal build (fuzz_replay_<harness>), so that
// the saved crash corpus and the seed corpus run as ordinary ctest tests with
// any compiler: each file named on the command line, or found (recursively,
// in sorted order) under a directory named there, is fed to
// LLVMFuzzerTestOneInput once. A regression crashes the process, as it would
// crash under libFuzzer; a missing directory counts as empty.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace fs = std::filesystem;

namespace {

// Dot files (.gitkeep) and notes (README.md) are not inputs.
bool isInput(const fs::path &path) {
  std::string name = path.filename().string();
  return !name.starts_with(".") && name != "README.md";
}

std::vector<fs::path> inputsUnder(const std::string &arg) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_directory(arg, ec)) {
    for (const auto &entry : fs::recursive_directory_iterator(arg, ec))
      if (entry.is_regular_file() && isInput(entry.path()))
        files.push_back(entry.path());
  } else if (fs::exists(arg, ec)) {
    files.push_back(arg);
  }
  std::sort(files.begin(), files.end());
  return files;
}

} // namespace

int main(int argc, char **argv) {
  size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    for (const fs::path &file : inputsUnder(argv[i])) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "cannot read %s\n", file.c_str());
        return 1;
      }
      std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()),
                             bytes.size());
      ++count;
    }
  }
  std::printf("replayed %zu inputs\n", count);
  return 0;
}
