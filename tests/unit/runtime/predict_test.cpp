//===- predict_test.cpp - predict: preprocessing, outputs, odd models -----===//
//
// `predict` in-process on the fake model and hand-made variants:
//   - on a checkpoint trained with normalisation, predict's argmax accuracy
//     equals eval's on the same raw data, its outputs are those of the
//     normalised inputs bit for bit, its first line says so, and
//     --no-preprocess turns it off;
//   - the output rules: not an input (by any name), not given twice, all or
//     none written, a FIFO and a symlink followed, a folder refused;
//   - a model without inputs predicts; an exception from deep inside is
//     still a sentence with exit 1.
//
//===----------------------------------------------------------------------===//
#include "cli_run_util.h"
#include "nnrt/checkpoint.h"
#include "nnrt/file_io.h"
#include "nnrt/npy.h"
#include "test_util.h"
#include "train_test_util.h"

#include <algorithm>
#include <fcntl.h>
#include <new>
#include <sys/stat.h>
#include <thread>

using namespace nnrt;
using namespace nnrt::testing;
namespace fs = std::filesystem;

namespace {

// Class data whose inputs are far from mean 0 and std 1, so that
// normalising them changes the model's outputs.
Dataset shiftedClasses(int64_t n) {
  Dataset data = linearDataset(n, true);
  for (float &x : data.inputs)
    x = 4.0f * x + 2.5f;
  return data;
}

// argmax of each row of Y [N, C] against the labels, first maximum winning.
double argmaxAccuracy(const std::string &yPath,
                      const std::vector<int64_t> &labels) {
  NpyArray y = readNpy(yPath);
  const std::vector<float> &values = y.floats(yPath);
  size_t rows = size_t(y.shape[0]), cols = size_t(y.shape[1]);
  int64_t correct = 0;
  for (size_t r = 0; r < rows; ++r) {
    auto row = values.begin() + long(r * cols);
    correct += std::max_element(row, row + long(cols)) - row == labels[r];
  }
  return double(correct) / double(rows);
}

// The fake model with a second output `z` (left zero by its code).
FakeCode twoOutputs() {
  return fakeCode([](nlohmann::json &doc) {
    doc["outputs"].push_back(
        {{"name", "z"}, {"shape", {"B", 2}}, {"dtype", "f32"}});
  });
}

// A model without inputs: y = c, with c = ones [2].
int64_t constWorkspace(const nnc_context *, const int64_t *) { return 0; }
void constForward(const nnc_context *, const int64_t *, const float *arena, const float *const *,
                  float *const *outputs, void *) {
  outputs[0][0] = arena[0];
  outputs[0][1] = arena[1];
}
const char kConstManifest[] = R"json({
  "format": 1, "abi": 3, "model": "Const", "symbols": [], "inputs": [],
  "outputs": [{"name": "y", "shape": [2], "dtype": "f32"}],
  "arena_elements": 2,
  "tensors": [{"name": "c", "kind": "param", "trainable": true, "shape": [2],
               "dtype": "f32", "offset": 0, "init": {"fn": "ones"}}]
})json";

ModelCode constCode() {
  ModelCode code;
  code.manifest = kConstManifest;
  code.workspace = constWorkspace;
  code.forward = constForward;
  return code;
}

} // namespace

TEST_CASE("predict applies a checkpoint's normalisation, as eval does") {
  ScratchDir dir("predict_parity");
  Dataset data = shiftedClasses(40);
  std::string x = dir.file("x.npy"), labels = dir.file("l.npy");
  writeNpyPair(data, x, labels);
  std::string ckpt = dir.file("c.safetensors");
  FakeCode classes = classFakeCode();
  REQUIRE(
      runCliWith(classes.code, {"train", "--data", x + "," + labels, "--epochs",
                                "1", "--normalize", "global", "--save", ckpt})
          .code == 0);
  CliRun eval = runCliWith(classes.code, {"eval", "--params", ckpt, "--data",
                                          x + "," + labels, "--json"});
  REQUIRE(eval.code == 0);
  double evalAccuracy = nlohmann::json::parse(eval.out)["accuracy"];

  std::string y = dir.file("y.npy");
  CliRun predict = runCliWith(
      classes.code, {"predict", "--params", ckpt, "--input", x, "--output", y});
  REQUIRE(predict.code == 0);
  CHECK(predict.out.starts_with("preprocessing: input `x` normalised with "
                                "the statistics of " +
                                ckpt + " (global: mean "));
  CHECK(contains(predict.out, "), as eval does; --no-preprocess turns it "
                              "off\nwrote " +
                                  y + ": y [40, 2]\n"));
  CHECK(argmaxAccuracy(y, data.labels) == evalAccuracy);

  // Bit for bit the outputs of the normalised inputs, written by hand.
  std::optional<CheckpointInfo> info = checkpointInfo(readSafeTensors(ckpt));
  REQUIRE(info);
  REQUIRE(info->data.normalization);
  const Normalization &norm = *info->data.normalization;
  REQUIRE(norm.mean.size() == 1);
  CHECK(norm.mean[0] > 1.0f); // the data's shift, recorded
  Dataset normalized = data;
  for (float &v : normalized.inputs)
    v = (v - norm.mean[0]) / norm.std[0];
  writeNpyPair(normalized, dir.file("xn.npy"), dir.file("ln.npy"));
  CliRun byHand = runCliWith(
      classes.code, {"predict", "--params", ckpt, "--input", dir.file("xn.npy"),
                     "--output", dir.file("yn.npy"), "--no-preprocess"});
  REQUIRE(byHand.code == 0);
  CHECK(byHand.out == "wrote " + dir.file("yn.npy") + ": y [40, 2]\n");
  CHECK(bytesOf(dir.file("yn.npy")) == bytesOf(y));

  // --no-preprocess on the raw inputs: other outputs, no line about it.
  CliRun raw = runCliWith(classes.code,
                          {"predict", "--params", ckpt, "--input", x,
                           "--output", dir.file("yr.npy"), "--no-preprocess"});
  REQUIRE(raw.code == 0);
  CHECK(raw.out.starts_with("wrote "));
  CHECK(bytesOf(dir.file("yr.npy")) != bytesOf(y));

  // A parameter file from init records nothing: nothing is applied.
  std::string init = dir.file("p.safetensors");
  REQUIRE(runCliWith(classes.code, {"init", "-o", init}).code == 0);
  CliRun plain = runCliWith(
      classes.code, {"predict", "--params", init, "--input", x, "--output", y});
  CHECK(plain.out == "wrote " + y + ": y [40, 2]\n");
}

TEST_CASE("eval applies a checkpoint's recorded `none`, not the block's") {
  ScratchDir dir("eval_none");
  Dataset data = shiftedClasses(20);
  writeNpyPair(data, dir.file("x.npy"), dir.file("l.npy"));
  std::string spec = dir.file("x.npy") + "," + dir.file("l.npy");
  FakeCode global = fakeCode([](nlohmann::json &doc) {
    doc["training"]["class_targets"] = true;
    doc["training"]["normalize"] = "global";
  });
  std::string ckpt = dir.file("c.safetensors");
  REQUIRE(runCliWith(global.code, {"train", "--data", spec, "--epochs", "1",
                                   "--normalize", "none", "--save", ckpt})
              .code == 0);
  CliRun recorded = runCliWith(
      global.code, {"eval", "--params", ckpt, "--data", spec, "--json"});
  CliRun none =
      runCliWith(global.code, {"eval", "--params", ckpt, "--data", spec,
                               "--json", "--normalize", "none"});
  REQUIRE(recorded.code == 0);
  CHECK(recorded.out == none.out);
  CliRun predict = runCliWith(global.code, {"predict", "--params", ckpt,
                                            "--input", dir.file("x.npy"),
                                            "--output", dir.file("y.npy")});
  CHECK(predict.out.starts_with("wrote ")); // nothing to apply
}

TEST_CASE("predict refuses outputs that are inputs or given twice") {
  ScratchDir dir("predict_outputs");
  std::string params = dir.file("p.safetensors"), x = dir.file("x.npy");
  REQUIRE(runCliWith(linkedModelCode(), {"init", "-o", params}).code == 0);
  writeNpyPair(linearDataset(4, false), x, dir.file("unused.npy"));
  std::string before = bytesOf(params), xBefore = bytesOf(x);
  fs::create_hard_link(params, dir.path() / "hard.safetensors");
  auto predict = [&](const ModelCode &code, std::vector<std::string> outputs) {
    std::vector<std::string> args = {"predict", "--params", params, "--input",
                                     dir.path().string() + "/./x.npy"};
    for (const std::string &output : outputs)
      args.insert(args.end(), {"--output", output});
    return runCliWith(code, args);
  };
  CliRun same = predict(linkedModelCode(), {params});
  CHECK(same.code == 1);
  CHECK(same.err == "error: " + params + ": is the --params file `" + params +
                        "`; an output may not overwrite an input\n");
  CHECK(contains(predict(linkedModelCode(), {dir.file("hard.safetensors")}).err,
                 "is the --params file"));
  CHECK(contains(predict(linkedModelCode(), {x}).err,
                 x + ": is the --input file `" + dir.path().string() +
                     "/./x.npy`"));
  CHECK(contains(predict(linkedModelCode(), {dir.path().string()}).err,
                 ": is a directory, not a file"));
  FakeCode two = twoOutputs();
  CliRun twice =
      predict(two.code, {dir.file("y.npy"), dir.path().string() + "/./y.npy"});
  CHECK(twice.code == 1);
  CHECK(contains(twice.err, "the same file is given twice, as --output `" +
                                dir.file("y.npy") + "` and as --output"));
  CHECK(bytesOf(params) == before);
  CHECK(bytesOf(x) == xBefore);
  CHECK_FALSE(fs::exists(dir.file("y.npy")));

  // All or nothing: the second output cannot be staged (a folder holds its
  // temporary name), so the first keeps its old bytes, and no temporary
  // file is left.
  writeBytesFile(dir.file("y.npy"), "old y");
  std::string blocker = dir.file("z.npy.tmp." + std::to_string(::getpid()));
  fs::create_directory(blocker);
  CliRun failed = predict(two.code, {dir.file("y.npy"), dir.file("z.npy")});
  CHECK(failed.code == 1);
  CHECK(contains(failed.err, dir.file("z.npy") + ": cannot create"));
  CHECK(bytesOf(dir.file("y.npy")) == "old y");
  fs::remove(blocker);
  CliRun both = predict(two.code, {dir.file("y.npy"), dir.file("z.npy")});
  CHECK(both.code == 0);
  CHECK(readNpy(dir.file("z.npy")).shape == std::vector<int64_t>{4, 2});
  for (const auto &entry : fs::directory_iterator(dir.path()))
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
}

TEST_CASE("predict writes through a FIFO and follows a symlink") {
  ScratchDir dir("predict_special");
  std::string params = dir.file("p.safetensors"), x = dir.file("x.npy");
  REQUIRE(runCliWith(linkedModelCode(), {"init", "-o", params}).code == 0);
  writeNpyPair(linearDataset(4, false), x, dir.file("unused.npy"));
  std::string fifo = dir.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string received;
  std::thread reader([&] {
    int fd = ::open(fifo.c_str(), O_RDONLY);
    char buffer[4096];
    for (ssize_t n; fd >= 0 && (n = ::read(fd, buffer, sizeof buffer)) > 0;)
      received.append(buffer, size_t(n));
    if (fd >= 0)
      ::close(fd);
  });
  CliRun piped =
      runCliWith(linkedModelCode(), {"predict", "--params", params, "--input",
                                     x, "--output", fifo});
  reader.join();
  CHECK(piped.code == 0);
  CHECK(received.starts_with("\x93NUMPY"));
  CHECK(fs::is_fifo(fifo));
  fs::create_directories(dir.path() / "out");
  fs::create_symlink("out/y.npy", dir.path() / "y.npy");
  CHECK(runCliWith(linkedModelCode(), {"predict", "--params", params, "--input",
                                       x, "--output", dir.file("y.npy")})
            .code == 0);
  CHECK(fs::is_symlink(dir.path() / "y.npy"));
  CHECK(readNpy(dir.file("out/y.npy")).shape == std::vector<int64_t>{4, 2});
}

TEST_CASE("a model without inputs predicts") {
  ScratchDir dir("predict_no_inputs");
  ModelCode code = constCode();
  std::string params = dir.file("p.safetensors"), y = dir.file("y.npy");
  REQUIRE(runCliWith(code, {"init", "-o", params}).code == 0);
  CliRun run = runCliWith(code, {"predict", "--params", params, "--output", y});
  CHECK(run.code == 0);
  CHECK(run.out == "wrote " + y + ": y [2]\n");
  NpyArray out = readNpy(y);
  CHECK(out.floats(y) == std::vector<float>{1.0f, 1.0f});
  CliRun extra = runCliWith(
      code, {"predict", "--params", params, "--input", y, "--output", y});
  CHECK(extra.err == "error: the model takes no inputs, got 1 --input\n");
}

namespace {

void throwingForward(const nnc_context *, const int64_t *, const float *, const float *const *,
                     float *const *, void *) {
  throw std::bad_alloc();
}
void lengthErrorForward(const nnc_context *, const int64_t *, const float *, const float *const *,
                        float *const *, void *) {
  throw std::length_error("vector::_M_default_append");
}
int64_t hugeWorkspace(const nnc_context *, const int64_t *) { return INT64_MAX; }

} // namespace

TEST_CASE("an exception from deep inside is a sentence and exit 1") {
  ScratchDir dir("predict_exceptions");
  ModelCode code = constCode();
  std::string params = dir.file("p.safetensors"), y = dir.file("y.npy");
  REQUIRE(runCliWith(code, {"init", "-o", params}).code == 0);
  std::vector<std::string> args = {"predict", "--params", params, "--output",
                                   y};
  code.forward = throwingForward;
  CliRun oom = runCliWith(code, args);
  CHECK(oom.code == 1);
  CHECK(oom.err == "error: out of memory: an allocation failed "
                   "(std::bad_alloc); try a smaller --batch or input\n");
  code.forward = lengthErrorForward;
  CliRun other = runCliWith(code, args);
  CHECK(other.code == 1);
  CHECK(other.err == "error: unexpected failure: vector::_M_default_append "
                     "(an unchecked case in the runtime; please report it)\n");
  code = constCode();
  code.workspace = hugeWorkspace;
  CliRun huge = runCliWith(code, args);
  CHECK(huge.code == 1);
  CHECK(huge.err.starts_with("error: the forward workspace needs 8.0 EiB "
                             "(9223372036854775807 bytes), more than this "
                             "machine's memory ("));
  CHECK_FALSE(fs::exists(y));
}
