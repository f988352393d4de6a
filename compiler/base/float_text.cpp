//===- float_text.cpp - Doubles as the shortest text that reads back ------===//
#include "base/float_text.h"

#include <cstdio>
#include <cstdlib>

namespace nnc {

std::string floatText(double value) {
  char buf[64];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value)
      break;
  }
  std::string s = buf;
  // Keep a float looking like a float so that a parser never sees an int.
  if (s.find_first_of(".eEn") == std::string::npos)
    s += ".0";
  return s;
}

} // namespace nnc
