//===- bad_files.h - The corpus of malformed files for runtime tests ------===//
//
// One list of malformed .safetensors and .npy files, each with the message
// fragment the runtime must report. The unit tests feed them to the readers
// in-process; nnrt_test_tool writes them to disk for the command-line tests,
// so both layers check the same cases and the same messages.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_TESTS_BAD_FILES_H
#define NNRT_TESTS_BAD_FILES_H

#include <cstdint>
#include <string>
#include <vector>

namespace nnrt::testing {

/// Where a bad file must be refused.
enum class BadKind {
  SafeTensors, ///< readSafeTensors refuses it.
  Load,  ///< a valid file that ParamStore::load refuses for the fake model.
  Npy,   ///< readNpy refuses it.
  Input, ///< a valid .npy that `predict` refuses as input of the fake model.
};

struct BadFile {
  BadKind kind;
  std::string name;     ///< File name, e.g. "st_not_json.safetensors".
  std::string bytes;    ///< Its contents.
  std::string fragment; ///< Expected in the message, after "<path>: ".
};

/// The whole corpus.
std::vector<BadFile> badFiles();

/// A safetensors file: 8-byte length of `header` (unpadded), `header`, `data`.
std::string safetensorsBytes(const std::string &header,
                             const std::string &data);

/// A .npy v1.0 file with the given header dict text and raw data.
std::string npyBytes(const std::string &dict, const std::string &data);

/// `n` float32 values 0, 1, 2, ... as raw bytes.
std::string floatBytes(int n);

const char *kindName(BadKind kind);

} // namespace nnrt::testing

#endif // NNRT_TESTS_BAD_FILES_H
