//===- test_data_sources.cpp - MNIST dirs, .npy pairs, CSV, loadData ------===//
//
// Each reader on small files written here, loadData's dispatch and options
// (label range, reshape, normalisation), their refusals with messages, and
// the real Fashion-MNIST files of Debian's dataset-fashion-mnist when they
// are installed (the expected values were checked with NumPy: first
// training label 9, 6000 samples per class, mean pixel 0.28604).
//
//===----------------------------------------------------------------------===//
#include "nnrt/data.h"
#include "test_data_util.h"

#include <chrono>
#include <filesystem>

using namespace nnrt;
using namespace nnrt::testing;

namespace {

// A 4-sample MNIST-style directory with 2x3 images; test split optional.
void writeMnistDir(const ScratchDir &dir, bool withTest, bool gz) {
  std::string z = gz ? ".gz" : "";
  std::vector<uint8_t> pixels(4 * 6);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = uint8_t(i * 10);
  std::vector<uint8_t> labels = {1, 0, 3, 2};
  writeIdxFile(dir.file("train-images-idx3-ubyte" + z), 0x08, {4, 2, 3},
               pixels.data());
  writeIdxFile(dir.file("train-labels-idx1-ubyte" + z), 0x08, {4},
               labels.data());
  if (withTest) {
    writeIdxFile(dir.file("t10k-images-idx3-ubyte" + z), 0x08, {2, 2, 3},
                 pixels.data());
    writeIdxFile(dir.file("t10k-labels-idx1-ubyte" + z), 0x08, {2},
                 labels.data());
  }
}

} // namespace

TEST_CASE("an MNIST directory gives train and test splits") {
  for (bool gz : {false, true}) {
    CAPTURE(gz);
    ScratchDir dir("data_mnist_dir");
    writeMnistDir(dir, true, gz);
    DataSplits splits = loadData(dir.path().string());
    CHECK(splits.train.size() == 4);
    CHECK(splits.train.sampleShape == std::vector<int64_t>{2, 3});
    CHECK(splits.train.labels == std::vector<int64_t>{1, 0, 3, 2});
    CHECK(splits.train.inputs[1] == doctest::Approx(10.0 / 255.0));
    REQUIRE(splits.test);
    CHECK(splits.test->size() == 2);
    CHECK_FALSE(splits.validation);
  }
  ScratchDir dir("data_mnist_train_only");
  writeMnistDir(dir, false, true);
  CHECK_FALSE(loadMnistDir(dir.path().string()).test);
}

TEST_CASE("an MNIST directory must hold the training files") {
  ScratchDir dir("data_mnist_missing");
  NNRT_CHECK_ERROR(loadData(dir.path().string()),
                   dir.path().string() +
                       ": no train-images-idx3-ubyte (or "
                       "train-images-idx3-ubyte.gz): a data directory holds");
  writeMnistDir(dir, false, false);
  std::vector<uint8_t> labels = {0};
  writeIdxFile(dir.file("t10k-labels-idx1-ubyte"), 0x08, {1}, labels.data());
  NNRT_CHECK_ERROR(loadData(dir.path().string()),
                   "has t10k-labels-idx1-ubyte but not t10k-images-idx3-ubyte");
  NNRT_CHECK_ERROR(loadData(dir.file("nope")),
                   dir.file("nope") + ": no such file or directory");
}

TEST_CASE("loadData options: label range, reshape, normalisation") {
  ScratchDir dir("data_options");
  writeMnistDir(dir, true, false);
  DataOptions options;
  options.numClasses = 3; // label 3 is out of range
  NNRT_CHECK_ERROR(loadData(dir.path().string(), options),
                   dir.file("train-labels-idx1-ubyte") +
                       ": label 3 of sample 2 is out of range for 3 classes "
                       "(0..2)");
  options.numClasses = 4;
  options.sampleShape = {1, 2, 2};
  NNRT_CHECK_ERROR(loadData(dir.path().string(), options),
                   ": samples of shape [2, 3] (6 elements) do not fit the "
                   "model's input [1, 2, 2] (4 elements)");
  options.sampleShape = {1, 6};
  options.normalize = NormalizeMode::Global;
  DataSplits splits = loadData(dir.path().string(), options);
  CHECK(splits.train.sampleShape == std::vector<int64_t>{1, 6});
  CHECK(splits.test->sampleShape == std::vector<int64_t>{1, 6});
  Normalization after = computeNormalization(splits.train, false);
  CHECK(after.mean[0] == doctest::Approx(0.0).epsilon(1e-5));
  CHECK(after.std[0] == doctest::Approx(1.0).epsilon(1e-5));

  options.validationFraction = 0.25; // 1 of the 4 training samples
  options.seed = 3;
  splits = loadData(dir.path().string(), options);
  REQUIRE(splits.validation);
  CHECK(splits.train.size() == 3);
  CHECK(splits.validation->size() == 1);
  CHECK(splits.validation->labels[0] ==
        std::vector<int64_t>{
            1, 0, 3, 2}[size_t(shuffledOrder(4, 3, 0, "validation")[3])]);
  CHECK(splits.test->size() == 2);

  options.validationFraction = 0;
  options.normalization = Normalization{{0.5f}, {0.25f}};
  splits = loadData(dir.path().string(), options);
  CHECK(splits.train.inputs[0] == doctest::Approx((0.0 - 0.5) / 0.25));
  CHECK(splits.test->inputs[1] == doctest::Approx((10.0 / 255.0 - 0.5) / 0.25));
}

TEST_CASE("npy pairs: class labels and regression targets") {
  ScratchDir dir("data_npy");
  std::string x = dir.file("X.npy"), y = dir.file("Y.npy");
  writeBytesFile(
      x, npyFileBytes("<f4", "(3, 2)", rawBytes<float>({1, 2, 3, 4, 5, 6})));
  writeBytesFile(y, npyFileBytes("<i8", "(3,)", rawBytes<int64_t>({2, 0, 1})));
  DataSplits splits = loadData(x + "," + y);
  CHECK(splits.train.size() == 3);
  CHECK(splits.train.sampleShape == std::vector<int64_t>{2});
  CHECK(splits.train.inputs == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(splits.train.labels == std::vector<int64_t>{2, 0, 1});

  writeBytesFile(x,
                 npyFileBytes("|u1", "(3, 1)", std::string("\x00\x33\xff", 3)));
  writeBytesFile(y, npyFileBytes("<i4", "(3,)", rawBytes<int32_t>({5, 6, 7})));
  Dataset bytes = loadNpyPair(x, y);
  CHECK(bytes.inputs == std::vector<float>{0.0f, 0.2f, 1.0f});
  CHECK(bytes.labels == std::vector<int64_t>{5, 6, 7});

  writeBytesFile(y, npyFileBytes("<f8", "(3, 2)",
                                 rawBytes<double>({0.5, 1, 1.5, 2, 2.5, 3})));
  Dataset values = loadNpyPair(x, y);
  CHECK(values.targetKind == TargetKind::Values);
  CHECK(values.targetShape == std::vector<int64_t>{2});
  CHECK(values.targets == std::vector<float>{0.5, 1, 1.5, 2, 2.5, 3});
  CHECK(values.size() == 3);
  NNRT_CHECK_ERROR(checkLabels(values, 10), "the targets are values");

  writeBytesFile(y, npyFileBytes("|u1", "(2,)", "\x01\x02"));
  NNRT_CHECK_ERROR(loadNpyPair(x, y),
                   x + " has 3 samples, but " + y + " has 2 targets");
  writeBytesFile(x, npyFileBytes("<i8", "(2,)", rawBytes<int64_t>({1, 2})));
  NNRT_CHECK_ERROR(loadNpyPair(x, y), x + ": inputs must be '<f4', '<f8' or "
                                          "'|u1', not an integer array");
  writeBytesFile(y, npyFileBytes("<i8", "(2,)", rawBytes<int64_t>({1, -1})));
  writeBytesFile(x, npyFileBytes("<f4", "(2,)", rawBytes<float>({1, 2})));
  NNRT_CHECK_ERROR(loadNpyPair(x, y), y + ": label -1 of sample 1 is negative");
}

TEST_CASE("CSV tables: header, target column, values") {
  ScratchDir dir("data_csv");
  std::string path = dir.file("t.csv");
  writeBytesFile(path, "a,b,label\r\n1,2,0\r\n\r\n3.5, -4e1 ,2\r\n");
  Dataset data = loadCsv(path);
  CHECK(data.size() == 2);
  CHECK(data.sampleShape == std::vector<int64_t>{2});
  CHECK(data.inputs == std::vector<float>{1, 2, 3.5f, -40});
  CHECK(data.labels == std::vector<int64_t>{0, 2});

  writeBytesFile(path, "1;0.5;7\n0;1.5;8\n");
  CsvOptions options;
  options.delimiter = ';';
  options.targetColumn = 0;
  options.targets = TargetKind::Values;
  Dataset values = loadCsv(path, options);
  CHECK(values.inputs == std::vector<float>{0.5f, 7, 1.5f, 8});
  CHECK(values.targets == std::vector<float>{1, 0});
  CHECK(values.size() == 2);

  options = {};
  options.header = true; // a numeric first line skipped on request
  writeBytesFile(path, "9,9\n1,2\n");
  CHECK(loadCsv(path, options).size() == 1);
  DataOptions dataOptions;
  dataOptions.csv.targetColumn = -2;
  CHECK(loadData(path, dataOptions).train.labels == std::vector<int64_t>{9, 1});
}

TEST_CASE("CSV errors point at line and column") {
  ScratchDir dir("data_csv_errors");
  std::string path = dir.file("t.csv");
  writeBytesFile(path, "x,y,label\n1,2,0\n1,2x,1\n");
  NNRT_CHECK_ERROR(loadCsv(path), path + ":3:3: `2x` is not a number");
  writeBytesFile(path, "1,2,0\n1,2\n");
  NNRT_CHECK_ERROR(loadCsv(path),
                   path + ":2:4: expected 3 fields (as in line 1), got 2");
  writeBytesFile(path, "1,2,0\n1,2,3,4\n");
  NNRT_CHECK_ERROR(loadCsv(path),
                   path + ":2:7: expected 3 fields (as in line 1), got 4");
  writeBytesFile(path, "1,,0\n");
  NNRT_CHECK_ERROR(loadCsv(path), path + ":1:3: empty field");
  writeBytesFile(path, "1,2,0.5\n");
  NNRT_CHECK_ERROR(loadCsv(path), path + ":1:5: target `0.5` is not a class "
                                         "index (a non-negative integer)");
  writeBytesFile(path, "a,b\n");
  NNRT_CHECK_ERROR(loadCsv(path), path + ": no data rows");
  writeBytesFile(path, "1,2\n");
  CsvOptions options;
  options.targetColumn = 2;
  NNRT_CHECK_ERROR(loadCsv(path, options),
                   path + ":1:1: target column 2 does not exist: the table "
                          "has 2 columns");
  options = {};
  options.header = false;
  writeBytesFile(path, "a,b\n");
  NNRT_CHECK_ERROR(loadCsv(path, options), path + ":1:1: `a` is not a number");
  NNRT_CHECK_ERROR(loadCsv(dir.file("none.csv")),
                   dir.file("none.csv") + ": cannot open");
}

TEST_CASE("the real Fashion-MNIST files") {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::is_directory(dir)) {
    MESSAGE("skipped: " << dir
                        << " is missing (apt install "
                           "dataset-fashion-mnist)");
    return;
  }
  auto start = std::chrono::steady_clock::now();
  DataOptions options;
  options.numClasses = 10;
  options.sampleShape = {1, 28, 28};
  DataSplits splits = loadData(dir, options);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  MESSAGE("Fashion-MNIST train + test loaded in " << seconds << " s");
  CHECK(splits.train.size() == 60000);
  CHECK(splits.train.sampleShape == std::vector<int64_t>{1, 28, 28});
  CHECK(splits.train.inputs.size() == size_t(60000) * 784);
  CHECK(splits.train.labels[0] == 9); // Ankle boot
  std::vector<int64_t> perClass(10, 0);
  for (int64_t label : splits.train.labels)
    ++perClass[size_t(label)];
  CHECK(perClass == std::vector<int64_t>(10, 6000));
  // Row 14 of the first image starts 0, 0, 1, 4, 6, 7, 2 (NumPy).
  CHECK(splits.train.inputs[14 * 28 + 3] == 4.0f / 255.0f);
  Normalization stats = computeNormalization(splits.train, false);
  CHECK(stats.mean[0] == doctest::Approx(0.2860406).epsilon(1e-6));
  CHECK(stats.std[0] == doctest::Approx(0.3530242).epsilon(1e-6));
  REQUIRE(splits.test);
  CHECK(splits.test->size() == 10000);
  CHECK(splits.test->labels[0] == 9);
}
