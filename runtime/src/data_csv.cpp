//===- data_csv.cpp - Numeric CSV tables as datasets ----------------------===//
//
// A deliberately small CSV dialect: one record per line (LF or CRLF), fields
// split at the delimiter (a comma, a tab for `.tsv` files), spaces around a
// field ignored, no quoting (a numeric table needs none). Blank lines are
// skipped. The file is read as a stream, line by line. Every field but the
// target is a feature; the first record fixes the field count. Problems are
// reported as "<path>:LINE:COLUMN: ...", COLUMN counting bytes from 1, so an
// editor jumps to the offending field.
//
//===----------------------------------------------------------------------===//
#include "nnrt/byte_source.h"
#include "nnrt/data.h"
#include "nnrt/error.h"

#include <charconv>
#include <cmath>
#include <string_view>

namespace nnrt {
namespace {

struct Field {
  std::string_view text; // trimmed
  size_t column;         // 1-based byte column of the field's start
};

std::vector<Field> splitLine(std::string_view line, char delimiter) {
  std::vector<Field> fields;
  size_t start = 0;
  for (;;) {
    size_t end = line.find(delimiter, start);
    std::string_view text =
        line.substr(start, end == std::string_view::npos ? end : end - start);
    size_t lead = 0;
    while (lead < text.size() && (text[lead] == ' ' || text[lead] == '\t'))
      ++lead;
    text.remove_prefix(lead);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
      text.remove_suffix(1);
    fields.push_back({text, start + lead + 1});
    if (end == std::string_view::npos)
      return fields;
    start = end + 1;
  }
}

// A finite number, or nothing.
std::optional<double> parseNumber(std::string_view text) {
  if (!text.empty() && text.front() == '+')
    text.remove_prefix(1);
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(),
                                      value, std::chars_format::general);
  if (text.empty() || error != std::errc() ||
      end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

bool looksLikeHeader(const std::vector<Field> &fields) {
  for (const Field &field : fields)
    if (parseNumber(field.text))
      return false;
  return true;
}

std::string quoted(std::string_view text) {
  return "`" + std::string(text) + "`";
}

// Reads the table row by row into `data`.
class CsvReader {
public:
  CsvReader(const std::string &path, const CsvOptions &options)
      : path_(path), options_(options),
        delimiter_(options.delimiter.value_or(csvDelimiterFor(path))) {}

  // Reads the source a chunk at a time and hands each complete line to
  // addLine, so that only the current line and the table are ever held.
  Dataset read(ByteSource &source) {
    data_.source = path_;
    data_.targetSource = path_;
    data_.targetKind = options_.targets;
    std::string line;
    std::vector<uint8_t> chunk;
    size_t lineNo = 1;
    for (bool more = true; more;) {
      chunk.clear();
      more = readUpTo(source, kChunk, chunk) == kChunk;
      std::string_view text(reinterpret_cast<const char *>(chunk.data()),
                            chunk.size());
      while (!text.empty()) {
        size_t end = text.find('\n');
        append(line, text.substr(0, end), lineNo);
        if (end == std::string_view::npos)
          break;
        finishLine(line, lineNo++);
        text.remove_prefix(end + 1);
      }
      checkSize(source, line.size());
    }
    finishLine(line, lineNo);
    if (rows_ == 0)
      throw Error(path_ + ": no data rows");
    data_.sampleShape = {int64_t(fieldCount_ - 1)};
    if (data_.targetKind == TargetKind::Values)
      data_.targetShape = {};
    return std::move(data_);
  }

private:
  [[noreturn]] void fail(size_t line, size_t column, const std::string &what) {
    throw Error(path_ + ":" + std::to_string(line) + ":" +
                std::to_string(column) + ": " + what);
  }

  // A NUL byte means binary data (such as /dev/zero): refused at once rather
  // than read as one endless line.
  void append(std::string &line, std::string_view piece, size_t lineNo) {
    if (size_t nul = piece.find('\0'); nul != std::string_view::npos)
      fail(lineNo, line.size() + nul + 1, "NUL byte: not a text file");
    line.append(piece);
  }

  void finishLine(std::string &line, size_t lineNo) {
    std::string_view text = line;
    if (!text.empty() && text.back() == '\r')
      text.remove_suffix(1);
    if (text.find_first_not_of(" \t") != std::string_view::npos)
      addLine(text, lineNo);
    line.clear();
  }

  // The table and the line being read must fit in memory.
  void checkSize(const ByteSource &source, size_t pending) {
    uint64_t bytes = pending + data_.inputs.size() * sizeof(float) +
                     data_.targets.size() * sizeof(float) +
                     data_.labels.size() * sizeof(int64_t);
    checkMemory(source, bytes, "the table");
  }

  void addLine(std::string_view line, size_t lineNo) {
    std::vector<Field> fields = splitLine(line, delimiter_);
    if (fieldCount_ == 0) {
      startTable(fields, lineNo);
      if (headerSeen_)
        return;
    }
    if (fields.size() != fieldCount_) {
      size_t column = fields.size() < fieldCount_ ? line.size() + 1
                                                  : fields[fieldCount_].column;
      fail(lineNo, column,
           "expected " + std::to_string(fieldCount_) + " fields (as in line " +
               std::to_string(firstLine_) + "), got " +
               std::to_string(fields.size()));
    }
    for (size_t i = 0; i < fields.size(); ++i)
      addField(fields[i], i == targetIndex_, lineNo);
    ++rows_;
  }

  void startTable(const std::vector<Field> &fields, size_t lineNo) {
    fieldCount_ = fields.size();
    firstLine_ = lineNo;
    int64_t count = int64_t(fieldCount_);
    int64_t target = options_.targetColumn < 0 ? count + options_.targetColumn
                                               : options_.targetColumn;
    if (count < 2)
      fail(lineNo, 1,
           "a table needs at least 2 columns (features and a "
           "target), found " +
               std::to_string(count));
    if (target < 0 || target >= count)
      fail(lineNo, 1,
           "target column " + std::to_string(options_.targetColumn) +
               " does not exist: the table has " + std::to_string(count) +
               " columns");
    targetIndex_ = size_t(target);
    headerSeen_ = options_.header.value_or(looksLikeHeader(fields));
  }

  void addField(const Field &field, bool isTarget, size_t lineNo) {
    std::optional<double> value = parseNumber(field.text);
    if (!value)
      fail(lineNo, field.column,
           field.text.empty() ? std::string("empty field")
                              : quoted(field.text) + " is not a number");
    if (!isTarget) {
      data_.inputs.push_back(float(*value));
    } else if (data_.targetKind == TargetKind::Values) {
      data_.targets.push_back(float(*value));
    } else {
      if (*value < 0 || *value != std::floor(*value) || *value > 9.0e15)
        fail(lineNo, field.column,
             "target " + quoted(field.text) +
                 " is not a class index (a non-negative integer)");
      data_.labels.push_back(int64_t(*value));
    }
  }

  static constexpr size_t kChunk = size_t(1) << 20;

  std::string path_;
  CsvOptions options_;
  char delimiter_;
  Dataset data_;
  size_t fieldCount_ = 0, targetIndex_ = 0, firstLine_ = 0, rows_ = 0;
  bool headerSeen_ = false;
};

} // namespace

char csvDelimiterFor(const std::string &path) {
  return path.ends_with(".tsv") ? '\t' : ',';
}

Dataset loadCsv(ByteSource &source, const CsvOptions &options) {
  return CsvReader(source.name(), options).read(source);
}

Dataset loadCsv(const std::string &path, const CsvOptions &options) {
  std::unique_ptr<ByteSource> source = openFile(path);
  return loadCsv(*source, options);
}

} // namespace nnrt
