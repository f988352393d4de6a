//===- train_setup.h - What `train` and `eval` share ----------------------===//
//
// Both commands read a `--data` argument for the model's input and target,
// with the manifest's `training` object as the defaults, and print losses
// and accuracies the same way. The data is loaded with the model's per-sample
// input shape and its number of classes, and checked against the loss's kind
// of target before the first step, so a mismatch names the data file.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_CLI_TRAIN_SETUP_H
#define NNRT_CLI_TRAIN_SETUP_H

#include "nnrt/data.h"
#include "nnrt/manifest.h"

#include <optional>
#include <string>

namespace nnrt::cli {

/// Splits ready for training or evaluation, and the normalisation applied.
struct LoadedData {
  DataSplits splits;
  std::optional<Normalization> normalization;
};

/// How to read and preprocess the data.
struct DataRequest {
  std::string spec;        ///< The `--data` argument.
  double validation = 0.0; ///< Held-out fraction of the training set.
  uint64_t seed = 0;       ///< Seeds the validation split.
  NormalizeMode normalize = NormalizeMode::None;
  /// Statistics to apply instead of computing them (from a checkpoint).
  std::optional<Normalization> statistics;
};

/// The help of `--data`, the same for both commands.
inline constexpr const char *kDataHelp =
    "DIR (MNIST files), IMAGES,LABELS, X.npy,Y.npy or FILE.csv; default: the "
    "train block's data";

/// `--data`, else the train block's `data`; throws Error when neither.
std::string dataSpec(const TrainingSpec &spec, const std::string &flag);

/// The files a `--data` argument reads, for the outputs to be checked
/// against: the parts of `A,B`, and the files in a folder.
std::vector<std::string> dataFiles(const std::string &spec);

/// "none", "global" or "per_feature"; throws Error otherwise.
NormalizeMode parseNormalize(const std::string &name);

/// Loads the data for a model with a `training` object: samples reshaped to
/// the input's per-sample shape, labels checked against the classes, the
/// target kind checked against the loss, the validation split cut and the
/// normalisation computed on the training part and applied to every split.
LoadedData loadTrainingData(const Manifest &manifest,
                            const DataRequest &request);

/// A loss or accuracy for the text output: 4 decimals ("0.3012"), or 4
/// significant digits in exponent form below 0.001 and from 1e5 on
/// ("1.234e-05", "3.393e+15").
std::string formatMetric(double value);

} // namespace nnrt::cli

#endif // NNRT_CLI_TRAIN_SETUP_H
