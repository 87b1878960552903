#include "passes/tensor_literals.h"

#include "core/error.h"
#include "core/tensor.h"

namespace ts2coreml::passes {

namespace {

struct Flattened {
  Shape shape;
  std::vector<double> values;
  bool anyFloat = false;
  bool allBool = true;
};

// Walks nested lists depth-first; every list at one depth must have the same length.
bool flatten(const IValue& data, size_t depth, Flattened& out) {
  if (data.isList() || data.isTuple()) {
    const auto& items = data.items();
    if (out.shape.size() == depth) {
      out.shape.push_back(static_cast<int64_t>(items.size()));
    } else if (out.shape[depth] != static_cast<int64_t>(items.size())) {
      throw Error("torch.tensor(): nested lists have different lengths");
    }
    for (const IValue& item : items) {
      if (!flatten(item, depth + 1, out)) return false;
    }
    return true;
  }
  if (depth != out.shape.size()) throw Error("torch.tensor(): nested lists have different depths");
  if (data.isBool()) {
    out.values.push_back(data.toBool() ? 1.0 : 0.0);
    return true;
  }
  out.allBool = false;
  if (data.isInt()) {
    out.values.push_back(static_cast<double>(data.toInt()));
    return true;
  }
  if (data.isDouble()) {
    out.anyFloat = true;
    out.values.push_back(data.toDouble());
    return true;
  }
  return false;
}

}  // namespace

std::optional<IValue> evaluateTensorLiteral(const std::string& kind,
                                            const std::vector<IValue>& args) {
  if (kind != "aten::tensor" || args.empty()) return std::nullopt;
  Flattened data;
  if (!flatten(args[0], 0, data)) return std::nullopt;
  // torch's inference for literals: bool, else int64, else the default float dtype.
  DType dtype = data.anyFloat ? DType::Float32
                              : (data.allBool && !data.values.empty() ? DType::Bool : DType::Int64);
  if (args.size() > 1 && args[1].isInt()) {
    auto requested = dtypeFromTorchScalarType(args[1].toInt());
    if (!requested) return std::nullopt;
    dtype = *requested;
  }
  Tensor tensor(dtype, data.shape);
  auto* bytes = static_cast<uint8_t*>(tensor.mutableRawData());
  for (size_t i = 0; i < data.values.size(); ++i) {
    storeElement(bytes + i * elementSize(dtype), dtype, data.values[i]);
  }
  return IValue(std::move(tensor));
}

}  // namespace ts2coreml::passes
