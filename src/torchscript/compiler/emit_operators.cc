// Operator calls (`torch.X(...)`, `ops.ns.X(...)`): containers whose contents are known are
// handled here; everything else is matched against the schema table, its omitted arguments are
// filled with the schema defaults, and the node is emitted (folding when it can).
#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"
#include "torchscript/compiler/operator_binding.h"

namespace ts2coreml::torchscript {

namespace {

// Ops that only change autograd or autocast state: a converted model runs inference, so they
// have no effect (they appear in the __enter__/__exit__ of `with torch.no_grad():`).
bool isInferenceNoOp(const std::string& name) {
  return name == "aten::set_grad_enabled" || name == "aten::_set_grad_enabled" ||
         name == "aten::set_autocast_enabled";
}

bool isContainer(const SValue& value) {
  return value->kind == SugaredValue::Kind::List || value->kind == SugaredValue::Kind::Tuple ||
         value->kind == SugaredValue::Kind::Dict;
}

}  // namespace

SValue ModuleCompiler::emitOperator(const std::string& name, const CallArguments& args,
                                    Environment* env) {
  const auto& pos = args.positional;
  auto constantInt = [&](size_t i) -> std::optional<int64_t> {
    if (i >= pos.size()) return std::nullopt;
    auto value = constantOf(pos[i]);
    if (value && value->isInt()) return value->toInt();
    return std::nullopt;
  };
  if (isInferenceNoOp(name)) return SugaredValue::ofValue(emitter_.constant(IValue()));

  // Containers whose elements the compiler tracks one by one.
  if (!pos.empty() && isContainer(pos[0])) {
    const SValue& container = pos[0];
    if (name == "aten::append" && container->kind == SugaredValue::Kind::List && pos.size() == 2) {
      if (dynamicDepth_ > container->createdAtDepth) {
        throw Error(
            emitter_.location().describe() +
            ": appending to a list inside data-dependent control flow is not supported yet");
      }
      container->items.push_back(pos[1]);
      return SugaredValue::ofValue(emitter_.constant(IValue()));
    }
    if (name == "aten::len") {
      size_t size = container->kind == SugaredValue::Kind::Dict ? container->entries.size()
                                                                : container->items.size();
      return SugaredValue::ofValue(emitter_.constant(IValue(static_cast<int64_t>(size))));
    }
    if ((name == "aten::__getitem__" || name == "prim::TupleIndex") &&
        container->kind != SugaredValue::Kind::Dict) {
      if (auto index = constantInt(1)) {
        int64_t n = static_cast<int64_t>(container->items.size());
        int64_t i = *index < 0 ? *index + n : *index;
        if (i < 0 || i >= n)
          throw Error(emitter_.location().describe() + ": index " + std::to_string(*index) +
                      " out of range");
        return container->items[static_cast<size_t>(i)];
      }
    }
    if (container->kind == SugaredValue::Kind::Dict && pos.size() >= 2) {
      auto key = constantOf(pos[1]);
      if (key && (name == "aten::__getitem__" || name == "aten::_set_item" ||
                  name == "aten::__contains__")) {
        for (auto& entry : container->entries) {
          if (entry.first == *key) {
            if (name == "aten::_set_item") {
              entry.second = pos.at(2);
              return SugaredValue::ofValue(emitter_.constant(IValue()));
            }
            if (name == "aten::__contains__")
              return SugaredValue::ofValue(emitter_.constant(IValue(true)));
            return entry.second;
          }
        }
        if (name == "aten::_set_item") {
          if (dynamicDepth_ > container->createdAtDepth) {
            throw Error(
                emitter_.location().describe() +
                ": adding a dict key inside data-dependent control flow is not supported yet");
          }
          container->entries.emplace_back(*key, pos.at(2));
          return SugaredValue::ofValue(emitter_.constant(IValue()));
        }
        if (name == "aten::__contains__")
          return SugaredValue::ofValue(emitter_.constant(IValue(false)));
        throw Error(emitter_.location().describe() + ": key " + key->repr() +
                    " is not in the dict");
      }
    }
    if (container->kind == SugaredValue::Kind::Dict && pos.size() == 1) {
      if (name == "aten::keys" || name == "aten::values" || name == "aten::items") {
        std::vector<SValue> items;
        for (const auto& [key, value] : container->entries) {
          SValue keyValue = SugaredValue::ofValue(emitter_.constant(key));
          if (name == "aten::keys")
            items.push_back(keyValue);
          else if (name == "aten::values")
            items.push_back(value);
          else
            items.push_back(SugaredValue::ofTuple({keyValue, value}));
        }
        return SugaredValue::ofList(std::move(items));
      }
    }
  }

  // Everything else goes through the schema table.
  std::vector<ir::Value*> values;
  for (const SValue& arg : pos) values.push_back(materialize(arg));
  std::vector<std::pair<std::string, ir::Value*>> keywords;
  for (const auto& [keyword, arg] : args.keywords) keywords.emplace_back(keyword, materialize(arg));
  BoundOperator bound = bindOperator(name, values, keywords, archive_.version(), emitter_);

  // In-place ops on tensors have value semantics here: the result replaces the mutated tensor for
  // every name bound to it.
  std::vector<ir::Value*> outputs = emitter_.emit(bound.kind, bound.inputs, bound.outputTypes);
  if (bound.inPlace && env && !outputs.empty())
    env->rebindValue(bound.inputs[0], SugaredValue::ofValue(outputs[0]));
  if (outputs.size() == 1) return SugaredValue::ofValue(outputs[0]);
  std::vector<SValue> items;
  for (ir::Value* output : outputs) items.push_back(SugaredValue::ofValue(output));
  return SugaredValue::ofTuple(std::move(items));
}

}  // namespace ts2coreml::torchscript
