//===- library.h - `nnc build --emit lib`: a model as a C library ---------===//
//
// `-o DIR/NAME` writes three files beside each other: DIR/libNAME.a and
// DIR/libNAME.so (the model's code, whose one external symbol is the
// descriptor `<prefix>_model`; the prefix is NAME unless --prefix says
// otherwise) and DIR/NAME.h, the generated header that declares the
// descriptor and a `<prefix>_create` function over nnrt.h. An application
// links any number of such libraries and one libnnrt.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nnrt/file_write.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace nnc::driver {

/// The three files of a library build, checked (as `-o` is) before any work.
struct LibraryOutputs {
  std::string name; ///< NAME of `-o DIR/NAME`
  std::unique_ptr<nnrt::OutputFile> archive, shared, header;

  /// Checks and opens the files of `-o base`; throws nnrt::Error for a
  /// path that cannot be written, or a NAME that is empty or names a
  /// folder.
  static LibraryOutputs open(const std::string &base);
};

/// The generated header: the descriptor and `<prefix>_create`, with the
/// model's inputs, outputs and training described in comments and macros.
/// `source` is the model file as the command line named it.
std::string libraryHeader(const std::string &prefix, const std::string &name,
                          const nlohmann::json &manifest, const std::string &source);

/// Writes the archive and the shared library of `object`, then the header;
/// each is staged and committed. False with `error` set on failure.
bool writeLibrary(const std::string &object, const std::string &header,
                  LibraryOutputs &outputs, std::string &error);

} // namespace nnc::driver
