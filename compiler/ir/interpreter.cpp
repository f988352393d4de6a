//===- interpreter.cpp - A reference evaluator of the graph IR ------------===//
//
// Each op is computed the textbook way over double-precision buffers:
// elementwise ops walk the output index space and map it to each operand's
// (broadcast) index and apply the op's reference scalar function
// (scalar_reference.h); matmul is the triple loop; reductions combine into
// the reduced index with theirs.
//
//===----------------------------------------------------------------------===//
#include "ir/interpreter.h"
#include "ir/scalar_reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nnc::ir {
namespace {

std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;)
    s[i - 1] = s[i] * shape[i];
  return s;
}

/// The flat index into a tensor of shape `from` broadcast to `to`, for the
/// multi-index `idx` of `to`.
int64_t broadcastIndex(const std::vector<int64_t> &idx,
                       const std::vector<int64_t> &from,
                       const std::vector<int64_t> &to) {
  std::vector<int64_t> s = stridesOf(from);
  size_t offset = to.size() - from.size();
  int64_t flat = 0;
  for (size_t j = 0; j < from.size(); ++j)
    if (from[j] != 1)
      flat += idx[offset + j] * s[j];
  return flat;
}

/// Calls fn(multi-index, flat index) for every element of `shape`.
template <typename Fn> void forEach(const std::vector<int64_t> &shape, Fn fn) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  std::vector<int64_t> idx(shape.size(), 0);
  for (int64_t flat = 0; flat < n; ++flat) {
    fn(idx, flat);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
}

class Interpreter {
public:
  Interpreter(const std::map<std::string, int64_t> &symbols,
              const std::map<std::string, HostTensor> &leaves)
      : symbols_(symbols), leaves_(leaves) {}

  HostTensor eval(const Node &n) {
    std::vector<int64_t> shape = concreteShape(n.shape, symbols_);
    switch (opInfo(n.op).lowering) {
    case Lowering::Leaf:
      return leaf(n, shape);
    case Lowering::Elementwise:
      return elementwise(n, shape);
    case Lowering::Matmul:
      return matmul(n, shape);
    case Lowering::Reduce:
      return reduce(n, shape);
    case Lowering::View: {
      HostTensor t = values_.at(n.operands[0]);
      t.shape = shape;
      return t;
    }
    case Lowering::Permute:
      return transpose(n, shape);
    case Lowering::Boundary:
      return values_.at(n.operands[0]);
    }
    throw std::logic_error("unknown lowering");
  }

  std::map<const Node *, HostTensor> values_;

private:
  HostTensor leaf(const Node &n, const std::vector<int64_t> &shape) {
    if (n.op == OpKind::Const)
      return HostTensor{{}, {n.attrs.value}};
    auto it = leaves_.find(n.attrs.name);
    if (it == leaves_.end())
      throw std::runtime_error("no value for `" + n.attrs.name + "`");
    if (it->second.shape != shape)
      throw std::runtime_error("`" + n.attrs.name + "` has the wrong shape");
    return it->second;
  }

  HostTensor elementwise(const Node &n, const std::vector<int64_t> &shape) {
    HostTensor out = HostTensor::zeros(shape);
    std::vector<const HostTensor *> in;
    for (const Node *o : n.operands)
      in.push_back(&values_.at(o));
    std::vector<double> args(in.size());
    forEach(shape, [&](const std::vector<int64_t> &idx, int64_t flat) {
      for (size_t k = 0; k < in.size(); ++k)
        args[k] = in[k]->data[broadcastIndex(idx, in[k]->shape, shape)];
      out.data[flat] = evalScalar(n.op, args);
    });
    return out;
  }

  HostTensor matmul(const Node &n, const std::vector<int64_t> &shape) {
    const HostTensor &a = values_.at(n.operands[0]), &b = values_.at(n.operands[1]);
    int64_t M = shape[0], N = shape[1], K = a.shape[1];
    HostTensor out = HostTensor::zeros(shape);
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double acc = 0;
        for (int64_t k = 0; k < K; ++k)
          acc += a.data[i * K + k] * b.data[k * N + j];
        out.data[i * N + j] = acc;
      }
    return out;
  }

  HostTensor reduce(const Node &n, const std::vector<int64_t> &shape) {
    const HostTensor &in = values_.at(n.operands[0]);
    const ReductionInfo &r = *reductionInfo(n.op);
    HostTensor out = HostTensor::zeros(shape);
    std::fill(out.data.begin(), out.data.end(), r.identity);
    // The keepdim shape of the result, to index it from the input's index.
    std::vector<int64_t> kept = in.shape;
    for (int64_t axis : n.attrs.axes)
      kept[axis] = 1;
    forEach(in.shape, [&](const std::vector<int64_t> &idx, int64_t flat) {
      int64_t o = broadcastIndex(idx, kept, in.shape);
      double pair[2] = {out.data[o], in.data[flat]};
      out.data[o] = evalScalar(r.combiner, pair);
    });
    if (r.finalize == ReductionInfo::DivideByCount) {
      double count = 1;
      for (int64_t axis : n.attrs.axes)
        count *= static_cast<double>(in.shape[axis]);
      for (double &v : out.data)
        v /= count;
    }
    return out;
  }

  HostTensor transpose(const Node &n, const std::vector<int64_t> &shape) {
    const HostTensor &in = values_.at(n.operands[0]);
    std::vector<int64_t> s = stridesOf(in.shape);
    HostTensor out = HostTensor::zeros(shape);
    forEach(shape, [&](const std::vector<int64_t> &idx, int64_t flat) {
      int64_t src = 0;
      for (size_t d = 0; d < idx.size(); ++d)
        src += idx[d] * s[n.attrs.axes[d]];
      out.data[flat] = in.data[src];
    });
    return out;
  }

  const std::map<std::string, int64_t> &symbols_;
  const std::map<std::string, HostTensor> &leaves_;
};

} // namespace

HostTensor HostTensor::zeros(std::vector<int64_t> shape) {
  HostTensor t;
  t.shape = std::move(shape);
  t.data.assign(static_cast<size_t>(t.numel()), 0.0);
  return t;
}

int64_t HostTensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::vector<int64_t> concreteShape(const Shape &shape,
                                   const std::map<std::string, int64_t> &symbols) {
  std::vector<int64_t> out;
  for (const Dim &d : shape) {
    std::optional<int64_t> v = d.evaluate([&](const std::string &s) {
      auto it = symbols.find(s);
      if (it == symbols.end())
        throw std::runtime_error("no value for the symbol `" + s + "`");
      return it->second;
    });
    if (!v)
      throw std::runtime_error("dimension " + d.str() + " overflows int64");
    out.push_back(*v);
  }
  return out;
}

std::vector<HostTensor> interpret(const Graph &graph,
                                  const std::map<std::string, int64_t> &symbols,
                                  const std::map<std::string, HostTensor> &leaves) {
  Interpreter interp(symbols, leaves);
  for (const auto &node : graph.nodes())
    interp.values_[node.get()] = interp.eval(*node);
  std::vector<HostTensor> outputs;
  for (const Node *o : graph.outputs())
    outputs.push_back(interp.values_.at(o));
  return outputs;
}

} // namespace nnc::ir
