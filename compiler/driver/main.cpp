//===- main.cpp - Entry point of the `nnc` compiler -----------------------===//
#include "driver/driver.h"

#include <iostream>

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return nnc::driver::run(args, std::cout, std::cerr);
}
