//===- main.cpp - Entry point of the `nnc` compiler -----------------------===//
//
// The driver runs on a thread with a large stack (base/large_stack.h), so
// that the recursion the front end's limits allow fits in any build.
//
//===----------------------------------------------------------------------===//
#include "base/large_stack.h"
#include "driver/driver.h"

#include <iostream>

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return nnc::runWithStack(nnc::kCompilerStackBytes, [&] {
    return nnc::driver::run(args, std::cout, std::cerr);
  });
}
