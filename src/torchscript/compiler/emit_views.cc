// Writes through views. TorchScript prints `x[:, 0] = y` as `torch.copy_(torch.select(x, 1, 0),
// y)` and `x[1:3] += 1` as an in-place add on a slice: both mutate the base tensor. Core ML has no
// aliasing, so the base becomes a new value: the pieces before and after the written region,
// concatenated with the new region along the sliced axis. Only select/slice with constant bounds
// and step 1 are supported; other writes through views are reported.
#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

namespace {

std::optional<int64_t> intConstant(ir::Value* value) {
  auto constant = GraphEmitter::constantValue(value);
  if (constant && constant->isInt()) return constant->toInt();
  return std::nullopt;
}

}  // namespace

ir::Value* ModuleCompiler::copiedRegion(ir::Value* view, ir::Value* source) {
  auto op = [&](const std::string& kind, std::vector<SValue> operands) {
    return materialize(emitOperator(kind, CallArguments{std::move(operands), {}}, nullptr));
  };
  // zeros_like(view) + source broadcasts source to the view's shape.
  ir::Value* zeros = op("aten::zeros_like", {SugaredValue::ofValue(view)});
  ir::Value* region =
      op("aten::add", {SugaredValue::ofValue(zeros), SugaredValue::ofValue(source)});
  auto viewDType = view->type()->dtype();
  if (viewDType && region->type()->dtype() != viewDType) {
    region = op("aten::to",
                {SugaredValue::ofValue(region),
                 SugaredValue::ofValue(emitter_.constant(IValue(torchScalarType(*viewDType))))});
  }
  return region;
}

void ModuleCompiler::writeThroughView(ir::Value* target, ir::Value* value, Environment& env) {
  env.rebindValue(target, SugaredValue::ofValue(value));
  auto it = views_.find(target);
  if (it == views_.end()) {
    // A view the base is not rebuilt from (view, reshape, transpose, ...): the base is stale.
    for (const ir::Value* base = target; aliasOf_.count(base) && aliasOf_.at(base) != base;) {
      base = aliasOf_.at(base);
      staleValues_.emplace(base, "the in-place op at " + emitter_.location().describe());
    }
    return;
  }
  const ViewOf view = it->second;
  ir::Value* base = view.inputs[0];
  const auto& shape = base->type()->shape();
  auto dim = intConstant(view.inputs[1]);
  if (!shape || !dim) {
    emitter_.fail("writing into a view of a tensor whose shape is unknown is not supported");
  }
  int64_t rank = static_cast<int64_t>(shape->size());
  int64_t axis = *dim < 0 ? *dim + rank : *dim;
  // Found by fuzz_compiler: an out-of-range dim read past the shape.
  if (axis < 0 || axis >= rank) {
    emitter_.fail("dimension " + std::to_string(*dim) + " is out of range for a tensor of rank " +
                  std::to_string(rank));
  }
  int64_t size = (*shape)[static_cast<size_t>(axis)];
  int64_t begin = 0, end = 0;
  ir::Value* region = value;
  auto constant = [&](IValue v) { return SugaredValue::ofValue(emitter_.constant(std::move(v))); };
  auto op = [&](const std::string& kind, std::vector<SValue> operands) {
    return emitOperator(kind, CallArguments{std::move(operands), {}}, nullptr);
  };
  if (view.kind == "aten::select") {
    auto index = intConstant(view.inputs[2]);
    if (!index || size < 0) {
      emitter_.fail("writing into x[i] with an index known only at run time is not supported yet");
    }
    begin = *index < 0 ? *index + size : *index;
    if (begin < 0 || begin >= size) {
      emitter_.fail("index " + std::to_string(*index) +
                    " is out of range for a dimension of size " + std::to_string(size));
    }
    end = begin + 1;
    region =
        materialize(op("aten::unsqueeze", {SugaredValue::ofValue(value), constant(IValue(axis))}));
  } else {
    auto bound = [&](size_t i, int64_t fallback) -> std::optional<int64_t> {
      auto given = GraphEmitter::constantValue(view.inputs[i]);
      if (!given) return std::nullopt;
      if (given->isNone()) return fallback;
      if (!given->isInt()) return std::nullopt;
      int64_t k = given->toInt();
      return std::clamp<int64_t>(k < 0 ? k + size : k, 0, size);
    };
    auto first = bound(2, 0), last = bound(3, size), step = intConstant(view.inputs[4]);
    if (!first || !last || !step || *step != 1 || size < 0) {
      emitter_.fail("writing into a slice needs constant bounds and step 1 (not supported yet)");
    }
    begin = *first;
    end = std::max(*first, *last);
  }
  std::vector<SValue> pieces;
  SValue baseValue = SugaredValue::ofValue(base);
  if (begin > 0)
    pieces.push_back(
        op("aten::slice", {baseValue, constant(IValue(axis)), constant(IValue(int64_t{0})),
                           constant(IValue(begin)), constant(IValue(int64_t{1}))}));
  pieces.push_back(SugaredValue::ofValue(region));
  if (end < size)
    pieces.push_back(op("aten::slice", {baseValue, constant(IValue(axis)), constant(IValue(end)),
                                        constant(IValue(size)), constant(IValue(int64_t{1}))}));
  ir::Value* rebuilt =
      pieces.size() == 1
          ? region
          : materialize(op("aten::cat", {SugaredValue::ofList(pieces), constant(IValue(axis))}));
  writeThroughView(base, rebuilt, env);
}

}  // namespace ts2coreml::torchscript
