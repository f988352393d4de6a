//===- cli_unit_test.cpp - The command line, in-process -------------------===//
//
// runCli with string streams: info's table and totals, --json, thousands
// separators, and CLI11's refusal of bad flags with a non-zero code. The
// file-level behaviour is covered end to end by cli_test.sh.
//
//===----------------------------------------------------------------------===//
#include "cli.h"
#include "test_util.h"

#include <sstream>

using namespace nnrt;

namespace {

struct Run {
  int code;
  std::string out, err;
};

Run runArgs(std::vector<const char *> args) {
  args.insert(args.begin(), "fake_model");
  std::ostringstream out, err;
  int code =
      cli::runCli(linkedModelCode(), int(args.size()), args.data(), out, err);
  return {code, out.str(), err.str()};
}

} // namespace

TEST_CASE("thousands separators") {
  CHECK(cli::withThousands(0) == "0");
  CHECK(cli::withThousands(999) == "999");
  CHECK(cli::withThousands(1000) == "1,000");
  CHECK(cli::withThousands(235146) == "235,146");
  CHECK(cli::withThousands(1234567890) == "1,234,567,890");
  CHECK(cli::withThousands(-4500) == "-4,500");
  CHECK(cli::withThousands(INT64_MIN) == "-9,223,372,036,854,775,808");
}

TEST_CASE("info prints the model, the tensors and the totals") {
  Run run = runArgs({"info"});
  CHECK(run.code == 0);
  CHECK(run.out.find("model: Fake\n") != std::string::npos);
  CHECK(run.out.find("  x  [B, 3]  f32\n") != std::string::npos);
  CHECK(run.out.find("fc.weight  [2, 3]  6      param   yes") !=
        std::string::npos);
  CHECK(run.out.find("scale      [2]     2      buffer  no") !=
        std::string::npos);
  CHECK(run.out.find("total parameters: 8  trainable: 8\n") !=
        std::string::npos);
  CHECK(run.out.find(
            "training: loss mse(output, target), target [B, 2] (values)\n"
            "  optimizer SGD(lr=0.1, momentum=0.9, dampening=0, "
            "nesterov=false, weight_decay=0)\n"
            "  batch 4  epochs 3  seed 0  shuffle yes  validation 0  "
            "normalize none\n") != std::string::npos);
  CHECK(run.err.empty());
}

TEST_CASE("info --json is the manifest with counts") {
  Run run = runArgs({"info", "--json"});
  REQUIRE(run.code == 0);
  nlohmann::json doc = nlohmann::json::parse(run.out);
  CHECK(doc["model"] == "Fake");
  CHECK(doc["total_parameters"] == 8);
  CHECK(doc["trainable_parameters"] == 8);
  CHECK(doc["tensors"].size() == 3);
  CHECK(doc["training"]["loss"] == "mse");
}

TEST_CASE("bad flags get CLI11's message and a non-zero code") {
  Run none = runArgs({});
  CHECK(none.code != 0);
  CHECK(none.err.find("A subcommand is required") != std::string::npos);
  Run unknown = runArgs({"info", "--bogus"});
  CHECK(unknown.code != 0);
  CHECK(unknown.err.find("--bogus") != std::string::npos);
  Run missing = runArgs({"init", "--seed", "1"});
  CHECK(missing.code != 0);
  CHECK(missing.err.find("--output is required") != std::string::npos);
  Run help = runArgs({"predict", "--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("--params") != std::string::npos);
}
