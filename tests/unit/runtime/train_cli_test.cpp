//===- train_cli_test.cpp - `train` and `eval`, in-process ----------------===//
//
// runCli on the fake model and its variants, with data files written by the
// test: the messages for a model without a train block and for bad flags,
// the epoch lines and the summary, accuracy and the validation and test
// splits, the --metrics log, eval's text and JSON (the same numbers as the
// training run's last test evaluation), --resume giving the same checkpoint
// as an uninterrupted run, a diverging run that stops and keeps the last
// good checkpoint, and CSV data.
//
//===----------------------------------------------------------------------===//
#include "cli.h"
#include "nnrt/file_io.h"
#include "cli_run_util.h"
#include "test_util.h"
#include "train_test_util.h"

#include <fstream>
#include <sstream>

using namespace nnrt;
using namespace nnrt::testing;
using nlohmann::json;

namespace {

using Run = CliRun;

Run runWith(const ModelCode &code, std::vector<std::string> args) {
  return runCliWith(code, std::move(args));
}

Run run(std::vector<std::string> args) {
  return runCliWith(linkedModelCode(), std::move(args));
}


std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> result;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);)
    result.push_back(line);
  return result;
}

// One JSON object per line, keys in file order.
std::vector<nlohmann::ordered_json> jsonLines(const std::string &path) {
  std::vector<nlohmann::ordered_json> records;
  std::ifstream file(path);
  for (std::string line; std::getline(file, line);)
    records.push_back(nlohmann::ordered_json::parse(line));
  return records;
}

// A value-target .npy pair of 20 samples; returns the --data argument.
std::string valuesData(const ScratchDir &dir) {
  writeNpyPair(linearDataset(20, false), dir.file("x.npy"), dir.file("y.npy"));
  return dir.file("x.npy") + "," + dir.file("y.npy");
}

// An MNIST-style directory: 40 training and 10 test samples of [3] floats.
std::string mnistDir(const ScratchDir &dir) {
  Dataset all = linearDataset(50, true);
  std::vector<uint8_t> labels(all.labels.begin(), all.labels.end());
  writeIdxFile(dir.file("train-images-idx3-ubyte"), 0x0D, {40, 3},
               all.inputs.data());
  writeIdxFile(dir.file("train-labels-idx1-ubyte"), 0x08, {40}, labels.data());
  writeIdxFile(dir.file("t10k-images-idx3-ubyte"), 0x0D, {10, 3},
               all.inputs.data() + 120);
  writeIdxFile(dir.file("t10k-labels-idx1-ubyte"), 0x08, {10},
               labels.data() + 40);
  return dir.path().string();
}

} // namespace

TEST_CASE("train and eval of a model without a train block") {
  FakeCode untrained = untrainedFakeCode();
  const std::string message =
      "error: this model has no train block with a loss; add `train { loss = "
      "... }` to the .nnm\n";
  Run train = runWith(untrained.code, {"train", "--data", "x.npy,y.npy"});
  CHECK(train.code == 1);
  CHECK(train.err == message);
  Run eval = runWith(untrained.code, {"eval", "--params", "p.safetensors"});
  CHECK(eval.code == 1);
  CHECK(eval.err == message);
}

TEST_CASE("train refuses bad flags with a reason") {
  ScratchDir dir("train_flags");
  std::string data = valuesData(dir);
  auto error = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"train", "--data", data});
    Run result = run(args);
    CHECK(result.code != 0);
    return result.err;
  };
  CHECK(run({"train"}).err ==
        "error: no training data: pass --data DIR, IMAGES,LABELS, "
        "X.npy,Y.npy or FILE.csv (the model's train block names no `data`)\n");
  CHECK(error({"--epochs", "0"}) ==
        "error: --epochs must be at least 1, got 0\n");
  CHECK(error({"--batch", "-3"}) ==
        "error: --batch must be at least 1, got -3\n");
  CHECK(error({"--lr", "-1"}) == "error: SGD: Invalid learning rate: -1.0\n");
  CHECK(error({"--momentum", "-0.5"}) ==
        "error: SGD: Invalid momentum value: -0.5\n");
  CHECK(error({"--optimizer", "adam", "--momentum", "0.5"}) ==
        "error: --momentum applies to SGD only; this run uses Adam\n");
  CHECK(error({"--optimizer", "adamw", "--weight-decay", "-1"}) ==
        "error: AdamW: Invalid weight_decay value: -1.0\n");
  CHECK(contains(error({"--optimizer", "rmsprop"}),
                 "error: unknown optimizer `rmsprop`"));
  CHECK(error({"--resume"}) ==
        "error: --resume needs --save CKPT: the checkpoint to resume from, "
        "which the run then keeps saving to\n");
  CHECK(contains(error({"--resume", "--save", "c", "--params", "p"}),
                 "--params and --resume exclude each other"));
  CHECK(
      contains(error({"--validation", "1"}), "--validation must be in [0, 1)"));
  CHECK(contains(error({"--normalize", "zscore"}), "--normalize"));
  CHECK(contains(error({"--progress", "fancy"}), "--progress"));
  CHECK(contains(error({"--epochs", "many"}), "--epochs"));
  CHECK(contains(error({"--resume", "--save", dir.file("none")}),
                 dir.file("none") + ": cannot open"));
  FakeCode classes = classFakeCode();
  Run mismatch = runWith(classes.code, {"train", "--data", data});
  CHECK(mismatch.err == "error: " + dir.file("y.npy") +
                            ": the targets are values, not class labels, but "
                            "the model expects 2 classes\n");
  FakeCode values = fakeCode([](json &) {});
  writeNpyPair(linearDataset(20, true), dir.file("x.npy"), dir.file("l.npy"));
  Run labels =
      runWith(values.code,
              {"train", "--data", dir.file("x.npy") + "," + dir.file("l.npy")});
  CHECK(labels.err == "error: " + dir.file("x.npy") +
                          ": the loss `mse` takes float targets of shape "
                          "[B, 2], but the data has class labels\n");
}

TEST_CASE("train prints a line per epoch and a summary") {
  ScratchDir dir("train_lines");
  Run result = run({"train", "--data", valuesData(dir), "--epochs", "4",
                    "--batch", "5", "--progress", "plain"});
  REQUIRE(result.code == 0);
  std::vector<std::string> out = lines(result.out);
  REQUIRE(out.size() == 5);
  std::vector<double> losses;
  for (int e = 0; e < 4; ++e) {
    std::string prefix = "epoch " + std::to_string(e + 1) + "/4  train loss ";
    REQUIRE(out[size_t(e)].starts_with(prefix));
    CHECK(out[size_t(e)].ends_with(" s/epoch"));
    CHECK_FALSE(contains(out[size_t(e)], " acc "));
    losses.push_back(std::stod(out[size_t(e)].substr(prefix.size())));
  }
  CHECK(losses[3] < losses[0]);
  CHECK(out[4].starts_with("trained 4 epochs in "));
  CHECK(contains(out[4], " s (training "));
  CHECK_FALSE(contains(out[4], "evaluation"));
  CHECK(out[4].ends_with(" s/epoch); 16 steps in all"));
  CHECK(result.err ==
        "note: the trained parameters were not saved (pass --save "
        "CKPT.safetensors)\n");
  Run bar = run({"train", "--data", valuesData(dir), "--epochs", "1",
                 "--progress", "bar"});
  CHECK(contains(bar.err, "\repoch 1/1 [========================] 5/5"));
  CHECK(contains(bar.err, "\r\033[K"));
}

TEST_CASE("class targets: accuracy, validation and test splits, metrics") {
  ScratchDir dir("train_classes");
  std::string data = mnistDir(dir);
  FakeCode classes = classFakeCode();
  std::string metrics = dir.file("m.jsonl"), ckpt = dir.file("c.safetensors");
  Run result =
      runWith(classes.code,
              {"train", "--data", data, "--epochs", "2", "--validation", "0.25",
               "--metrics", metrics, "--save", ckpt, "--normalize", "global"});
  REQUIRE(result.code == 0);
  std::vector<std::string> out = lines(result.out);
  REQUIRE(out.size() == 4);
  CHECK(contains(out[0], " acc "));
  CHECK(contains(out[0], "  val loss "));
  CHECK(contains(out[0], "  test loss "));
  CHECK(contains(out[2], " s/epoch, evaluation "));
  CHECK(out[3] == "saved " + ckpt + " (epoch 2, step 16)");
  std::vector<nlohmann::ordered_json> records = jsonLines(metrics);
  REQUIRE(records.size() == 2);
  std::vector<std::string> keys;
  for (const auto &[key, value] : records[1].items())
    keys.push_back(key);
  CHECK(keys == std::vector<std::string>{
                    "epoch", "step", "train_loss", "train_accuracy", "val_loss",
                    "val_accuracy", "test_loss", "test_accuracy", "seconds",
                    "eval_seconds", "samples_per_second"});
  CHECK(records[1]["epoch"] == 2);
  CHECK(records[1]["step"] == 16); // 30 training samples, batch 4
  double accuracy = records[1]["test_accuracy"];
  CHECK((accuracy >= 0 && accuracy <= 1));

  // eval of the checkpoint on the same data: the run's last test figures,
  // with the normalisation statistics the checkpoint recorded.
  Run text = runWith(classes.code, {"eval", "--params", ckpt, "--data", data});
  REQUIRE(text.code == 0);
  CHECK(text.out.starts_with("test: loss "));
  CHECK(contains(text.out, "  accuracy "));
  CHECK(text.out.ends_with("  (10 samples)\n"));
  Run js = runWith(classes.code,
                   {"eval", "--params", ckpt, "--data", data, "--json"});
  REQUIRE(js.code == 0);
  json doc = json::parse(js.out);
  CHECK(doc["split"] == "test");
  CHECK(doc["samples"] == 10);
  CHECK(doc["loss"].get<double>() == records[1]["test_loss"].get<double>());
  CHECK(doc["accuracy"].get<double>() == accuracy);
  Run raw = runWith(classes.code, {"eval", "--params", ckpt, "--data", data,
                                   "--json", "--normalize", "none"});
  CHECK(json::parse(raw.out)["loss"] != doc["loss"]);
}

TEST_CASE("eval on data without a test split, and its refusals") {
  ScratchDir dir("eval_all");
  std::string data = valuesData(dir);
  std::string params = dir.file("p.safetensors");
  REQUIRE(run({"init", "-o", params}).code == 0);
  Run all = run({"eval", "--params", params, "--data", data, "--batch", "3"});
  REQUIRE(all.code == 0);
  CHECK(all.out.starts_with("all: loss "));
  CHECK_FALSE(contains(all.out, "accuracy"));
  CHECK(all.out.ends_with("  (20 samples)\n"));
  CHECK(run({"eval", "--data", data}).err ==
        "error: --params is required: the model has 3 parameter and buffer "
        "tensors (train them with `train --save`)\n");
  CHECK(run({"eval", "--params", params})
            .err.starts_with("error: no training data"));
  CHECK(run({"eval", "--params", params, "--data", data, "--batch", "0"}).err ==
        "error: --batch must be at least 1, got 0\n");
}

TEST_CASE("--resume continues to the same checkpoint as one run") {
  ScratchDir dir("train_resume");
  std::string data = valuesData(dir);
  std::string once = dir.file("once.safetensors"),
              twice = dir.file("b.safetensors");
  std::string metrics = dir.file("m.jsonl");
  REQUIRE(
      run({"train", "--data", data, "--epochs", "3", "--save", once}).code ==
      0);
  REQUIRE(run({"train", "--data", data, "--epochs", "2", "--save", twice,
               "--metrics", metrics})
              .code == 0);
  Run resumed = run({"train", "--data", data, "--epochs", "3", "--save", twice,
                     "--resume", "--metrics", metrics});
  REQUIRE(resumed.code == 0);
  CHECK(
      resumed.out.starts_with("resumed from " + twice +
                              " at epoch 2 (step 10)\nepoch 3/3  train loss "));
  CHECK(bytesOf(once) == bytesOf(twice));
  CHECK(jsonLines(metrics).size() == 3);
  CHECK(jsonLines(metrics)[2]["epoch"] == 3);

  Run done = run(
      {"train", "--data", data, "--epochs", "3", "--save", twice, "--resume"});
  CHECK(done.code == 0);
  CHECK(done.out == twice + " has already trained 3 epochs (--epochs 3); "
                            "nothing to do\n");
  Run seed = run({"train", "--data", data, "--epochs", "4", "--save", twice,
                  "--resume", "--seed", "5"});
  CHECK(seed.code == 1);
  CHECK(contains(seed.err, "the checkpoint was trained with --seed 0, this "
                           "run has --seed 5"));
  Run lr = run({"train", "--data", data, "--epochs", "4", "--save", twice,
                "--resume", "--lr", "0.05"});
  CHECK(lr.code == 1);
  CHECK(contains(lr.err, "the checkpoint was trained with SGD(lr=0.1, "));
  CHECK(bytesOf(once) == bytesOf(twice)); // refusals wrote nothing
}

TEST_CASE("a non-finite loss stops training and keeps the last checkpoint") {
  ScratchDir dir("train_nan");
  std::string data = valuesData(dir);
  std::string ckpt = dir.file("c.safetensors");
  std::vector<std::string> args = {"train",    "--data", data,     "--lr", "40",
                                   "--epochs", "20",     "--save", ckpt};
  Run result = run(args);
  CHECK(result.code == 1);
  INFO(result.err);
  REQUIRE(contains(result.err, "error: the loss is "));
  size_t at = result.err.find("(epoch ");
  REQUIRE(at != std::string::npos);
  int epoch = std::stoi(result.err.substr(at + 7));
  REQUIRE(epoch >= 2); // so that a checkpoint was written before
  CHECK(contains(result.err, "; training stopped; the last good checkpoint " +
                                 ckpt + " (epoch " + std::to_string(epoch - 1) +
                                 ") is kept\n"));
  CHECK(lines(result.out).size() == size_t(epoch - 1));
  std::string good = dir.file("good.safetensors");
  args[6] = std::to_string(epoch - 1);
  args[8] = good;
  REQUIRE(run(args).code == 0);
  CHECK(bytesOf(ckpt) == bytesOf(good));
  Run unsaved = run({"train", "--data", data, "--lr", "40", "--epochs", "20"});
  CHECK(unsaved.code == 1);
  CHECK(contains(unsaved.err, "training stopped; nothing was saved (no "
                              "--save)\n"));
}

TEST_CASE("train reads a CSV table with class labels") {
  ScratchDir dir("train_csv");
  Dataset data = linearDataset(16, true);
  std::string csv = "a,b,c,label\n";
  for (int64_t i = 0; i < data.size(); ++i) {
    for (int f = 0; f < 3; ++f)
      csv += std::to_string(data.inputs[size_t(i * 3 + f)]) + ",";
    csv += std::to_string(data.labels[size_t(i)]) + "\n";
  }
  writeBytesFile(dir.file("t.csv"), csv);
  FakeCode classes = classFakeCode();
  Run result =
      runWith(classes.code, {"train", "--data", dir.file("t.csv"), "--epochs",
                             "2", "--normalize", "per_feature"});
  REQUIRE(result.code == 0);
  CHECK(lines(result.out)[1].starts_with("epoch 2/2  train loss "));
  CHECK(contains(lines(result.out)[1], " acc "));
  Run values = run({"train", "--data", dir.file("t.csv")});
  CHECK(values.err == "error: " + dir.file("t.csv") +
                          ": targets of shape [] per sample do not fit the "
                          "loss `mse`, which takes float targets of shape "
                          "[B, 2] (2 per sample)\n");
}
