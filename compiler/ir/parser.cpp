//===- parser.cpp - Reads the textual form of the graph IR ----------------===//
//
// The inverse of printer.cpp, so that every compiler stage after sema can be
// tested from a hand-written graph, and printing then parsing is the
// identity. Shapes written in the text are checked against the op rules.
//
//===----------------------------------------------------------------------===//
#include "ir/graph.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

namespace nnc::ir {
namespace {

struct ParseFailure {
  std::string message;
};

class IrParser {
public:
  explicit IrParser(const std::string &text) : text_(text) {}

  std::unique_ptr<Graph> run() {
    keyword("graph");
    expect('@');
    auto graph = std::make_unique<Graph>(word());
    graph_ = graph.get();
    expect('(');
    while (!peek(')')) {
      graph->addSymbol(word());
      if (!accept(','))
        break;
    }
    expect(')');
    expect('{');
    while (!peekWord("return"))
      node();
    keyword("return");
    if (peek('%')) {
      do
        graph->addOutput(ref());
      while (accept(','));
    }
    expect('}');
    skipSpace();
    if (pos_ != text_.size())
      error("unexpected text after the graph");
    return graph;
  }

private:
  [[noreturn]] void error(const std::string &message) { error(pos_, message); }
  /// Reports `message` at `at`, the offset where the culprit begins.
  [[noreturn]] void error(size_t at, const std::string &message) {
    int line = 1, col = 1;
    for (size_t i = 0; i < at && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    throw ParseFailure{std::to_string(line) + ":" + std::to_string(col) +
                       ": " + message};
  }
  void skipSpace() {
    while (pos_ < text_.size()) {
      if (std::isspace(static_cast<unsigned char>(text_[pos_]))) {
        ++pos_;
      } else if (text_[pos_] == '/' && pos_ + 1 < text_.size() &&
                 text_[pos_ + 1] == '/') {
        while (pos_ < text_.size() && text_[pos_] != '\n')
          ++pos_;
      } else {
        return;
      }
    }
  }
  bool peek(char c) {
    skipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool accept(char c) {
    if (!peek(c))
      return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!accept(c))
      error(std::string("expected `") + c + "`");
  }
  std::string word() {
    skipSpace();
    size_t begin = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
            text_[pos_] == '_' || text_[pos_] == '.'))
      ++pos_;
    if (begin == pos_)
      error("expected a name");
    return text_.substr(begin, pos_ - begin);
  }
  bool peekWord(const std::string &w) {
    skipSpace();
    return text_.compare(pos_, w.size(), w) == 0;
  }
  void keyword(const std::string &w) {
    if (word() != w)
      error("expected `" + w + "`");
  }
  // integer := '-'? DIGIT+, within int64
  int64_t integer() {
    skipSpace();
    size_t begin = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-')
      ++pos_;
    size_t digits = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
    if (digits == pos_)
      error(begin, "expected an integer");
    int64_t value = 0;
    auto [end, status] =
        std::from_chars(text_.data() + begin, text_.data() + pos_, value);
    if (status != std::errc() || end != text_.data() + pos_)
      error(begin, "integer `" + text_.substr(begin, pos_ - begin) +
                       "` is out of range");
    return value;
  }
  double number() {
    skipSpace();
    const char *start = text_.c_str() + pos_;
    char *end = nullptr;
    double value = std::strtod(start, &end);
    if (end == start)
      error("expected a number");
    pos_ += static_cast<size_t>(end - start);
    return value;
  }
  std::string quoted() {
    expect('"');
    size_t begin = pos_;
    while (pos_ < text_.size() && text_[pos_] != '"')
      ++pos_;
    if (pos_ >= text_.size())
      error("unterminated string");
    return text_.substr(begin, pos_++ - begin);
  }
  const Node *ref() {
    skipSpace();
    size_t at = pos_;
    expect('%');
    int64_t id = integer();
    auto it = ids_.find(id);
    if (it == ids_.end())
      error(at, "use of undefined value %" + std::to_string(id));
    return it->second;
  }
  // dim := term (('+' | '-') term)*, term := factor ('*' factor)*,
  // factor := INT | symbol. Each term's constant factors are checked here
  // (Dim's arithmetic saturates rather than checks), and so is the count
  // of terms, which bounds the work of multiplying shapes out.
  Dim dim() {
    skipSpace();
    size_t begin = pos_;
    Dim d = term(begin, false);
    size_t terms = 1;
    for (;;) {
      skipSpace();
      bool minus = peek('-');
      if (!minus && !peek('+'))
        break;
      ++pos_;
      if (++terms > kMaxTerms)
        error(begin, "dimension is written with more than " + std::to_string(kMaxTerms) +
                         " terms");
      d = d + term(begin, minus);
    }
    return d;
  }
  Dim term(size_t begin, bool negate) {
    int64_t coeff = negate ? -1 : 1;
    Dim d = Dim::constant(1);
    do {
      skipSpace();
      if (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
        if (__builtin_mul_overflow(coeff, integer(), &coeff))
          error(begin, "dimension `" + text_.substr(begin, pos_ - begin) +
                           "` is too large");
      } else {
        size_t at = pos_;
        std::string name = word();
        const std::vector<std::string> &declared = graph_->symbols();
        if (std::find(declared.begin(), declared.end(), name) == declared.end()) {
          pos_ = at;
          error("symbol `" + name + "` is not declared in the graph header");
        }
        d = d * Dim::symbol(name);
      }
    } while (accept('*'));
    return d * Dim::constant(coeff);
  }
  // shape := '[' (dim (',' dim)*)? ']'. The product of its non-zero
  // dimensions with every symbol 1 must fit in int64, and multiplied out
  // have at most kMaxTerms terms: then no shape rule multiplying any of
  // them overflows or grows exponentially, even when a zero makes the
  // shape empty. (The verifier then checks the shape as a whole.)
  Shape shape() {
    skipSpace();
    size_t begin = pos_;
    expect('[');
    Shape s;
    while (!peek(']')) {
      s.push_back(dim());
      if (!accept(','))
        break;
    }
    expect(']');
    int64_t product = 1;
    Dim count = Dim::constant(1);
    for (const Dim &d : s) {
      int64_t least = d.valueAtOnes();
      if (least != 0 && __builtin_mul_overflow(product, least, &product))
        error(begin, "shape " + shapeStr(s) + " has too many elements");
      count = count * d;
      if (count.terms.size() > kMaxTerms)
        error(begin, "shape " + shapeStr(s) + " has an element count of more than " +
                         std::to_string(kMaxTerms) + " terms");
    }
    return s;
  }
  std::vector<int64_t> intList() {
    expect('[');
    std::vector<int64_t> v;
    while (!peek(']')) {
      v.push_back(integer());
      if (!accept(','))
        break;
    }
    expect(']');
    return v;
  }
  // {key = value, ...}
  void attrDict(Attrs &attrs) {
    expect('{');
    while (!peek('}')) {
      std::string key = word();
      expect('=');
      if (key == "perm" || key == "axes")
        attrs.axes = intList();
      else if (key == "shape")
        attrs.shape = shape();
      else if (key == "keepdim")
        attrs.keepdim = word() == "true";
      else if (key == "module")
        attrs.boundary.module = quoted();
      else if (key == "call" || key == "index") {
        skipSpace();
        size_t at = pos_;
        int64_t value = integer();
        if (value < (key == "call" ? 1 : 0))
          error(at, "`" + key + "` must be at least " +
                        (key == "call" ? "1" : "0"));
        (key == "call" ? attrs.boundary.call : attrs.boundary.index) = value;
      } else if (key == "role") {
        skipSpace();
        size_t at = pos_;
        std::string name = word();
        std::optional<BoundaryRole> role = boundaryRoleByName(name);
        if (!role)
          error(at, "unknown boundary role `" + name +
                        "` (input, output, grad_input or grad_output)");
        attrs.boundary.role = *role;
      }
      else
        error("unknown attribute `" + key + "`");
      if (!accept(','))
        break;
    }
    expect('}');
  }
  // node := '%' INT '=' mnemonic operands? attrs? ':' dtype shape
  void node() {
    skipSpace();
    size_t idAt = pos_;
    expect('%');
    int64_t id = integer();
    if (ids_.count(id))
      error(idAt, "value %" + std::to_string(id) + " is defined twice");
    expect('=');
    skipSpace();
    size_t opAt = pos_;
    std::string mnemonic = word();
    std::optional<OpKind> op = opByMnemonic(mnemonic);
    if (!op)
      error(opAt, "unknown op `" + mnemonic + "`");
    std::vector<const Node *> operands;
    Attrs attrs;
    if (peek('%')) {
      do
        operands.push_back(ref());
      while (accept(','));
    }
    if (*op == OpKind::Input || *op == OpKind::Param)
      attrs.name = quoted();
    else if (*op == OpKind::Const)
      attrs.value = number();
    else if (peek('{'))
      attrDict(attrs);
    expect(':');
    skipSpace();
    size_t typeAt = pos_;
    std::string dtype = word();
    if (dtype != "f32" && dtype != "f64")
      error(typeAt, "unknown dtype `" + dtype + "`");
    Shape declared = shape();
    DType declaredType = dtype == "f32" ? DType::F32 : DType::F64;
    const Node *n = build(*op, operands, attrs, declared, declaredType, opAt,
                          typeAt);
    // Leaves and constants are f32 whatever the text says: refuse the text.
    if (n->dtype != declaredType)
      error(typeAt, "declared type " + dtype + " differs from " +
                        dtypeName(n->dtype) + " given by the op's rule");
    ids_[id] = n;
  }
  const Node *build(OpKind op, std::vector<const Node *> operands,
                    const Attrs &attrs, const Shape &declared, DType dtype,
                    size_t opAt, size_t typeAt) {
    if (static_cast<int>(operands.size()) != opInfo(op).arity)
      error(opAt, std::string("`") + opInfo(op).mnemonic + "` takes " +
            std::to_string(opInfo(op).arity) + " operand(s), " +
                       std::to_string(operands.size()) + " given");
    if (op == OpKind::Input || op == OpKind::Param)
      return graph_->addLeaf(op, attrs.name, declared);
    if (op == OpKind::Const) {
      if (!declared.empty())
        error(typeAt, "declared shape " + shapeStr(declared) +
                          " differs from [] given by the op's rule");
      return graph_->constant(attrs.value);
    }
    std::vector<Shape> shapes;
    for (const Node *operand : operands)
      shapes.push_back(operand->shape);
    ShapeError shapeError;
    std::optional<Shape> inferred = inferShape(op, shapes, attrs, shapeError);
    if (!inferred)
      error(opAt, std::string("shape mismatch in `") + opInfo(op).mnemonic +
                      "`: " + shapeError.message);
    if (!(*inferred == declared))
      error(typeAt, "declared shape " + shapeStr(declared) + " differs from " +
            shapeStr(*inferred) + " given by the op's rule");
    for (const Node *operand : operands)
      if (operand->dtype != dtype)
        error(typeAt, std::string("dtype ") + dtypeName(dtype) +
                          " differs from the operand's " +
                          dtypeName(operand->dtype));
    return graph_->add(op, std::move(operands), attrs, {}, dtype);
  }

  const std::string &text_;
  size_t pos_ = 0;
  Graph *graph_ = nullptr;
  std::map<int64_t, const Node *> ids_;
};

} // namespace

std::unique_ptr<Graph> parseGraph(const std::string &text, std::string &error) {
  try {
    return IrParser(text).run();
  } catch (ParseFailure &f) {
    error = f.message;
    return nullptr;
  }
}

} // namespace nnc::ir
