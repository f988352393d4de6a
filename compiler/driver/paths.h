//===- paths.h - Where nnc finds its stdlib and runtime -------------------===//
//
// Relative to the `nnc` executable: <prefix>/bin/nnc finds
// <prefix>/share/nnc/stdlib and <prefix>/lib/libnnrt.a, which holds in the
// build tree and in an install alike. NNC_STDLIB and NNC_RUNTIME_DIR
// override them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace nnc::driver {

std::string stdlibDir();
std::string runtimeLibDir();
std::string runtimeIncludeDir();

} // namespace nnc::driver
