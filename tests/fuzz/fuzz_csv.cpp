//===- fuzz_csv.cpp - Fuzzes the CSV reader and the data pipeline ---------===//
//
// The first byte of the input chooses the CsvOptions, the rest is the table:
//   bits 0-1  delimiter: ',' '\t' ';' or unset (by the name `t.csv`: ',')
//   bits 2-3  header: unset (guessed), true, false
//   bits 4-5  target column: -1, 0, 1, -2
//   bit 6     targets: class indices or values
//   bit 7     read as a stream instead of a file of known size
// An accepted table must hold rows x (columns - 1) inputs and one target per
// row; it then goes through what loadData and `train` do with a dataset:
// label check, normalisation, validation split and one shuffled epoch.
//
//===----------------------------------------------------------------------===//
#include "fuzz_util.h"
#include "nnrt/data.h"

using namespace nnrt;
using nnc::fuzz::accepts;

namespace {

CsvOptions optionsFrom(uint8_t bits) {
  CsvOptions options;
  const char delimiters[] = {',', '\t', ';'};
  if ((bits & 3) != 3)
    options.delimiter = delimiters[bits & 3];
  if (((bits >> 2) & 3) == 1)
    options.header = true;
  else if (((bits >> 2) & 3) == 2)
    options.header = false;
  const int columns[] = {-1, 0, 1, -2};
  options.targetColumn = columns[(bits >> 4) & 3];
  if (bits & 64)
    options.targets = TargetKind::Values;
  return options;
}

void checkDataset(Dataset &data) {
  int64_t rows = data.size();
  FUZZ_REQUIRE(data.sampleShape.size() == 1, "a CSV sample is a row");
  FUZZ_REQUIRE(int64_t(data.inputs.size()) == rows * data.sampleNumel(),
               "input count differs from rows x features");
  if (data.targetKind == TargetKind::ClassIndex)
    FUZZ_REQUIRE(int64_t(data.labels.size()) == rows, "label count");
  else
    FUZZ_REQUIRE(int64_t(data.targets.size()) == rows, "target count");
  accepts([&] { checkLabels(data, 3); });
  accepts([&] {
    applyNormalization(data, computeNormalization(data, rows % 2 == 0));
  });
  auto [train, validation] = splitValidation(data, 0.25, 7);
  FUZZ_REQUIRE(train.size() + validation.size() == rows, "split lost rows");
  DataLoader loader(train, {.batchSize = 3, .seed = 1});
  Batch batch;
  int64_t seen = 0;
  while (loader.next(batch))
    seen += batch.size;
  FUZZ_REQUIRE(seen == train.size(), "an epoch missed samples");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  CsvOptions options = optionsFrom(data[0]);
  MemorySource source("t.csv", nnc::fuzz::asText(data + 1, size - 1),
                      (data[0] & 128) == 0);
  accepts([&] {
    Dataset table = loadCsv(source, options);
    checkDataset(table);
  });
  return 0;
}
