//===- test_tool.cpp - Helpers for the command-line tests -----------------===//
//
// The shell test (cli_test.sh) needs to make inputs and to check outputs
// without Python. This tool does four jobs:
//   write-npy FILE f4|f8 D0,D1,... V0,V1,...   write an array by hand
//   check-linear PARAMS X.npy Y.npy            check y = (x W^T + b) * scale
//   make-bad DIR                               write the bad-file corpus and
//                                              DIR/cases.tsv (kind, name,
//                                              expected message fragment)
//   flip-bit FILE K                            flip the low bit of the K-th
//                                              byte from the end (1 = last)
// check-linear recomputes the fake model's formula in double from the saved
// parameters, an oracle independent of the forward code.
//
//===----------------------------------------------------------------------===//
#include "bad_files.h"
#include "nnrt/error.h"
#include "nnrt/file_io.h"
#include "nnrt/npy.h"
#include "nnrt/safetensors.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

using namespace nnrt;

template <typename T> std::vector<T> parseList(const std::string &text) {
  std::vector<T> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ','))
    values.push_back(T(std::stod(item)));
  return values;
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream file(path, std::ios::binary);
  file.write(bytes.data(), std::streamsize(bytes.size()));
  if (!file)
    throw Error(path + ": cannot write");
}

int writeNpy(const std::string &path, const std::string &dtype,
             const std::string &shapeText, const std::string &valuesText) {
  std::vector<int64_t> shape = parseList<int64_t>(shapeText);
  std::vector<double> values = parseList<double>(valuesText);
  std::string shapeTuple = "(";
  for (int64_t dim : shape)
    shapeTuple += std::to_string(dim) + ", ";
  std::string data;
  for (double value : values) {
    char raw[8];
    float narrow = float(value);
    if (dtype == "f8")
      std::memcpy(raw, &value, 8);
    else
      std::memcpy(raw, &narrow, 4);
    data.append(raw, dtype == "f8" ? 8 : 4);
  }
  writeBytes(path, testing::npyBytes("{'descr': '<" + dtype +
                                         "', 'fortran_order': False, "
                                         "'shape': " +
                                         shapeTuple + "), }",
                                     data));
  return 0;
}

std::vector<float> tensor(const SafeTensorsFile &file,
                          const std::string &name) {
  const SafeTensorEntry *entry = file.find(name);
  if (!entry || entry->dtype != DType::F32)
    throw Error(file.path + ": no F32 tensor `" + name + "`");
  std::vector<float> values((entry->end - entry->begin) / 4);
  std::memcpy(values.data(), file.data(*entry), entry->end - entry->begin);
  return values;
}

int checkLinear(const std::string &params, const std::string &xPath,
                const std::string &yPath) {
  SafeTensorsFile file = readSafeTensors(params);
  std::vector<float> w = tensor(file, "fc.weight"), b = tensor(file, "fc.bias"),
                     s = tensor(file, "scale");
  NpyArray x = readNpy(xPath), y = readNpy(yPath);
  const std::vector<float> &xs = x.floats(xPath), &ys = y.floats(yPath);
  int64_t batch = x.shape.at(0);
  if (y.shape != std::vector<int64_t>{batch, 2}) {
    std::cerr << "y has shape " << formatShape(y.shape) << "\n";
    return 1;
  }
  double maxDiff = 0, tolerance = 1e-5;
  for (int64_t r = 0; r < batch; ++r)
    for (int o = 0; o < 2; ++o) {
      double sum = b[o];
      for (int i = 0; i < 3; ++i)
        sum += double(xs[r * 3 + i]) * w[o * 3 + i];
      double expected = sum * s[o];
      maxDiff = std::max(maxDiff, std::abs(expected - ys[r * 2 + o]));
    }
  std::cout << "max |y - (x W^T + b) * scale| = " << maxDiff << " (tolerance "
            << tolerance << ")\n";
  return maxDiff <= tolerance ? 0 : 1;
}

int makeBad(const std::string &dir) {
  std::ofstream cases(dir + "/cases.tsv");
  for (const testing::BadFile &file : testing::badFiles()) {
    writeBytes(dir + "/" + file.name, file.bytes);
    cases << testing::kindName(file.kind) << "\t" << file.name << "\t"
          << file.fragment << "\n";
  }
  return cases ? 0 : 1;
}

int flipBit(const std::string &path, const std::string &fromEnd) {
  std::vector<uint8_t> bytes = readFile(path);
  size_t k = size_t(std::stoul(fromEnd));
  if (k < 1 || k > bytes.size())
    throw Error(path + ": has " + std::to_string(bytes.size()) + " bytes");
  bytes[bytes.size() - k] ^= 1;
  writeBytes(path, std::string(bytes.begin(), bytes.end()));
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() == 5 && args[0] == "write-npy")
      return writeNpy(args[1], args[2], args[3], args[4]);
    if (args.size() == 4 && args[0] == "check-linear")
      return checkLinear(args[1], args[2], args[3]);
    if (args.size() == 2 && args[0] == "make-bad")
      return makeBad(args[1]);
    if (args.size() == 3 && args[0] == "flip-bit")
      return flipBit(args[1], args[2]);
  } catch (const std::exception &e) {
    std::cerr << "test_tool: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: test_tool write-npy|check-linear|make-bad|flip-bit "
               "...\n";
  return 2;
}
