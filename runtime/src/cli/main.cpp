//===- main.cpp - The entry point of a compiled model's executable --------===//
//
// Linked as libnnrt_main.a beside the model object and libnnrt.a; everything
// happens in runCli so tests can drive the command line in-process.
//
//===----------------------------------------------------------------------===//
#include "cli.h"

#include <iostream>

int main(int argc, char **argv) {
  return nnrt::cli::runCli(nnrt::linkedModelCode(), argc, argv, std::cout,
                           std::cerr);
}
