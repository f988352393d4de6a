//===- numeric_flags_test.cpp - Every numeric flag, checked ---------------===//
//
// The conversions of numeric_flags.h, then every numeric flag of every
// command with the values a hostile user tries: inf, nan, negative numbers
// for unsigned settings, values past int64 and uint64, fractions for
// integers. Each must fail with exit 1 and a message naming the flag and the
// value, before anything is read or written; none may saturate or wrap.
//
//===----------------------------------------------------------------------===//
#include "cli_run_util.h"
#include "nnrt/checkpoint.h"
#include "numeric_flags.h"
#include "test_util.h"
#include "train_test_util.h"

#include <cmath>
#include <filesystem>

using namespace nnrt;
using namespace nnrt::cli;
using namespace nnrt::testing;

TEST_CASE("integer, seed and real flags") {
  CHECK(integerFlag("--batch", "64", 1) == 64);
  CHECK(integerFlag("--batch", "+7", 1) == 7);
  CHECK(integerFlag("--n", "9223372036854775807") == INT64_MAX);
  NNRT_CHECK_ERROR(integerFlag("--batch", "0", 1),
                   "--batch must be at least 1, got 0");
  NNRT_CHECK_ERROR(integerFlag("--batch", "99999999999999999999", 1),
                   "--batch must be at most 9223372036854775807, got "
                   "99999999999999999999");
  NNRT_CHECK_ERROR(integerFlag("--batch", "-99999999999999999999", 1),
                   "--batch must be at least 1, got -99999999999999999999");
  for (const char *bad : {"1.5", "1e30", "", "12abc", "0x10", " 3", "inf"})
    NNRT_CHECK_ERROR(integerFlag("--epochs", bad, 1),
                     "--epochs must be an integer, got `" + std::string(bad) +
                         "`");
  CHECK(seedFlag("--seed", "18446744073709551615") == UINT64_MAX);
  NNRT_CHECK_ERROR(seedFlag("--seed", "-1"),
                   "--seed must be a non-negative integer, got -1");
  NNRT_CHECK_ERROR(seedFlag("--seed", "18446744073709551616"),
                   "--seed must be at most 18446744073709551615, got "
                   "18446744073709551616");
  NNRT_CHECK_ERROR(seedFlag("--seed", "abc"),
                   "--seed must be a non-negative integer, got `abc`");
  CHECK(realFlag("--lr", "0.05") == 0.05);
  CHECK(realFlag("--lr", "1e-3") == 1e-3);
  for (const char *bad : {"inf", "-inf", "nan", "infinity", "1e999"})
    NNRT_CHECK_ERROR(realFlag("--lr", bad), "--lr must be a finite number, "
                                            "got `" +
                                                std::string(bad) + "`");
  NNRT_CHECK_ERROR(realFlag("--lr", "fast"),
                   "--lr must be a number, got `fast`");
}

TEST_CASE("train refuses every bad number with the flag and the value") {
  ScratchDir dir("numeric_train");
  writeNpyPair(linearDataset(20, false), dir.file("x.npy"), dir.file("y.npy"));
  std::string data = dir.file("x.npy") + "," + dir.file("y.npy");
  std::string ckpt = dir.file("c.safetensors");
  auto error = [&](std::vector<std::string> flags) {
    std::vector<std::string> args = {"train", "--data", data, "--save", ckpt};
    args.insert(args.end(), flags.begin(), flags.end());
    CliRun run = runCliWith(linkedModelCode(), args);
    CHECK(run.code == 1);
    CHECK(run.out.empty()); // refused before the first epoch
    return run.err;
  };
  CHECK(error({"--lr", "inf"}) ==
        "error: --lr must be a finite number, got `inf`\n");
  CHECK(error({"--lr", "nan"}) ==
        "error: --lr must be a finite number, got `nan`\n");
  CHECK(error({"--momentum", "-inf"}) ==
        "error: --momentum must be a finite number, got `-inf`\n");
  CHECK(error({"--weight-decay", "1e999"}) ==
        "error: --weight-decay must be a finite number, got `1e999`\n");
  CHECK(error({"--epochs", "1.5"}) ==
        "error: --epochs must be an integer, got `1.5`\n");
  CHECK(error({"--epochs", "-1"}) ==
        "error: --epochs must be at least 1, got -1\n");
  CHECK(error({"--batch", "1e30"}) ==
        "error: --batch must be an integer, got `1e30`\n");
  CHECK(error({"--batch", "99999999999999999999"}) ==
        "error: --batch must be at most 9223372036854775807, got "
        "99999999999999999999\n");
  CHECK(error({"--seed", "-1"}) ==
        "error: --seed must be a non-negative integer, got -1\n");
  CHECK(error({"--validation", "nan"}) ==
        "error: --validation must be a finite number, got `nan`\n");
  CHECK(error({"--validation", "-0.5"}) ==
        "error: --validation must be in [0, 1), got -0.5\n");
  CHECK(error({"--lr", "-1"}) == "error: SGD: Invalid learning rate: -1.0\n");
  CHECK_FALSE(std::filesystem::exists(ckpt));
  // The largest batch is one batch of everything.
  CliRun whole = runCliWith(linkedModelCode(),
                            {"train", "--data", data, "--epochs", "1",
                             "--batch", "9223372036854775807"});
  CHECK(whole.code == 0);
  CHECK(contains(whole.out, "; 1 step in all"));
  // The largest seed is a seed like any other, and is recorded as given.
  CliRun big = runCliWith(linkedModelCode(),
                          {"train", "--data", data, "--epochs", "1", "--save",
                           ckpt, "--seed", "18446744073709551615"});
  CHECK(big.code == 0);
  std::optional<CheckpointInfo> info = checkpointInfo(readSafeTensors(ckpt));
  REQUIRE(info);
  CHECK(info->seed == UINT64_MAX);
}

TEST_CASE("the optimizer refuses infinities from any source") {
  OptimizerConfig sgd = defaultOptimizer(OptimizerKind::SGD);
  sgd.lr = INFINITY;
  NNRT_CHECK_ERROR(validateOptimizer(sgd), "Invalid learning rate: inf");
  OptimizerConfig adam = defaultOptimizer(OptimizerKind::Adam);
  adam.eps = INFINITY;
  NNRT_CHECK_ERROR(validateOptimizer(adam), "Invalid epsilon value: inf");
  adam = defaultOptimizer(OptimizerKind::AdamW);
  adam.weightDecay = INFINITY;
  NNRT_CHECK_ERROR(validateOptimizer(adam), "Invalid weight_decay value: inf");
}

TEST_CASE("init, eval and bench check their numbers too") {
  ScratchDir dir("numeric_other");
  std::string params = dir.file("p.safetensors");
  CliRun init =
      runCliWith(linkedModelCode(), {"init", "--seed", "-1", "-o", params});
  CHECK(init.code == 1);
  CHECK(init.err == "error: --seed must be a non-negative integer, got -1\n");
  CHECK_FALSE(std::filesystem::exists(params));
  CHECK(runCliWith(linkedModelCode(), {"init", "-o", params}).code == 0);
  writeNpyPair(linearDataset(8, false), dir.file("x.npy"), dir.file("y.npy"));
  std::string data = dir.file("x.npy") + "," + dir.file("y.npy");
  CHECK(runCliWith(linkedModelCode(), {"eval", "--params", params, "--data",
                                       data, "--batch", "huge"})
            .err == "error: --batch must be an integer, got `huge`\n");
  auto bench = [&](std::vector<std::string> flags) {
    flags.insert(flags.begin(), "bench");
    CliRun run = runCliWith(linkedModelCode(), flags);
    CHECK(run.code == 1);
    CHECK(run.out.empty());
    return run.err;
  };
  CHECK(bench({"--min-iters", "0"}) ==
        "error: --min-iters must be at least 1, got 0\n");
  CHECK(bench({"--seconds", "inf"}) ==
        "error: --seconds must be a finite number, got `inf`\n");
  CHECK(bench({"--seconds", "-1"}) ==
        "error: --seconds must be in [0, 86400], got -1\n");
  CHECK(bench({"--batch", "0"}) ==
        "error: --batch must be at least 1, got 0\n");
  // Sizes past memory or past 64 bits: a sentence, not std::bad_alloc.
  std::string huge = bench({"--batch", "1000000000000000"});
  CHECK(huge.starts_with("error: --batch 1000000000000000: input `x` of "
                         "shape [1000000000000000, 3] needs "));
  CHECK(contains(huge, "more than this machine's memory ("));
  CHECK(bench({"--batch", "9223372036854775807"}) ==
        "error: --batch 9223372036854775807: shape [9223372036854775807, 3] "
        "has too many elements for a 64-bit count\n");
  CliRun quick = runCliWith(linkedModelCode(), {"bench", "--seconds", "0",
                                                "--min-iters", "1", "--json"});
  CHECK(quick.code == 0);
  CHECK(nlohmann::json::parse(quick.out)["iterations"] == 1);
}
