#include "passes/inference_facts.h"

#include <unordered_set>

namespace ts2coreml::passes {

namespace {

// Zero-argument queries of the global state that are false at inference time.
const std::unordered_set<std::string>& falseGlobalQueries() {
  static const std::unordered_set<std::string> names{
      "aten::is_grad_enabled", "aten::is_autocast_enabled", "aten::is_autocast_cpu_enabled"};
  return names;
}

std::optional<IValue> reduceBools(const std::vector<IValue>& args, bool wantAll) {
  if (args.size() != 1 || !args[0].isList()) return std::nullopt;
  for (const IValue& item : args[0].items()) {
    bool truth;
    if (item.isBool()) {
      truth = item.toBool();
    } else if (item.isInt()) {
      truth = item.toInt() != 0;
    } else {
      return std::nullopt;
    }
    if (truth != wantAll) return IValue(!wantAll);
  }
  return IValue(wantAll);
}

}  // namespace

std::optional<IValue> evaluateInferenceFact(const std::string& kind,
                                            const std::vector<IValue>& args) {
  if (args.empty() && falseGlobalQueries().count(kind)) return IValue(false);
  if (kind == "aten::any") return reduceBools(args, false);
  if (kind == "aten::all") return reduceBools(args, true);
  if (kind == "aten::device" && args.size() == 1 && args[0].isString()) {
    return IValue(DeviceValue{args[0].toString()});
  }
  if (kind == "prim::type" && args.size() == 1 && args[0].isDevice()) {
    const std::string& name = args[0].toDevice().name;
    return IValue(name.substr(0, name.find(':')));
  }
  return std::nullopt;
}

std::optional<IValue> tensorInferenceFact(const std::string& kind) {
  static const std::unordered_set<std::string> falseQueries{
      "prim::is_nested",   "prim::requires_grad", "prim::is_sparse", "prim::is_sparse_csr",
      "prim::is_mkldnn",   "prim::is_quantized",  "prim::is_meta",   "prim::is_xpu",
      "prim::is_mps",      "prim::is_vulkan",     "prim::is_ipu",    "aten::is_complex",
      "aten::is_inference"};
  if (falseQueries.count(kind)) return IValue(false);
  return std::nullopt;
}

}  // namespace ts2coreml::passes
