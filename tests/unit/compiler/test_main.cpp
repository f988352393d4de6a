//===- test_main.cpp - The doctest main of the compiler unit tests --------===//
//
// Only doctest's generated main lives here; each pipeline stage has its own
// test_<stage>.cpp file.
//
//===----------------------------------------------------------------------===//
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
