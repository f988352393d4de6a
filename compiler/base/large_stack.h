//===- large_stack.h - Running the compiler on a stack of known size ------===//
//
// The front end recurses once per level of nesting in the source, which the
// parser bounds (1000 levels) and sema bounds through calls (10,000 levels
// of evaluation). The default 8 MiB stack of the main thread holds that in
// an optimised build but not in a sanitised one, whose frames are several
// times larger; the `nnc` command and the fuzzing harnesses run the
// compiler on a thread whose stack covers the bounds with room to spare.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <functional>

namespace nnc {

/// The stack the compiler runs on: 512 MiB of address space, of which the
/// kernel backs only the pages a deep input actually touches.
constexpr size_t kCompilerStackBytes = size_t(512) << 20;

/// Runs `body` on a new thread with a stack of `bytes` and waits for it;
/// runs it on the calling thread when no such thread can be created.
/// Returns what `body` returns.
int runWithStack(size_t bytes, const std::function<int()> &body);

} // namespace nnc
