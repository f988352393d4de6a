//===- manifest.cpp - Parsing, validating and binding the model manifest --===//
//
// Turns the manifest JSON into the structs of manifest.h and checks what the
// rest of the runtime relies on: tensors lie inside the arena and do not
// overlap, names are unique, dimensions only use declared symbols, and the
// initialisers are known. Binding symbols happens once per forward call, from
// the shapes of the inputs actually given.
//
//===----------------------------------------------------------------------===//
#include "nnrt/manifest.h"
#include "nnrt/error.h"
#include "nnrt_model.h"

#include <algorithm>
#include <set>

namespace nnrt {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string &message) {
  throw Error("manifest: " + message);
}

const json &field(const json &object, const char *key,
                  const std::string &where) {
  auto it = object.find(key);
  if (it == object.end())
    fail(where + " has no `" + key + "`");
  return *it;
}

// Reads field `key` as T, or `fallback` when absent.
template <typename T>
T fieldOr(const json &object, const char *key, T fallback,
          const std::string &where) {
  auto it = object.find(key);
  if (it == object.end())
    return fallback;
  try {
    return it->get<T>();
  } catch (const json::exception &) {
    fail(where + ": `" + key + "` has the wrong type");
  }
}

template <typename T>
T fieldAs(const json &object, const char *key, const std::string &where) {
  const json &value = field(object, key, where);
  try {
    return value.get<T>();
  } catch (const json::exception &) {
    fail(where + ": `" + key + "` has the wrong type");
  }
}

const std::set<std::string> kInitFns = {
    "zeros",         "ones",          "constant",       "normal",
    "uniform",       "randn",         "kaiming_normal", "kaiming_uniform",
    "xavier_normal", "xavier_uniform"};

InitSpec parseInit(const json &value, const std::string &where) {
  if (!value.is_object())
    fail(where + ": `init` is not an object");
  InitSpec init;
  init.fn = fieldAs<std::string>(value, "fn", where + " init");
  if (!kInitFns.count(init.fn))
    fail(where + ": unknown initialiser `" + init.fn + "`");
  if (init.fn == "constant")
    init.value = fieldAs<double>(value, "value", where + " init");
  init.mean = fieldOr<double>(value, "mean", 0.0, where);
  init.std = fieldOr<double>(value, "std", 1.0, where);
  // PyTorch's defaults: uniform_(a=0, b=1), kaiming_*(a=0, fan_in,
  // leaky_relu), xavier_*(gain=1).
  init.a = fieldOr<double>(value, "a", 0.0, where);
  init.b = fieldOr<double>(value, "b", 1.0, where);
  init.mode = fieldOr<std::string>(value, "mode", "fan_in", where);
  init.nonlinearity =
      fieldOr<std::string>(value, "nonlinearity", "leaky_relu", where);
  init.gain = fieldOr<double>(value, "gain", 1.0, where);
  if (init.mode != "fan_in" && init.mode != "fan_out")
    fail(where + ": kaiming mode must be `fan_in` or `fan_out`, got `" +
         init.mode + "`");
  return init;
}

TensorSpec parseTensor(const json &value, size_t index) {
  std::string where = "tensor #" + std::to_string(index);
  if (!value.is_object())
    fail(where + " is not an object");
  TensorSpec tensor;
  tensor.name = fieldAs<std::string>(value, "name", where);
  where = "tensor `" + tensor.name + "`";
  tensor.kind = fieldOr<std::string>(value, "kind", "param", where);
  if (tensor.kind != "param" && tensor.kind != "buffer")
    fail(where + ": kind must be `param` or `buffer`, got `" + tensor.kind +
         "`");
  tensor.trainable =
      fieldOr<bool>(value, "trainable", tensor.kind == "param", where);
  tensor.shape = fieldAs<std::vector<int64_t>>(value, "shape", where);
  for (int64_t dim : tensor.shape)
    if (dim < 0)
      fail(where + ": negative dimension in shape " +
           formatShape(tensor.shape));
  tensor.offset = fieldAs<int64_t>(value, "offset", where);
  std::string dtype = fieldOr<std::string>(value, "dtype", "f32", where);
  if (dtype != "f32")
    fail(where + ": dtype `" + dtype + "` is not supported (only f32)");
  tensor.init = parseInit(field(value, "init", where), where);
  return tensor;
}

IoSpec parseIo(const json &value, const std::vector<std::string> &symbols,
               const std::string &what) {
  if (!value.is_object())
    fail(what + " is not an object");
  IoSpec io;
  io.name = fieldAs<std::string>(value, "name", what);
  std::string where = what + " `" + io.name + "`";
  const json &shape = field(value, "shape", where);
  if (!shape.is_array())
    fail(where + ": `shape` is not an array");
  for (const json &dim : shape)
    io.shape.push_back(parseDim(dim, symbols));
  io.dtype = fieldOr<std::string>(value, "dtype", "f32", where);
  if (io.dtype != "f32")
    fail(where + ": dtype `" + io.dtype + "` is not supported (only f32)");
  return io;
}

// Tensors must lie inside the arena, not overlap, and have unique names:
// the arena is carved into views by offset, and files are matched by name.
void checkTensors(const Manifest &m) {
  std::set<std::string> names;
  std::vector<std::pair<int64_t, const TensorSpec *>> byOffset;
  for (const TensorSpec &t : m.tensors) {
    if (!names.insert(t.name).second)
      fail("tensor `" + t.name + "` appears twice");
    if (t.offset < 0 || t.offset + t.numel() > m.arenaElements)
      fail("tensor `" + t.name + "` at offset " + std::to_string(t.offset) +
           " with " + std::to_string(t.numel()) +
           " elements does not fit the arena of " +
           std::to_string(m.arenaElements) + " elements");
    byOffset.emplace_back(t.offset, &t);
  }
  std::sort(byOffset.begin(), byOffset.end());
  for (size_t i = 1; i < byOffset.size(); ++i) {
    const TensorSpec &prev = *byOffset[i - 1].second;
    if (prev.offset + prev.numel() > byOffset[i].first)
      fail("tensors `" + prev.name + "` and `" + byOffset[i].second->name +
           "` overlap in the arena");
  }
}

bool sameDim(const Dim &a, const Dim &b) {
  std::vector<int> x = a.symbols, y = b.symbols;
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  return a.constant == b.constant && x == y;
}

// The target is the output's twin (docs/manifest.md); class targets are
// one-hot rows [B, C], so C must be a number the runtime can size rows by.
void checkTarget(const TrainingSpec &t, const Manifest &m) {
  if (m.outputs.empty())
    fail("training: the model has no output to train");
  const IoSpec &output = m.outputs[0];
  bool same = t.target.shape.size() == output.shape.size();
  for (size_t d = 0; same && d < output.shape.size(); ++d)
    same = sameDim(t.target.shape[d], output.shape[d]);
  if (!same)
    fail("training: target `" + t.target.name + "` has shape " +
         formatDims(t.target.shape) + ", but output `" + output.name +
         "` has shape " + formatDims(output.shape));
  if (t.classTargets &&
      (t.target.shape.size() != 2 || !t.target.shape[1].symbols.empty() ||
       t.target.shape[1].constant < 1))
    fail("training: class targets need a target of shape [B, C] with a "
         "constant C, got " +
         formatDims(t.target.shape));
}

OptimizerConfig parseOptimizerSpec(const json &value) {
  const std::string where = "training.optimizer";
  OptimizerConfig config;
  try {
    config = optimizerFromJson(value, where);
  } catch (const Error &e) {
    fail(e.what());
  }
  try {
    validateOptimizer(config);
  } catch (const Error &e) {
    fail(where + ": " + e.what());
  }
  return config;
}

TrainingSpec parseTraining(const json &value, const Manifest &m) {
  const std::string where = "training";
  if (!value.is_object())
    fail("`training` is not an object");
  TrainingSpec t;
  t.loss = fieldAs<std::string>(value, "loss", where);
  t.lossSource = fieldOr<std::string>(value, "loss_source", "", where);
  t.classTargets = fieldAs<bool>(value, "class_targets", where);
  t.target =
      parseIo(field(value, "target", where), m.symbols, "training target");
  t.optimizer = parseOptimizerSpec(field(value, "optimizer", where));
  t.batch = fieldAs<int64_t>(value, "batch", where);
  t.epochs = fieldAs<int64_t>(value, "epochs", where);
  t.seed = fieldAs<uint64_t>(value, "seed", where);
  t.shuffle = fieldAs<bool>(value, "shuffle", where);
  t.validation = fieldAs<double>(value, "validation", where);
  t.normalize = fieldAs<std::string>(value, "normalize", where);
  if (value.contains("data"))
    t.data = fieldAs<std::string>(value, "data", where);
  if (t.batch < 1)
    fail("training: `batch` must be at least 1, got " +
         std::to_string(t.batch));
  if (t.epochs < 1)
    fail("training: `epochs` must be at least 1, got " +
         std::to_string(t.epochs));
  if (!(t.validation >= 0.0 && t.validation < 1.0))
    fail("training: `validation` must be in [0, 1), got " +
         std::to_string(t.validation));
  if (t.normalize != "none" && t.normalize != "global" &&
      t.normalize != "per_feature")
    fail("training: `normalize` must be none, global or per_feature, got `" +
         t.normalize + "`");
  checkTarget(t, m);
  return t;
}

} // namespace

int64_t TrainingSpec::numClasses() const {
  return classTargets ? target.shape.back().constant : 0;
}

int64_t Dim::evaluate(const std::vector<int64_t> &dims) const {
  // A huge batch (bench --batch) times a constant must not wrap around.
  int64_t value = constant;
  for (int symbol : symbols)
    if (__builtin_mul_overflow(value, dims[symbol], &value))
      throw Error("the dimension `" + text + "` overflows a " +
                  "64-bit size with the symbols bound as given");
  return value;
}

int64_t TensorSpec::numel() const { return shapeNumel(shape); }

const TensorSpec *Manifest::findTensor(const std::string &name) const {
  for (const TensorSpec &tensor : tensors)
    if (tensor.name == name)
      return &tensor;
  return nullptr;
}

int64_t Manifest::parameterCount() const {
  int64_t count = 0;
  for (const TensorSpec &tensor : tensors)
    if (tensor.kind == "param")
      count += tensor.numel();
  return count;
}

int64_t Manifest::trainableCount() const {
  int64_t count = 0;
  for (const TensorSpec &tensor : tensors)
    if (tensor.kind == "param" && tensor.trainable)
      count += tensor.numel();
  return count;
}

// dim := INT | factor ('*' factor)* ; factor := INT | SYMBOL
Dim parseDim(const json &value, const std::vector<std::string> &symbols) {
  Dim dim;
  if (value.is_number_integer()) {
    dim.constant = value.get<int64_t>();
    dim.text = std::to_string(dim.constant);
    if (dim.constant < 0)
      fail("negative dimension " + dim.text);
    return dim;
  }
  if (!value.is_string())
    fail("dimension " + value.dump() + " is neither an integer nor a string");
  dim.text = value.get<std::string>();
  size_t start = 0;
  while (start <= dim.text.size()) {
    size_t end = dim.text.find('*', start);
    if (end == std::string::npos)
      end = dim.text.size();
    std::string factor = dim.text.substr(start, end - start);
    if (factor.empty())
      fail("dimension \"" + dim.text + "\" has an empty factor");
    if (std::all_of(factor.begin(), factor.end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      dim.constant *= std::stoll(factor);
    } else {
      auto it = std::find(symbols.begin(), symbols.end(), factor);
      if (it == symbols.end())
        fail("dimension \"" + dim.text + "\" uses `" + factor +
             "`, which is not in `symbols`");
      dim.symbols.push_back(static_cast<int>(it - symbols.begin()));
    }
    start = end + 1;
  }
  return dim;
}

std::string formatDims(const std::vector<Dim> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i > 0 ? ", " : "") + shape[i].text;
  return text + "]";
}

namespace {

std::vector<HookPointSpec> parseHookPoints(const json &list, const Manifest &m,
                                           const std::string &entry, bool training) {
  const std::string where = "hooks." + entry;
  if (!list.is_array())
    fail("`" + where + "` must be an array");
  std::vector<HookPointSpec> points;
  for (const json &p : list) {
    HookPointSpec point;
    point.module = fieldAs<std::string>(p, "module", where);
    bool known = std::any_of(m.modules.begin(), m.modules.end(),
                             [&](const ModuleSpec &s) { return s.path == point.module; });
    if (!known)
      fail(where + ": module `" + point.module + "` is not in `modules`");
    point.call = fieldAs<int64_t>(p, "call", where);
    if (point.call < 1)
      fail(where + ": `call` must be at least 1");
    std::string kind = fieldAs<std::string>(p, "kind", where);
    if (kind != "forward" && kind != "backward")
      fail(where + ": `kind` must be forward or backward, not `" + kind + "`");
    point.backward = kind == "backward";
    if (point.backward && !training)
      fail(where + ": a backward hook point outside the training step");
    for (const char *side : {"inputs", "outputs"}) {
      for (const json &t : field(p, side, where)) {
        HookTensorSpec tensor;
        tensor.index = fieldAs<int64_t>(t, "index", where);
        if (tensor.index < 0)
          fail(where + ": a tensor `index` must not be negative");
        for (const json &d : field(t, "shape", where))
          tensor.shape.push_back(parseDim(d, m.symbols));
        (std::string(side) == "inputs" ? point.inputs : point.outputs)
            .push_back(std::move(tensor));
      }
    }
    points.push_back(std::move(point));
  }
  return points;
}

HookPoints parseHooks(const json &hooks, const Manifest &m) {
  if (!hooks.is_object())
    fail("`hooks` must be an object");
  HookPoints points;
  if (auto it = hooks.find("forward"); it != hooks.end())
    points.forward = parseHookPoints(*it, m, "forward", false);
  if (auto it = hooks.find("evaluate"); it != hooks.end())
    points.evaluate = parseHookPoints(*it, m, "evaluate", false);
  if (auto it = hooks.find("train_step"); it != hooks.end())
    points.trainStep = parseHookPoints(*it, m, "train_step", true);
  return points;
}

} // namespace

Manifest parseManifest(const std::string &text) {
  Manifest m;
  try {
    m.json = json::parse(text);
  } catch (const json::parse_error &e) {
    fail(std::string("not valid JSON: ") + e.what());
  }
  if (!m.json.is_object())
    fail("not a JSON object");
  m.format = fieldAs<int>(m.json, "format", "the manifest");
  if (m.format != 1)
    fail("format " + std::to_string(m.format) +
         " is not supported (this runtime reads format 1)");
  // Before anything else is read: another ABI may mean other fields too.
  int abi = fieldAs<int>(m.json, "abi", "the manifest");
  if (abi != NNC_MODEL_ABI_VERSION)
    fail("the model was compiled for model ABI " + std::to_string(abi) +
         ", and this runtime implements ABI " +
         std::to_string(NNC_MODEL_ABI_VERSION) +
         "; rebuild it with the nnc that goes with this runtime");
  m.model = fieldOr<std::string>(m.json, "model", "", "the manifest");
  m.source = fieldOr<std::string>(m.json, "source", "", "the manifest");
  m.symbols =
      fieldOr<std::vector<std::string>>(m.json, "symbols", {}, "the manifest");
  for (const json &input : field(m.json, "inputs", "the manifest"))
    m.inputs.push_back(parseIo(input, m.symbols, "input"));
  for (const json &output : field(m.json, "outputs", "the manifest"))
    m.outputs.push_back(parseIo(output, m.symbols, "output"));
  m.arenaElements = fieldAs<int64_t>(m.json, "arena_elements", "the manifest");
  size_t index = 0;
  for (const json &tensor : field(m.json, "tensors", "the manifest"))
    m.tensors.push_back(parseTensor(tensor, index++));
  if (auto it = m.json.find("modules"); it != m.json.end())
    for (const json &module : *it)
      m.modules.push_back({fieldOr<std::string>(module, "path", "", "module"),
                           fieldOr<std::string>(module, "type", "", "module")});
  checkTensors(m);
  if (auto it = m.json.find("training"); it != m.json.end())
    m.training = parseTraining(*it, m);
  if (auto it = m.json.find("hooks"); it != m.json.end())
    m.hooks = parseHooks(*it, m);
  if (auto it = m.json.find("target"); it != m.json.end())
    m.target = TargetSpec{
        fieldAs<std::string>(*it, "cpu", "target"),
        fieldAs<std::vector<std::string>>(*it, "features", "target")};
  return m;
}

namespace {

std::string shapeMismatch(const IoSpec &input,
                          const std::vector<int64_t> &actual) {
  return "input `" + input.name + "`: expected shape " +
         formatDims(input.shape) + ", got " + formatShape(actual) + ": ";
}

// Pass 1 of binding: every dimension that is a lone symbol binds it; a second
// lone occurrence must agree with the first.
void bindLoneSymbols(const std::vector<std::string> &symbols,
                     const IoSpec &input, const std::vector<int64_t> &actual,
                     std::vector<int64_t> &dims,
                     std::vector<std::string> &boundBy) {
  if (actual.size() != input.shape.size())
    throw Error(ErrorKind::Shape, shapeMismatch(input, actual) + "rank " +
                std::to_string(actual.size()) + ", expected " +
                std::to_string(input.shape.size()));
  for (size_t d = 0; d < actual.size(); ++d) {
    if (actual[d] < 0)
      throw Error(ErrorKind::Shape, shapeMismatch(input, actual) + "negative dimension");
    if (!input.shape[d].isSingleSymbol())
      continue;
    int s = input.shape[d].symbols[0];
    if (dims[s] < 0) {
      dims[s] = actual[d];
      boundBy[s] = "input `" + input.name + "` dimension " + std::to_string(d);
    } else if (dims[s] != actual[d]) {
      throw Error(ErrorKind::Shape, shapeMismatch(input, actual) + "dimension " +
                  std::to_string(d) + " is " + std::to_string(actual[d]) +
                  ", but `" + symbols[s] + "` = " + std::to_string(dims[s]) +
                  " from " + boundBy[s]);
    }
  }
}

} // namespace

std::vector<int64_t>
bindSymbols(const Manifest &m,
            const std::vector<std::vector<int64_t>> &inputShapes) {
  return bindSymbols(m.symbols, m.inputs, inputShapes);
}

std::vector<int64_t>
bindSymbols(const std::vector<std::string> &symbols,
            const std::vector<IoSpec> &specs,
            const std::vector<std::vector<int64_t>> &shapes) {
  if (shapes.size() != specs.size())
    throw Error(ErrorKind::Shape, "the model takes " + std::to_string(specs.size()) +
                " input(s), got " + std::to_string(shapes.size()));
  std::vector<int64_t> dims(symbols.size(), -1);
  std::vector<std::string> boundBy(symbols.size());
  for (size_t i = 0; i < specs.size(); ++i)
    bindLoneSymbols(symbols, specs[i], shapes[i], dims, boundBy);
  for (size_t s = 0; s < dims.size(); ++s)
    if (dims[s] < 0)
      throw Error(ErrorKind::Shape, "symbol `" + symbols[s] +
                  "` is not the whole of any input dimension, so the inputs "
                  "cannot bind it");
  // Pass 2: every dimension (products and constants too) must now agree.
  for (size_t i = 0; i < specs.size(); ++i) {
    const IoSpec &input = specs[i];
    for (size_t d = 0; d < input.shape.size(); ++d) {
      int64_t expected = input.shape[d].evaluate(dims);
      if (shapes[i][d] != expected)
        throw Error(ErrorKind::Shape, shapeMismatch(input, shapes[i]) + "dimension " +
                    std::to_string(d) + " is " + std::to_string(shapes[i][d]) +
                    ", expected " + std::to_string(expected));
    }
  }
  return dims;
}

std::vector<int64_t> evaluateShape(const std::vector<Dim> &shape,
                                   const std::vector<int64_t> &dims) {
  std::vector<int64_t> result;
  for (const Dim &dim : shape)
    result.push_back(dim.evaluate(dims));
  return result;
}

} // namespace nnrt
