//===- fuzz_nnm.cpp - Fuzzes the .nnm front end through sema --------------===//
//
// The input is the main `.nnm` file of a compilation: it is loaded with the
// stdlib (sema::loadProgram, imports included) and its model elaborated, as
// `nnc check` does. Errors must arrive as diagnostics; an elaborated model's
// forward graph must pass the verifier and survive printing and parsing.
//
// It runs on the compiler's large stack, as `nnc` does (base/large_stack.h).
// loadProgram reads the main file by path, so the input is written to
// `input.nnm` in a private temporary directory (imports resolve there). The
// stdlib is NNC_STDLIB when set, else the source tree's stdlib/.
//
//===----------------------------------------------------------------------===//
#include "base/diagnostics.h"
#include "base/large_stack.h"
#include "base/source.h"
#include "fuzz_util.h"
#include "ir/graph.h"
#include "sema/sema.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace {

struct Setup {
  std::string input;
  std::string stdlib;
};

char tempDir[] = "/tmp/nnc_fuzz_nnm.XXXXXX"; // mkdtemp fills in the X's

void removeTempDir() {
  std::string dir = tempDir;
  std::remove((dir + "/input.nnm").c_str());
  ::rmdir(dir.c_str());
}

const Setup &setup() {
  static const Setup *setup = [] {
    if (!::mkdtemp(tempDir))
      nnc::fuzz::invariantFailed("cannot create a temporary directory");
    std::atexit(removeTempDir);
    const char *stdlib = std::getenv("NNC_STDLIB");
    return new Setup{std::string(tempDir) + "/input.nnm",
                     stdlib ? stdlib : NNC_FUZZ_STDLIB_DIR};
  }();
  return *setup;
}

std::string printed(const nnc::ir::Graph &graph) {
  std::ostringstream out;
  nnc::ir::printGraph(graph, out);
  return out.str();
}

} // namespace

namespace {

int compile(const uint8_t *data, size_t size) {
  const Setup &paths = setup();
  {
    std::ofstream out(paths.input, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), std::streamsize(size));
    FUZZ_REQUIRE(out.good(), "cannot write the input file");
  }
  nnc::SourceManager sources;
  std::ostringstream diagnostics;
  nnc::DiagnosticEngine diags(sources, diagnostics);
  nnc::sema::Program program;
  if (!nnc::sema::loadProgram(paths.input, paths.stdlib, sources, diags,
                              program)) {
    FUZZ_REQUIRE(diags.hasErrors(), "loading failed without a diagnostic");
    return 0;
  }
  std::unique_ptr<nnc::sema::Model> model =
      nnc::sema::elaborate(program, "", sources, diags);
  if (!model) {
    FUZZ_REQUIRE(diags.hasErrors(), "elaboration failed without a diagnostic");
    return 0;
  }
  std::string problem = nnc::ir::verifyGraph(*model->graph);
  FUZZ_REQUIRE(problem.empty(), "elaborated graph fails the verifier: " +
                                    problem);
  std::string text = printed(*model->graph), error;
  std::unique_ptr<nnc::ir::Graph> again = nnc::ir::parseGraph(text, error);
  FUZZ_REQUIRE(again != nullptr,
               "the model's printed graph does not parse: " + error + "\n" +
                   text);
  FUZZ_REQUIRE(printed(*again) == text, "print/parse/print differs:\n" + text);
  return 0;
}

} // namespace

// On the stack the `nnc` command gives the compiler (base/large_stack.h):
// the front end's nesting limits are sized for it, not for the 8 MiB of
// the fuzzer's thread under AddressSanitizer.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return nnc::runWithStack(nnc::kCompilerStackBytes,
                           [&] { return compile(data, size); });
}
