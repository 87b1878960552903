// The graph's outputs: what forward() returns, flattened into tensors and numbers with a name for
// each. Tuples and lists flatten in order; a dict gives one output per entry named by its key.
// Names: a model that returns tuples only keeps the flat numbering of earlier versions ("output",
// or "output_0", "output_1", ... over the flattened items); once a dict is part of what is
// returned, every name is the path to its value: keys and item indices joined by '_'
// ("logits", "past_key_values_0_1", "output_1_hidden" under a top-level tuple). None values are
// left out with a warning.
#include <set>

#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

namespace {

// Deeper than any model output we know of; the limit keeps a hostile archive off the stack.
constexpr int kMaxOutputNesting = 32;

// A dict key as a part of a Core ML feature name: letters, digits and '_' kept, others '_'.
std::string keyComponent(const IValue& key) {
  std::string text = key.isString() ? key.toString() : key.repr();
  for (char& c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  return text.empty() ? "_" : text;
}

std::string joinPath(const std::vector<std::string>& path) {
  std::string name;
  for (const std::string& part : path) name += (name.empty() ? "" : "_") + part;
  return name;
}

}  // namespace

void ModuleCompiler::collectOutputs(const SValue& value, std::vector<std::string>& path,
                                    std::vector<OutputLeaf>& leaves, bool& sawDict) {
  if (path.size() > static_cast<size_t>(kMaxOutputNesting)) {
    throw Error("forward() returns values nested deeper than " + std::to_string(kMaxOutputNesting) +
                " levels");
  }
  auto recurseItems = [&](const std::vector<SValue>& items) {
    for (size_t i = 0; i < items.size(); ++i) {
      path.push_back(std::to_string(i));
      collectOutputs(items[i], path, leaves, sawDict);
      path.pop_back();
    }
  };
  auto ofValues = [](const auto& values) {
    std::vector<SValue> items;
    for (auto* item : values) items.push_back(SugaredValue::ofValue(item));
    return items;
  };
  switch (value->kind) {
    case SugaredValue::Kind::Tuple:
    case SugaredValue::Kind::List:
      recurseItems(value->items);
      return;
    case SugaredValue::Kind::Dict:
      sawDict = true;
      for (const auto& [key, item] : value->entries) {
        path.push_back(keyComponent(key));
        collectOutputs(item, path, leaves, sawDict);
        path.pop_back();
      }
      return;
    case SugaredValue::Kind::Value:
      break;
    default:
      leaves.push_back({path, materialize(value)});  // throws for what cannot be a value
      return;
  }
  ir::Value* ir = value->value;
  if (auto constant = GraphEmitter::constantValue(ir);
      constant && (constant->isTuple() || constant->isList()) && !ir->type()->isTensor()) {
    std::vector<ir::Value*> items;
    for (const IValue& item : constant->items()) items.push_back(emitter_.constant(item));
    recurseItems(ofValues(items));
    return;
  }
  const ir::Node* producer = ir->producer();
  switch (ir->type()->kind()) {
    case ir::TypeKind::None:
      warn("forward() returns None at " + (path.empty() ? "the top" : joinPath(path)) +
           "; it is left out of the model's outputs");
      return;
    case ir::TypeKind::Tuple:
      if (producer && producer->kind() == "prim::TupleConstruct") {
        recurseItems(ofValues(producer->inputs()));
      } else {
        // A tuple made by control flow: its items, one by one.
        recurseItems(ofValues(emitter_.emit("prim::TupleUnpack", {ir}, ir->type()->elements())));
      }
      return;
    case ir::TypeKind::List:
      if (producer && producer->kind() == "prim::ListConstruct") {
        recurseItems(ofValues(producer->inputs()));
        return;
      }
      break;
    default:
      break;
  }
  leaves.push_back({path, ir});
}

std::vector<std::string> ModuleCompiler::emitGraphOutputs(const SValue& output) {
  std::vector<std::string> path;
  std::vector<OutputLeaf> leaves;
  bool sawDict = false;
  collectOutputs(output, path, leaves, sawDict);
  if (leaves.empty()) throw Error("forward() returns None; nothing to convert");
  std::vector<std::string> names;
  std::set<std::string> taken;
  for (size_t i = 0; i < leaves.size(); ++i) {
    std::string name;
    if (!sawDict) {
      name = leaves.size() == 1 ? "output" : "output_" + std::to_string(i);
    } else {
      // A top-level dict names its entries by key alone; anything else is under "output".
      const bool topIsDict = output->kind == SugaredValue::Kind::Dict;
      name = joinPath(leaves[i].path);
      if (!topIsDict || name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
        name = name.empty() ? "output" : "output_" + name;
    }
    // Two keys that differ only in characters a feature name cannot hold.
    std::string unique = name;
    for (int n = 2; taken.count(unique); ++n) unique = name + "_" + std::to_string(n);
    taken.insert(unique);
    names.push_back(unique);
    checkNotStale(leaves[i].value);
    emitter_.graph().top()->addReturn(leaves[i].value);
  }
  return names;
}

}  // namespace ts2coreml::torchscript
