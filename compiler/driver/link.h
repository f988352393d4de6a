//===- link.h - Linking a model object with the runtime -------------------===//
#pragma once

#include <string>

namespace nnc::driver {

/// Links `object` with libnnrt_main.a and libnnrt.a into the executable
/// `output`, using the C++ compiler driver ($NNC_CXX, else `c++`). Returns
/// false and sets `error` (with the linker's own output) on failure.
bool linkExecutable(const std::string &object, const std::string &output,
                    std::string &error);

} // namespace nnc::driver
