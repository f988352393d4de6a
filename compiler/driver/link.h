//===- link.h - Linking a model object with the runtime -------------------===//
#pragma once

#include "nnrt/file_write.h"

#include <string>

namespace nnc::driver {

/// Links `object` with libnnrt_main.a and libnnrt.a into the executable
/// `output`, using the C++ compiler driver ($NNC_CXX, else `c++`): the linker
/// writes output's staging file, which is committed (renamed over `-o`, or
/// copied into a device) only when the link succeeded. Returns false and
/// sets `error` (with the linker's own output) on failure; `-o` is then
/// unchanged.
bool linkExecutable(const std::string &object, nnrt::OutputFile &output,
                    std::string &error);

/// Links `object` alone into the shared library `output` (the model's code
/// needs nothing of the runtime: the application links libnnrt once for all
/// its models). Staged and committed as linkExecutable.
bool linkSharedLibrary(const std::string &object, nnrt::OutputFile &output,
                       std::string &error);

/// Writes a static library holding `object`, with a symbol index, to
/// `output` (LLVM's archive writer: no `ar` needed), staged and committed.
bool archiveObject(const std::string &object, nnrt::OutputFile &output, std::string &error);

} // namespace nnc::driver
