//===- data.h - Training data: datasets, preprocessing, batches -----------===//
//
// What `train` and `eval` feed a model. A Dataset is N samples held in
// memory: inputs as float32 [N, sample shape...] and targets as class indices
// [N] or float values [N, target shape...]. The flow is
//
//   loadData("--data" spec, options)            read the files (data.h below)
//     -> labels checked against numClasses, samples reshaped to the model's
//        input shape, a validation split cut from the training set, mean/std
//        computed on the training part and applied to every split
//   DataLoader(split, batchSize, seed, ...)     batches, reshuffled per epoch
//
// Readers: IDX (plain or gzip; data_idx.h), a directory with MNIST's file
// names, a pair of .npy files, and CSV. Shuffling is a Fisher-Yates shuffle
// driven by the runtime's Philox generator (rng.h), so the order of epoch e
// is a pure function of (seed, e, N): the same on every machine, whatever was
// read before. docs/data.md describes the formats, options, algorithm and
// messages. Every problem is an nnrt::Error naming the file.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_DATA_H
#define NNRT_DATA_H

#include "nnrt/byte_source.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace nnrt {

//===----------------------------------------------------------------------===//
// Datasets
//===----------------------------------------------------------------------===//

/// What a dataset's targets are.
enum class TargetKind {
  ClassIndex, ///< one integer class per sample (cross_entropy, nll)
  Values,     ///< float values per sample (mse, binary_cross_entropy)
};

/// N samples in memory, row-major.
struct Dataset {
  std::string source;               ///< the inputs' file, for messages
  std::string targetSource;         ///< the targets' file (labels), likewise
  std::vector<int64_t> sampleShape; ///< shape of one input, e.g. [1, 28, 28]
  std::vector<float> inputs;        ///< [size(), sampleShape...]
  TargetKind targetKind = TargetKind::ClassIndex;
  std::vector<int64_t> labels;      ///< [size()] when ClassIndex
  std::vector<int64_t> targetShape; ///< shape of one target when Values
  std::vector<float> targets;       ///< [size(), targetShape...] when Values

  /// Number of samples.
  int64_t size() const;
  /// Elements of one input sample.
  int64_t sampleNumel() const;
  /// Elements of one target (1 for class indices).
  int64_t targetNumel() const;
  /// The samples at `indices`, in that order, as a new dataset.
  Dataset select(const std::vector<int64_t> &indices) const;
};

/// The splits `loadData` returns. `test` is present when the source has one
/// (the t10k files of an MNIST directory); `validation` when asked for.
struct DataSplits {
  Dataset train;
  std::optional<Dataset> validation;
  std::optional<Dataset> test;
};

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

/// How CSV files are read.
struct CsvOptions {
  /// The field separator; unset: by the file name (csvDelimiterFor).
  std::optional<char> delimiter;
  /// Whether line 1 is a header; unset: it is when none of its fields is a
  /// number.
  std::optional<bool> header;
  /// The target's column, 0-based; negative counts from the end (-1: last).
  int targetColumn = -1;
  /// Class indices (a non-negative integer per row) or float values.
  TargetKind targets = TargetKind::ClassIndex;
};

/// Mean/std normalisation: x' = (x - mean) / std, with one (mean, std) for
/// every element (`mean.size() == 1`) or one per element of a sample.
struct Normalization {
  std::vector<float> mean;
  std::vector<float> std;
};

/// Where normalisation statistics come from.
enum class NormalizeMode {
  None,       ///< inputs stay as read (after /255 scaling)
  Global,     ///< one mean and std over all training inputs
  PerFeature, ///< a mean and std per input element (tabular data)
};

/// Everything loadData does after reading. Defaults suit Fashion-MNIST.
struct DataOptions {
  /// uint8 inputs (IDX 0x08, .npy '|u1') are divided by 255 into [0, 1].
  bool scaleBytes = true;
  CsvOptions csv;
  /// Samples are reshaped to this (e.g. [1, 28, 28]); empty keeps the
  /// file's. The element count must match.
  std::vector<int64_t> sampleShape;
  /// When > 0, every class index must lie in [0, numClasses).
  int64_t numClasses = 0;
  /// Computed from the training part (after the validation split) ...
  NormalizeMode normalize = NormalizeMode::None;
  /// ... unless given here, which wins over `normalize`.
  std::optional<Normalization> normalization;
  /// Fraction in [0, 1) of the training set held out for validation.
  double validationFraction = 0.0;
  /// Seeds the validation split (and nothing else: batches take theirs).
  uint64_t seed = 0;
};

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

/// Reads a `--data` argument:
///   DIR               MNIST names: train-images-idx3-ubyte, train-labels-
///                     idx1-ubyte and optionally t10k-... (each may end .gz)
///   IMAGES,LABELS     two IDX files
///   X.npy,Y.npy       inputs and targets
///   FILE.csv          one numeric table (options.csv)
/// then applies `options` (checks, reshape, split, normalisation).
DataSplits loadData(const std::string &spec, const DataOptions &options = {});

/// IDX inputs [N, ...] and IDX labels [N] (any integer type code).
Dataset loadIdxPair(const std::string &inputsPath,
                    const std::string &labelsPath, bool scaleBytes = true);

/// The splits of an MNIST-style directory, as read (no options applied).
DataSplits loadMnistDir(const std::string &dir, bool scaleBytes = true);

/// X.npy ('<f4', '<f8' or '|u1', [N, ...]) and Y.npy: '<i8', '<i4' or '|u1'
/// class indices [N], or '<f4'/'<f8' values [N, ...].
Dataset loadNpyPair(const std::string &inputsPath,
                    const std::string &targetsPath, bool scaleBytes = true);

/// A numeric CSV table; every column but the target is an input feature.
/// Read as a stream, line by line: a NUL byte is refused as binary data, and
/// a table larger than memoryLimit() (byte_source.h) is refused.
Dataset loadCsv(const std::string &path, const CsvOptions &options = {});

/// loadCsv over `source` (a pipe, memory), named by its name().
Dataset loadCsv(ByteSource &source, const CsvOptions &options = {});

/// The CSV delimiter a file's name implies: a tab for `.tsv`, else a comma.
char csvDelimiterFor(const std::string &path);

//===----------------------------------------------------------------------===//
// Preprocessing
//===----------------------------------------------------------------------===//

/// Throws Error("<targetSource>: label L of sample I is out of range for C
/// classes") unless every label is in [0, numClasses).
void checkLabels(const Dataset &data, int64_t numClasses);

/// Gives every sample the shape `shape`; throws Error when the element
/// counts differ.
void reshapeSamples(Dataset &data, const std::vector<int64_t> &shape);

/// Mean and (population) standard deviation of the inputs, over everything
/// or per element. A standard deviation of 0 is stored as 1.
Normalization computeNormalization(const Dataset &data, bool perFeature);

/// x' = (x - mean) / std on every input; throws Error when a per-element
/// normalisation does not match the sample size.
void applyNormalization(Dataset &data, const Normalization &norm);

/// The same on raw values: consecutive samples of `sampleNumel` elements
/// (what `predict` and the C API apply to an input batch). Throws
/// Error("<source>: ...") for statistics that do not fit the samples, or a
/// std that is not positive and finite.
void normalizeSamples(std::span<float> values, int64_t sampleNumel,
                      const Normalization &norm, const std::string &source);

/// Splits `data` once: the order is shuffledOrder(N, seed, 0) with the split
/// stream, and the last round(fraction * N) samples of it are validation.
/// Returns (train, validation). Throws Error unless 0 <= fraction < 1.
std::pair<Dataset, Dataset> splitValidation(const Dataset &data,
                                            double fraction, uint64_t seed);

//===----------------------------------------------------------------------===//
// Iteration
//===----------------------------------------------------------------------===//

/// A permutation of 0..n-1 that depends only on (seed, epoch, n, stream):
/// Fisher-Yates from the last position down, position i swapped with
/// j = floor(r * (i + 1) / 2^64), r the 64 bits of words 0-1 of the Philox
/// block i of TensorRng(seed, stream + "/" + epoch).
std::vector<int64_t> shuffledOrder(int64_t n, uint64_t seed, uint64_t epoch,
                                   const std::string &stream = "shuffle");

/// One batch, copied out of a dataset.
struct Batch {
  int64_t size = 0;                ///< samples in this batch
  std::vector<int64_t> inputShape; ///< [size, sampleShape...]
  std::vector<float> inputs;
  std::vector<int64_t> labels;      ///< [size] when ClassIndex
  std::vector<int64_t> targetShape; ///< [size, targetShape...] when Values
  std::vector<float> targets;
  std::vector<int64_t> indices; ///< which samples of the dataset
};

/// How a DataLoader walks a dataset.
struct BatchOptions {
  int64_t batchSize = 64;
  bool shuffle = true;   ///< a new shuffledOrder each epoch
  bool dropLast = false; ///< drop a last batch smaller than batchSize
  uint64_t seed = 0;
};

/// Batches over a dataset the caller keeps alive. Usage:
///   DataLoader loader(data, {.batchSize = 64, .seed = 1});
///   for (uint64_t epoch = 0; epoch < epochs; ++epoch) {
///     loader.startEpoch(epoch);
///     Batch batch;
///     while (loader.next(batch)) { ... }
///   }
class DataLoader {
public:
  /// Throws Error for a batch size < 1.
  DataLoader(const Dataset &data, BatchOptions options);

  /// Batches in one epoch (counting a partial last one unless dropLast).
  int64_t batchesPerEpoch() const;
  /// Starts epoch `epoch`: its order is shuffledOrder(N, seed, epoch), or
  /// 0..N-1 without shuffling.
  void startEpoch(uint64_t epoch);
  /// Fills `batch` with the next batch (reusing its storage); false at the
  /// end of the epoch.
  bool next(Batch &batch);

private:
  const Dataset &data_;
  BatchOptions options_;
  std::vector<int64_t> order_;
  int64_t position_ = 0;
};

} // namespace nnrt

#endif // NNRT_DATA_H
