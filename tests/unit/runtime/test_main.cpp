//===- test_main.cpp - The doctest main of the runtime unit tests ---------===//
//
// One executable holds every runtime unit test; ctest runs it as one test.
//
//===----------------------------------------------------------------------===//
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
