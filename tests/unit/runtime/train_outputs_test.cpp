//===- train_outputs_test.cpp - train's outputs and resume's inputs -------===//
//
// `train` in-process on the fake model: --save and --metrics are checked
// before the first epoch (a missing folder, an input, the same file twice),
// a run that stops in its first epoch leaves an old metrics file as it was,
// and --resume refuses a checkpoint whose inputs were preprocessed otherwise
// (another --normalize, or statistics of other data).
//
//===----------------------------------------------------------------------===//
#include "cli_run_util.h"
#include "nnrt/file_io.h"
#include "test_util.h"
#include "train_test_util.h"

using namespace nnrt;
using namespace nnrt::testing;
namespace fs = std::filesystem;

namespace {

struct TrainData {
  std::string x, y, spec;
};

TrainData valuesData(const ScratchDir &dir, float shift = 0.0f) {
  Dataset data = linearDataset(20, false);
  for (float &v : data.inputs)
    v += shift;
  TrainData files{dir.file("x.npy"), dir.file("y.npy"), ""};
  writeNpyPair(data, files.x, files.y);
  files.spec = files.x + "," + files.y;
  return files;
}

CliRun train(std::vector<std::string> args) {
  args.insert(args.begin(), "train");
  return runCliWith(linkedModelCode(), args);
}

} // namespace

TEST_CASE("train checks --save and --metrics before the first epoch") {
  ScratchDir dir("train_outputs");
  TrainData data = valuesData(dir);
  std::string params = dir.file("p.safetensors");
  REQUIRE(runCliWith(linkedModelCode(), {"init", "-o", params}).code == 0);
  std::string before = bytesOf(params), xBefore = bytesOf(data.x);
  auto refused = [&](std::vector<std::string> flags) {
    flags.insert(flags.begin(), {"--data", data.spec, "--epochs", "2"});
    CliRun run = train(flags);
    CHECK(run.code == 1);
    CHECK(run.out.empty()); // no epoch ran
    return run.err;
  };
  CHECK(refused({"--save", dir.file("no/such/c.safetensors")}) ==
        "error: " + dir.file("no/such/c.safetensors") +
            ": cannot create: the folder `" + dir.file("no/such") +
            "` does not exist\n");
  CHECK(refused({"--metrics", dir.file("none/m.jsonl")}) ==
        "error: " + dir.file("none/m.jsonl") + ": cannot create: the folder `" +
            dir.file("none") + "` does not exist\n");
  CHECK(refused({"--params", params, "--save", params}) ==
        "error: " + params + ": is the --params file `" + params +
            "`; an output may not overwrite an input\n");
  CHECK(contains(refused({"--metrics", dir.path().string() + "/./x.npy"}),
                 ": is the data file `" + data.x + "`"));
  CHECK(contains(refused({"--save", dir.file("c.safetensors"), "--metrics",
                          dir.file("c.safetensors")}),
                 "the same file is given twice, as --save"));
  CHECK(contains(refused({"--save", dir.path().string()}),
                 ": is a directory, not a file"));
  CHECK(bytesOf(params) == before);
  CHECK(bytesOf(data.x) == xBefore);
  CHECK_FALSE(fs::exists(dir.file("c.safetensors")));
}

TEST_CASE("a run that stops in its first epoch leaves --metrics alone") {
  ScratchDir dir("train_metrics_kept");
  TrainData data = valuesData(dir);
  std::string metrics = dir.file("m.jsonl");
  writeBytesFile(metrics, "{\"epoch\":1}\n");
  CliRun run = train({"--data", data.spec, "--lr", "1e30", "--metrics", metrics,
                      "--progress", "plain"});
  CHECK(run.code == 1);
  CHECK(contains(run.err, "(epoch 1, batch "));
  CHECK(bytesOf(metrics) == "{\"epoch\":1}\n");
}

TEST_CASE("--resume refuses other preprocessing") {
  ScratchDir dir("resume_normalize");
  TrainData data = valuesData(dir, 3.0f);
  std::string plain = dir.file("plain.safetensors");
  REQUIRE(train({"--data", data.spec, "--epochs", "1", "--save", plain}).code ==
          0);
  std::string before = bytesOf(plain);
  CliRun other = train({"--data", data.spec, "--epochs", "2", "--save", plain,
                        "--resume", "--normalize", "global"});
  CHECK(other.code == 1);
  CHECK(other.err == "error: " + plain +
                         ": the checkpoint was trained with --normalize none, "
                         "this run has --normalize global; resuming needs the "
                         "same preprocessing\n");
  CHECK(bytesOf(plain) == before);

  std::string global = dir.file("global.safetensors");
  REQUIRE(train({"--data", data.spec, "--epochs", "1", "--save", global,
                 "--normalize", "global"})
              .code == 0);
  CHECK(train({"--data", data.spec, "--epochs", "2", "--save", global,
               "--resume", "--normalize", "global"})
            .code == 0);
  // The same number of samples, other values: other statistics.
  valuesData(dir, -7.0f);
  CliRun changed = train({"--data", data.spec, "--epochs", "3", "--save",
                          global, "--resume", "--normalize", "global"});
  CHECK(changed.code == 1);
  CHECK(contains(changed.err, global + ": the normalisation statistics of this "
                                       "data differ from those the checkpoint "
                                       "was trained with"));
}
