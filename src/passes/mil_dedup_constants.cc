// Constants with the same type and value are one constant: later copies are replaced by the
// first one visible at their place (same block earlier, or an enclosing block before the op that
// owns the block). Tensors are compared by bytes; large ones are bucketed by a hash first.
#include <cstring>
#include <unordered_map>

#include "passes/mil_cleanup_steps.h"

namespace ts2coreml::passes::mil {

namespace {

constexpr size_t kInlineKeyBytes = 256;  // smaller tensors put their bytes into the key

uint64_t hashBytes(const uint8_t* data, size_t size) {
  uint64_t hash = 1469598103934665603ull;  // FNV-1a, a word at a time, then the tail bytes
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    hash = (hash ^ word) * 1099511628211ull;
  }
  for (; i < size; ++i) hash = (hash ^ data[i]) * 1099511628211ull;
  return hash;
}

// Key of a constant's value, or empty for values this step does not compare.
std::string valueKey(const ir::Value* value) {
  const IValue& val = value->producer()->attribute("val");
  std::string key = value->type()->str() + '\n';
  if (val.isString()) return key + "s" + val.toString();
  if (!val.isTensor()) return {};
  const Tensor tensor = val.toTensor().contiguous();
  key += std::string(dtypeName(tensor.dtype())) + shapeToString(tensor.shape()) + '\n';
  const auto* bytes = static_cast<const uint8_t*>(tensor.rawData());
  if (tensor.nbytes() <= kInlineKeyBytes) {
    return key + std::string(reinterpret_cast<const char*>(bytes), tensor.nbytes());
  }
  return key + "#" + std::to_string(hashBytes(bytes, tensor.nbytes()));
}

bool sameValue(const ir::Value* a, const ir::Value* b) {
  if (!ir::sameType(a->type(), b->type())) return false;
  const IValue& va = a->producer()->attribute("val");
  const IValue& vb = b->producer()->attribute("val");
  if (va.isString() || vb.isString()) {
    return va.isString() && vb.isString() && va.toString() == vb.toString();
  }
  const Tensor ta = va.toTensor().contiguous();
  const Tensor tb = vb.toTensor().contiguous();
  // An empty tensor may have no data pointer at all, which memcmp must not get (UBSan, found
  // by fuzz_compiler in CI's smoke run).
  return ta.dtype() == tb.dtype() && ta.shape() == tb.shape() &&
         (ta.nbytes() == 0 || std::memcmp(ta.rawData(), tb.rawData(), ta.nbytes()) == 0);
}

using Scope = std::unordered_map<std::string, std::vector<ir::Value*>>;

class Deduplicator {
 public:
  explicit Deduplicator(UseTracker& uses) : uses_(uses) {}

  int run(ir::Block* block) {
    scopes_.emplace_back();
    for (size_t i = 0; i < block->nodes().size(); ++i) {
      ir::Node* node = block->nodes()[i].get();
      if (node->kind() == "mil.const") visitConst(node);
      for (const auto& inner : node->blocks()) run(inner.get());
    }
    scopes_.pop_back();
    return rewrites_;
  }

 private:
  void visitConst(ir::Node* node) {
    if (uses_.isRetired(node) || node->numOutputs() != 1 || !node->hasAttribute("val")) return;
    ir::Value* value = node->output();
    std::string key = valueKey(value);
    if (key.empty()) return;
    if (!uses_.isReturned(value)) {
      for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
        auto found = scope->find(key);
        if (found == scope->end()) continue;
        for (ir::Value* kept : found->second) {
          if (!sameValue(kept, value)) continue;
          uses_.redirect(value, kept);
          uses_.retire(node);
          ++rewrites_;
          return;
        }
      }
    }
    scopes_.back()[key].push_back(value);
  }

  UseTracker& uses_;
  std::vector<Scope> scopes_;
  int rewrites_ = 0;
};

}  // namespace

int deduplicateConstants(ir::Graph& graph, UseTracker& uses) {
  return Deduplicator(uses).run(graph.top());
}

}  // namespace ts2coreml::passes::mil
