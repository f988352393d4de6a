//===- numeric_flags.cpp - Numeric flags, parsed and checked by hand ------===//
//
// std::from_chars does the conversion: it is locale-independent, reads the
// whole text or reports where it stopped, and says when a value is out of
// the type's range instead of clamping it.
//
//===----------------------------------------------------------------------===//
#include "numeric_flags.h"
#include "nnrt/error.h"

#include <charconv>
#include <cmath>

namespace nnrt::cli {
namespace {

// from_chars takes no leading '+'; people write one.
std::string_view withoutPlus(const std::string &text) {
  std::string_view view = text;
  if (view.size() > 1 && view[0] == '+' && view[1] != '-')
    view.remove_prefix(1);
  return view;
}

std::string quoted(const std::string &text) { return "`" + text + "`"; }

} // namespace

int64_t integerFlag(const std::string &flag, const std::string &text,
                    int64_t least, int64_t most) {
  std::string_view view = withoutPlus(text);
  int64_t value = 0;
  auto [end, error] =
      std::from_chars(view.data(), view.data() + view.size(), value);
  bool whole = end == view.data() + view.size() && !view.empty();
  if (error == std::errc::result_out_of_range && whole)
    throw Error(flag + " must be " +
                (view.starts_with("-") ? "at least " + std::to_string(least)
                                       : "at most " + std::to_string(most)) +
                ", got " + text);
  if (error != std::errc() || !whole)
    throw Error(flag + " must be an integer, got " + quoted(text));
  if (value < least)
    throw Error(flag + " must be at least " + std::to_string(least) + ", got " +
                text);
  if (value > most)
    throw Error(flag + " must be at most " + std::to_string(most) + ", got " +
                text);
  return value;
}

uint64_t seedFlag(const std::string &flag, const std::string &text) {
  std::string_view view = withoutPlus(text);
  if (view.starts_with("-"))
    throw Error(flag + " must be a non-negative integer, got " + text);
  uint64_t value = 0;
  auto [end, error] =
      std::from_chars(view.data(), view.data() + view.size(), value);
  bool whole = end == view.data() + view.size() && !view.empty();
  if (error == std::errc::result_out_of_range && whole)
    throw Error(flag + " must be at most " +
                std::to_string(std::numeric_limits<uint64_t>::max()) +
                ", got " + text);
  if (error != std::errc() || !whole)
    throw Error(flag + " must be a non-negative integer, got " + quoted(text));
  return value;
}

double realFlag(const std::string &flag, const std::string &text) {
  std::string_view view = withoutPlus(text);
  double value = 0;
  auto [end, error] =
      std::from_chars(view.data(), view.data() + view.size(), value);
  bool whole = end == view.data() + view.size() && !view.empty();
  if (!whole ||
      (error != std::errc() && error != std::errc::result_out_of_range))
    throw Error(flag + " must be a number, got " + quoted(text));
  // Out of range is a value past DBL_MAX (or below its smallest), which
  // from_chars reports rather than rounding to inf.
  if (error == std::errc::result_out_of_range || !std::isfinite(value))
    throw Error(flag + " must be a finite number, got " + quoted(text));
  return value;
}

} // namespace nnrt::cli
