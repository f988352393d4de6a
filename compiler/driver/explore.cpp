//===- explore.cpp - `nnc explore`: one HTML page about the user's model ---===//
//
// The command reads and checks everything it was given before the long
// work (the output path, the sweep ranges, the metrics file), then compiles
// the model through the JIT once and runs it for the sections that need
// values. Nothing is written until the page is complete.
//
//===----------------------------------------------------------------------===//
#include "driver/explore.h"
#include "driver/explore_page.h"
#include "driver/explore_runs.h"
#include "driver/model_arena.h"
#include "driver/model_module.h"
#include "driver/paths.h"
#include "sema/sema.h"

#include "nnrt/error.h"
#include "nnrt/byte_source.h"
#include "nnrt/file_write.h"
#include "nnrt/rng.h"
#include "train_setup.h"

#include <charconv>
#include <map>
#include <optional>
#include <sstream>

namespace nnc::driver {
namespace {

using nlohmann::json;

//===--- the module tree --------------------------------------------------===//

bool inside(const std::string &name, const std::string &path) {
  return path.empty() || name.rfind(path + ".", 0) == 0;
}

json moduleNode(const sema::Model &model, size_t &at) {
  const sema::ModuleInfo &m = model.modules[at];
  json node = {{"path", m.path}, {"type", m.type}};
  int64_t params = 0, own = 0;
  json parameters = json::array();
  for (const sema::TensorInfo &t : model.tensors) {
    if (t.isBuffer || !inside(t.name, m.path))
      continue;
    params += t.numel();
    std::string rest = m.path.empty() ? t.name : t.name.substr(m.path.size() + 1);
    if (rest.find('.') == std::string::npos) {
      own += t.numel();
      parameters.push_back({{"name", t.name}, {"shape", t.shape}});
    }
  }
  node["params"] = params;
  node["own_params"] = own;
  node["parameters"] = parameters;
  json children = json::array();
  ++at;
  while (at < model.modules.size() && model.modules[at].depth > m.depth)
    children.push_back(moduleNode(model, at));
  node["children"] = children;
  return node;
}

/// The modules without submodules: the layers whose outputs the
/// initialisation comparison shows.
std::set<std::string> leafModules(const sema::Model &model) {
  std::set<std::string> leaves;
  for (size_t i = 0; i < model.modules.size(); ++i)
    if (i + 1 == model.modules.size() || model.modules[i + 1].depth <= model.modules[i].depth)
      leaves.insert(model.modules[i].path);
  return leaves;
}

//===--- the parameter-count sweep ----------------------------------------===//

struct SweepRange {
  std::string name;
  int64_t from = 0, to = 0;
};

SweepRange parseSweep(const std::string &text) {
  size_t eq = text.find('='), dots = text.find("..");
  auto number = [&](size_t begin, size_t end, int64_t &value) {
    auto [ptr, ec] = std::from_chars(text.data() + begin, text.data() + end, value);
    return ec == std::errc() && ptr == text.data() + end;
  };
  SweepRange r;
  if (eq == std::string::npos || eq == 0 || dots == std::string::npos || dots < eq ||
      !number(eq + 1, dots, r.from) || !number(dots + 2, text.size(), r.to))
    throw nnrt::Error("--sweep takes NAME=A..B with integers A and B, e.g. hidden1=64..1024, not `" +
                      text + "`");
  r.name = text.substr(0, eq);
  if (r.from < 1 || r.to < r.from)
    throw nnrt::Error("--sweep " + text + ": the range needs 1 <= A <= B");
  return r;
}

/// A, 2A, 4A, ... up to B (at most 24 values).
std::vector<int64_t> doublings(int64_t from, int64_t to) {
  std::vector<int64_t> values;
  for (int64_t v = from; v <= to && values.size() < 24; v *= 2) {
    values.push_back(v);
    if (v > INT64_MAX / 2)
      break;
  }
  return values;
}

/// The integer literal an expression is, if it is one (`-4` included).
std::optional<int64_t> intLiteral(const syntax::Expr *e) {
  if (!e)
    return std::nullopt;
  if (e->kind == syntax::ExprKind::Int)
    return e->intValue;
  if (e->kind == syntax::ExprKind::Unary && e->text == "-" && e->operands.size() == 1 &&
      e->operands[0]->kind == syntax::ExprKind::Int)
    return -e->operands[0]->intValue;
  return std::nullopt;
}

/// Elaborates the model with its argument `param` (the index-th of the
/// module's parameters) set to `value`, by editing the `model` declaration
/// of the main file for the time of the call; returns the parameter count,
/// or the first error.
std::variant<int64_t, std::string> countWith(sema::Program &program, SourceManager &sources,
                                             syntax::ModelDecl &decl,
                                             size_t index, const std::string &param,
                                             int64_t value, const std::string &modelName) {
  auto literal = std::make_unique<syntax::Expr>();
  literal->kind = syntax::ExprKind::Int;
  literal->intValue = value;
  size_t positional = 0;
  for (const syntax::Arg &a : decl.args)
    positional += a.name.empty();
  syntax::Arg *slot = nullptr;
  if (index < positional) {
    slot = &decl.args[index];
  } else {
    for (syntax::Arg &a : decl.args)
      if (a.name == param)
        slot = &a;
  }
  bool added = !slot;
  if (added) {
    decl.args.push_back(syntax::Arg{param, {}, nullptr});
    slot = &decl.args.back();
  }
  literal->range = slot->value ? slot->value->range : SourceRange{decl.loc, 0};
  std::swap(slot->value, literal);
  std::ostringstream messages;
  DiagnosticEngine diags(sources, messages);
  std::unique_ptr<sema::Model> model = sema::elaborate(program, modelName, sources, diags);
  std::swap(slot->value, literal);
  if (added)
    decl.args.pop_back();
  if (model)
    return model->countParams(false);
  std::string text = messages.str();
  size_t at = text.find("error: ");
  text = at == std::string::npos ? text : text.substr(at + 7);
  return text.substr(0, text.find('\n'));
}

json sweepSection(sema::Program &program, SourceManager &sources, const sema::Model &model,
                  const std::string &modelFlag,
                  const std::vector<SweepRange> &ranges) {
  const syntax::ModuleDecl &module = *program.modules.at(model.name);
  syntax::FileAst *main = nullptr;
  for (auto &f : program.files)
    if (f.get() == program.main)
      main = f.get();
  syntax::ModelDecl *decl = nullptr;
  for (syntax::ModelDecl &m : main->models)
    if (m.name == model.name && (decl == nullptr || modelFlag.empty()))
      decl = &m;
  bool temporary = !decl;
  if (temporary) {
    main->models.push_back(syntax::ModelDecl{model.name, {}, {}});
    decl = &main->models.back();
  }
  json sweep = json::array();
  for (size_t i = 0; i < module.params.size(); ++i) {
    const syntax::ParamDecl &p = module.params[i];
    if (!p.type || p.type->kind != syntax::TypeExpr::Int)
      continue;
    // The value the model is built with: the declaration's argument, else the default.
    std::optional<int64_t> current;
    size_t positional = 0;
    for (const syntax::Arg &a : decl->args) {
      if (a.name.empty() && positional++ == i)
        current = intLiteral(a.value.get());
      if (a.name == p.name)
        current = intLiteral(a.value.get());
    }
    if (!current)
      current = intLiteral(p.defaultValue.get());
    std::vector<int64_t> values;
    for (const SweepRange &r : ranges)
      if (r.name == p.name)
        values = doublings(r.from, r.to);
    if (values.empty() && current && *current >= 1) {
      for (int k = -2; k <= 2; ++k) {
        int64_t v = k < 0 ? *current >> -k : (*current <= (INT64_MAX >> k) ? *current << k : 0);
        if (v >= 1 && (values.empty() || values.back() != v))
          values.push_back(v);
      }
    }
    if (values.empty())
      continue;
    json params = json::array(), errors = json::object();
    for (int64_t v : values) {
      auto count = countWith(program, sources, *decl, i, p.name, v, modelFlag);
      if (std::holds_alternative<int64_t>(count)) {
        params.push_back(std::get<int64_t>(count));
      } else {
        params.push_back(nullptr);
        errors[std::to_string(v)] = std::get<std::string>(count);
      }
    }
    json entry = {{"argument", p.name}, {"values", values}, {"params", params}};
    entry["default"] = current ? json(*current) : json(nullptr);
    if (!errors.empty())
      entry["errors"] = errors;
    sweep.push_back(entry);
  }
  if (temporary)
    main->models.pop_back();
  for (const SweepRange &r : ranges) {
    bool known = false;
    for (const json &e : sweep)
      known = known || e["argument"] == r.name;
    if (!known)
      throw nnrt::Error("--sweep " + r.name + ": `" + model.name +
                        "` has no integer argument of that name");
  }
  return sweep;
}

//===--- training curves --------------------------------------------------===//

/// A metrics file holds a line per epoch: 64 MiB is millions of epochs, and
/// the cap keeps /dev/zero or a wrong file from filling memory.
constexpr uint64_t kMetricsLimit = uint64_t(64) << 20;

json curvesFromMetrics(const std::string &path) {
  std::unique_ptr<nnrt::ByteSource> source = nnrt::openFile(path);
  std::vector<uint8_t> bytes;
  nnrt::readUpTo(*source, kMetricsLimit, bytes);
  if (nnrt::unexpectedTail(*source))
    throw nnrt::Error(path + ": larger than 64 MiB; not the file of `train --metrics`");
  std::istringstream in(std::string(bytes.begin(), bytes.end()));
  json epochs = json::array();
  std::map<std::string, json> series; // "train loss" -> values
  std::vector<std::string> order;
  int lineNo = 0;
  for (std::string line; std::getline(in, line);) {
    ++lineNo;
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    json record = json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object() || !record.contains("epoch") ||
        !record["epoch"].is_number_integer())
      throw nnrt::Error(path + ":" + std::to_string(lineNo) +
                        ": not a record of `train --metrics` (a JSON object with an `epoch`)");
    size_t index = epochs.size();
    epochs.push_back(record["epoch"]);
    for (auto &[key, value] : record.items()) {
      std::string split = key.substr(0, key.find('_')), metric = key.substr(key.find('_') + 1);
      if ((split != "train" && split != "val" && split != "test") ||
          (metric != "loss" && metric != "acc" && metric != "accuracy") || !value.is_number())
        continue;
      std::string name = (split == "val" ? "validation" : split) + " " +
                         (metric == "loss" ? "loss" : "accuracy");
      if (!series.count(name)) {
        order.push_back(name);
        series[name] = json::array();
      }
      while (series[name].size() < index)
        series[name].push_back(nullptr);
      series[name].push_back(value);
    }
  }
  if (epochs.empty())
    throw nnrt::Error(path + ": no records (the file of `train --metrics LOG.jsonl`)");
  json list = json::array();
  for (const std::string &name : order) {
    while (series[name].size() < epochs.size())
      series[name].push_back(nullptr);
    list.push_back({{"name", name},
                    {"panel", name.substr(name.find(' ') + 1)},
                    {"values", series[name]}});
  }
  return {{"epochs", epochs}, {"series", list}};
}

//===--- data -------------------------------------------------------------===//

/// The shape of one sample of `io` (its dimensions after the batch's), or
/// nothing when one of them is symbolic.
std::optional<std::vector<int64_t>> sampleShape(const nnrt::IoSpec &io) {
  std::vector<int64_t> shape;
  for (size_t d = 1; d < io.shape.size(); ++d) {
    if (!io.shape[d].symbols.empty())
      return std::nullopt;
    shape.push_back(io.shape[d].constant);
  }
  return shape;
}

/// Whether `io`'s first dimension is a batch dimension (a symbol alone).
bool batchFirst(const nnrt::IoSpec &io) {
  return !io.shape.empty() && io.shape[0].isSingleSymbol();
}

/// The samples the forward pass and the initialisation comparison run on:
/// the test split of --data (else of the train block's data) if there is
/// one, else its training split, normalised as in training. Null, with
/// `why`, when there is none.
std::optional<nnrt::Dataset> exploreData(const nnrt::Manifest &m, const std::string &flag,
                                         const nnrt::Preprocessing &pre, std::string &why) {
  if (m.inputs.size() != 1) {
    why = "the model takes " + std::to_string(m.inputs.size()) +
          " inputs; the forward pass of a sample needs a model of one input";
    return std::nullopt;
  }
  if (!batchFirst(m.inputs[0])) {
    why = "the model's input `" + m.inputs[0].name +
          "` does not start with a batch dimension; the explorer runs batches of samples";
    return std::nullopt;
  }
  nnrt::DataSplits splits;
  if (m.training) {
    if (flag.empty() && !m.training->data) {
      why = "pass --data D (the train block names no data) to see the forward pass of a sample";
      return std::nullopt;
    }
    nnrt::cli::DataRequest request;
    request.spec = nnrt::cli::dataSpec(*m.training, flag);
    request.normalize = nnrt::cli::parseNormalize(m.training->normalize);
    request.statistics = pre.normalization;
    splits = nnrt::cli::loadTrainingData(m, request).splits;
  } else {
    if (flag.empty()) {
      why = "pass --data D to see the forward pass of a sample";
      return std::nullopt;
    }
    nnrt::DataOptions options;
    options.sampleShape = sampleShape(m.inputs[0]).value_or(std::vector<int64_t>{});
    splits = nnrt::loadData(flag, options);
    if (pre.normalization) {
      nnrt::applyNormalization(splits.train, *pre.normalization);
      if (splits.test)
        nnrt::applyNormalization(*splits.test, *pre.normalization);
    }
  }
  nnrt::Dataset data = splits.test ? std::move(*splits.test) : std::move(splits.train);
  if (data.size() == 0) {
    why = data.source + ": no samples";
    return std::nullopt;
  }
  return data;
}

/// Standard normal inputs (and labels 0, 1, ... or zero targets) for the
/// initialisation comparison of a model without data.
std::optional<nnrt::Dataset> syntheticData(const nnrt::Manifest &m, int64_t n, uint64_t seed) {
  if (m.inputs.size() != 1 || !batchFirst(m.inputs[0]))
    return std::nullopt;
  nnrt::Dataset data;
  data.source = "standard normal inputs";
  std::optional<std::vector<int64_t>> shape = sampleShape(m.inputs[0]);
  if (!shape)
    return std::nullopt;
  data.sampleShape = *shape;
  nnrt::TensorRng rng(seed, "nnc explore");
  data.inputs.resize(size_t(n * data.sampleNumel()));
  for (size_t i = 0; i < data.inputs.size(); ++i)
    data.inputs[i] = float(rng.normal(i));
  if (m.training && !m.training->classTargets) {
    std::optional<std::vector<int64_t>> target = sampleShape(m.training->target);
    if (!target)
      return std::nullopt;
    data.targetKind = nnrt::TargetKind::Values;
    data.targetShape = *target;
    data.targets.assign(size_t(n * data.targetNumel()), 0.0f);
  } else {
    int64_t classes = m.training ? m.training->numClasses() : 1;
    for (int64_t i = 0; i < n; ++i)
      data.labels.push_back(i % std::max<int64_t>(classes, 1));
  }
  return data;
}

} // namespace

int cmdExplore(const ExploreOptions &o, std::ostream &err) {
  std::optional<nnrt::OutputFile> output, jsonOutput;
  std::vector<SweepRange> ranges;
  json curves;
  try {
    output.emplace(o.output);
    if (!o.json.empty()) {
      jsonOutput.emplace(o.json);
      if (jsonOutput->identity() == output->identity())
        throw nnrt::Error(o.json + ": the same file is given twice, as -o and as --json");
    }
    // No output may overwrite what the command reads.
    std::vector<std::pair<std::string, std::string>> inputs = {{o.input, "source"}};
    if (!o.params.empty())
      inputs.push_back({o.params, "--params"});
    if (!o.metrics.empty())
      inputs.push_back({o.metrics, "--metrics"});
    std::istringstream dataFiles(o.data);
    for (std::string part; std::getline(dataFiles, part, ',');)
      if (!part.empty())
        inputs.push_back({part, "--data"});
    for (const auto &[path, role] : inputs) {
      nnrt::checkNotInput(o.output, path, role);
      if (!o.json.empty())
        nnrt::checkNotInput(o.json, path, role);
    }
    if (o.samples < 1 || o.samples > 64)
      throw nnrt::Error("--samples must be from 1 to 64, got " + std::to_string(o.samples));
    if (o.batch < 1 || o.batch > 65536)
      throw nnrt::Error("--batch must be from 1 to 65536, got " + std::to_string(o.batch));
    for (const std::string &s : o.sweeps)
      ranges.push_back(parseSweep(s));
    if (!o.metrics.empty())
      curves = curvesFromMetrics(o.metrics);
  } catch (const nnrt::Error &e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }

  SourceManager sources;
  DiagnosticEngine diags(sources, err);
  sema::Program program;
  if (!sema::loadProgram(o.input, stdlibDir(), sources, diags, program))
    return 1;
  std::unique_ptr<sema::Model> model = sema::elaborate(program, o.model, sources, diags);
  if (!model)
    return 1;

  json data = {{"model", model->name}, {"source", o.input}, {"generated_by", "nnc explore"}};
  try {
    size_t at = 0;
    data["modules"] = moduleNode(*model, at);
    data["sweep"] = sweepSection(program, sources, *model, o.model, ranges);
    if (!curves.is_null())
      data["curves"] = curves;

    err << "explore: compiling " << model->name << "\n";
    std::string error;
    std::unique_ptr<codegen::Backend> backend = codegen::makeBackend("cpu", "native", error);
    if (!backend)
      throw nnrt::Error(error);
    codegen::ArenaLayout arena = layoutModelArena(*model);
    int status = 0;
    std::unique_ptr<JitModel> jit = jitCompile(*model, arena, *backend, err, status);
    if (!jit)
      return status;
    nnrt::Model compiled(jit->code(), 0);
    nnrt::Preprocessing pre;
    if (o.params.empty())
      compiled.params().initAll(o.seed);
    else
      pre = compiled.params().load(o.params);

    std::string why;
    std::optional<nnrt::Dataset> samples = exploreData(compiled.manifest(), o.data, pre, why);
    if (samples) {
      err << "explore: the forward pass of " << std::min(o.samples, samples->size())
          << " samples of " << samples->source << "\n";
      data["forward"] = forwardSection(compiled, *samples, o.samples);
    } else {
      data["forward_note"] = why;
    }
    std::optional<nnrt::Dataset> batch =
        samples ? std::move(samples) : syntheticData(compiled.manifest(), o.batch, o.seed);
    if (batch) {
      err << "explore: comparing initialisations on " << std::min(o.batch, batch->size())
          << " samples\n";
      data["init"] = initSection(compiled, *batch, o.batch, leafModules(*model), o.seed);
    } else {
      data["init_note"] = "the initialisations are compared on a batch of one input whose "
                          "dimensions are a batch dimension and numbers; this model's inputs "
                          "are not of that kind";
    }
    err << "explore: the activation functions\n";
    data["activations"] = activationSection(*backend);
    std::string page = explorePageHtml(data);
    output->stage({page});
    if (jsonOutput) {
      std::string text = data.dump(1) + "\n";
      jsonOutput->stage({text});
      jsonOutput->commit();
    }
    output->commit();
    err << "explore: wrote " << o.output << " (" << (page.size() + 1023) / 1024 << " KiB)\n";
  } catch (const std::exception &e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

} // namespace nnc::driver
