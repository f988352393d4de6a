//===- fuzz_nnir.cpp - Fuzzes the textual graph IR parser -----------------===//
//
// The input is `.nnir` text, read as `nnc ir` does. parseGraph must either
// refuse it with a "line:col: message" error or return a graph; a graph the
// verifier accepts must print a text that parses back and prints identically
// (printing then parsing is the identity, as docs/ir.md promises).
//
//===----------------------------------------------------------------------===//
#include "fuzz_util.h"
#include "ir/graph.h"

#include <cctype>
#include <sstream>

namespace {

bool hasLineCol(const std::string &error) {
  size_t i = 0;
  for (int part = 0; part < 2; ++part) {
    size_t start = i;
    while (i < error.size() && std::isdigit(static_cast<unsigned char>(error[i])))
      ++i;
    if (i == start || i >= error.size() || error[i] != ':')
      return false;
    ++i;
  }
  return true;
}

std::string printed(const nnc::ir::Graph &graph) {
  std::ostringstream out;
  nnc::ir::printGraph(graph, out);
  return out.str();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(nnc::fuzz::asText(data, size));
  std::string error;
  std::unique_ptr<nnc::ir::Graph> graph = nnc::ir::parseGraph(text, error);
  if (!graph) {
    FUZZ_REQUIRE(hasLineCol(error), "error without line:col: " + error);
    return 0;
  }
  // The verifier checks more than the parser (a graph needs outputs): a
  // refusal, like a parse error.
  if (!nnc::ir::verifyGraph(*graph).empty())
    return 0;
  std::string once = printed(*graph);
  std::unique_ptr<nnc::ir::Graph> again = nnc::ir::parseGraph(once, error);
  FUZZ_REQUIRE(again != nullptr, "printed graph does not parse: " + error +
                                     "\n" + once);
  FUZZ_REQUIRE(printed(*again) == once, "print/parse/print differs:\n" + once);
  return 0;
}
