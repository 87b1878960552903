// chunk / split / split_with_sizes / unbind (and the unsafe_ variants traced cells record, the same
// ops without aliasing checks) of a tensor whose shape is known: the pieces are
// slices (select for unbind), and the result is a list the compiler tracks item by item, so
// `a, b, = torch.chunk(x, 2, 1)` needs no list op in Core ML.
#include <algorithm>

#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

std::optional<SValue> ModuleCompiler::emitStaticSplit(const std::string& name,
                                                      const CallArguments& args) {
  static const char* const kinds[] = {
      "aten::chunk",        "aten::split",        "aten::split_with_sizes",       "aten::unbind",
      "aten::unsafe_chunk", "aten::unsafe_split", "aten::unsafe_split_with_sizes"};
  if (std::find(std::begin(kinds), std::end(kinds), name) == std::end(kinds)) return std::nullopt;
  const auto& pos = args.positional;
  if (pos.empty() || !pos[0]->isValue() || !pos[0]->value->type()->isTensor() ||
      !args.keywords.empty())
    return std::nullopt;
  const auto& shape = pos[0]->value->type()->shape();
  if (!shape) return std::nullopt;
  auto constantArg = [&](size_t i, IValue fallback) -> std::optional<IValue> {
    if (i >= pos.size()) return fallback;
    return constantOf(pos[i]);
  };
  bool unbind = name == "aten::unbind";
  auto dimValue = constantArg(unbind ? 1 : 2, IValue(int64_t{0}));
  if (!dimValue || !dimValue->isInt()) return std::nullopt;
  int64_t rank = static_cast<int64_t>(shape->size());
  int64_t dim = dimValue->toInt() < 0 ? dimValue->toInt() + rank : dimValue->toInt();
  if (dim < 0 || dim >= rank || (*shape)[static_cast<size_t>(dim)] < 0) return std::nullopt;
  int64_t size = (*shape)[static_cast<size_t>(dim)];

  auto constant = [&](IValue v) { return SugaredValue::ofValue(emitter_.constant(std::move(v))); };
  std::vector<SValue> pieces;
  if (unbind) {
    for (int64_t i = 0; i < size; ++i) {
      pieces.push_back(emitOperator(
          "aten::select", CallArguments{{pos[0], constant(IValue(dim)), constant(IValue(i))}, {}},
          nullptr));
    }
  } else {
    std::vector<int64_t> sizes;
    auto given = constantArg(1, IValue());
    if (!given) return std::nullopt;
    if (name == "aten::chunk" || name == "aten::unsafe_chunk") {
      if (!given->isInt() || given->toInt() <= 0) return std::nullopt;
      int64_t each = (size + given->toInt() - 1) / given->toInt();  // torch's chunk size
      for (int64_t at = 0; at < size; at += each) sizes.push_back(std::min(each, size - at));
    } else if (given->isInt() && given->toInt() > 0) {
      for (int64_t at = 0; at < size; at += given->toInt())
        sizes.push_back(std::min(given->toInt(), size - at));
    } else if (given->isList()) {
      for (const IValue& s : given->items()) {
        if (!s.isInt()) return std::nullopt;
        sizes.push_back(s.toInt());
      }
    } else {
      return std::nullopt;
    }
    int64_t at = 0;
    for (int64_t piece : sizes) {
      pieces.push_back(
          emitOperator("aten::slice",
                       CallArguments{{pos[0], constant(IValue(dim)), constant(IValue(at)),
                                      constant(IValue(at + piece)), constant(IValue(int64_t{1}))},
                                     {}},
                       nullptr));
      at += piece;
    }
    if (at != size) {
      emitter_.fail("split sizes add up to " + std::to_string(at) + ", not the dimension's " +
                    std::to_string(size));
    }
  }
  SValue list = SugaredValue::ofList(std::move(pieces), pos[0]->value->type());
  list->createdAtDepth = dynamicDepth_;
  return list;
}

}  // namespace ts2coreml::torchscript
