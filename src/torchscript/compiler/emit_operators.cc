// Operator calls (`torch.X(...)`, `ops.ns.X(...)`): containers whose contents are known are
// handled here; everything else is matched against the schema table, its omitted arguments are
// filled with the schema defaults, and the node is emitted (folding when it can).
#include <algorithm>

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

std::optional<std::vector<SValue>> ModuleCompiler::sliceItems(const std::vector<SValue>& items,
                                                              const CallArguments& args) {
  // slice.t(list, start=None, end=None, step=1) with Python's clamping of start and end.
  const auto& pos = args.positional;
  std::optional<int64_t> bounds[3];
  for (size_t i = 1; i < pos.size() && i <= 3; ++i) {
    auto value = constantOf(pos[i]);
    if (!value) return std::nullopt;
    if (value->isInt()) {
      bounds[i - 1] = value->toInt();
    } else if (!value->isNone()) {
      return std::nullopt;
    }
  }
  int64_t n = static_cast<int64_t>(items.size());
  int64_t step = bounds[2].value_or(1);
  if (step != 1) return std::nullopt;
  auto clampIndex = [n](int64_t k) { return std::clamp<int64_t>(k < 0 ? k + n : k, 0, n); };
  int64_t start = bounds[0] ? clampIndex(*bounds[0]) : 0;
  int64_t end = bounds[1] ? clampIndex(*bounds[1]) : n;
  if (end <= start) return std::vector<SValue>{};
  return std::vector<SValue>(items.begin() + start, items.begin() + end);
}

std::optional<SValue> ModuleCompiler::emitListMutation(const std::string& name, const SValue& list,
                                                       const CallArguments& args) {
  const auto& pos = args.positional;
  auto index = [&](size_t i, size_t size, bool allowEnd) -> std::optional<size_t> {
    if (i >= pos.size()) return std::nullopt;
    auto value = constantOf(pos[i]);
    if (!value || !value->isInt()) return std::nullopt;
    int64_t n = static_cast<int64_t>(size), k = value->toInt();
    if (k < 0) k += n;
    if (allowEnd) k = std::clamp<int64_t>(k, 0, n);  // list.insert clamps like Python
    if (k < 0 || k >= n + (allowEnd ? 1 : 0)) emitter_.fail("list index out of range");
    return static_cast<size_t>(k);
  };
  auto none = [&] { return SugaredValue::ofValue(emitter_.constant(IValue())); };
  if (!list->attribute.empty()) {
    const bool storesSecond = name == "aten::append" || name == "aten::extend";
    const bool storesThird = name == "aten::_set_item" || name == "aten::insert";
    if (storesSecond || storesThird || name == "aten::pop" || name == "aten::clear") {
      const size_t at = storesSecond ? 1 : 2;
      checkAttributeContainerWrite(
          list, (storesSecond || storesThird) && at < pos.size() ? pos[at] : nullptr, name);
    }
  }
  std::vector<SValue>& items = list->items;
  if (name == "aten::append" && pos.size() == 2) {
    noteListChange(list);
    items.push_back(pos[1]);
    return none();
  }
  if (name == "aten::_set_item" && pos.size() == 3) {
    auto at = index(1, items.size(), false);
    if (!at) return std::nullopt;
    noteListChange(list);
    items[*at] = pos[2];
    return none();
  }
  if (name == "aten::insert" && pos.size() == 3) {
    auto at = index(1, items.size(), true);
    if (!at) return std::nullopt;
    noteListChange(list);
    items.insert(items.begin() + static_cast<std::ptrdiff_t>(*at), pos[2]);
    return none();
  }
  if (name == "aten::pop" && !items.empty() && pos.size() <= 2) {
    size_t at = items.size() - 1;
    if (pos.size() == 2) {
      auto given = index(1, items.size(), false);
      if (!given) return std::nullopt;
      at = *given;
    }
    noteListChange(list);
    SValue popped = items[at];
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(at));
    return popped;
  }
  if (name == "aten::extend" && pos.size() == 2 && pos[1]->kind == SugaredValue::Kind::List) {
    noteListChange(list);
    std::vector<SValue> added = pos[1]->items;  // copy first: l.extend(l) doubles l
    items.insert(items.end(), added.begin(), added.end());
    return none();
  }
  if (name == "aten::clear" && pos.size() == 1) {
    noteListChange(list);
    items.clear();
    return none();
  }
  return std::nullopt;
}

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

  // x.size() of a tensor whose rank is known: a list of its dimensions one by one (constants
  // where the shape knows them), so `h, w = x.size()[-2:]` unpacks at compile time even when a
  // dimension is only known at run time.
  if (name == "aten::size" && pos.size() == 1 && args.keywords.empty() &&
      pos[0]->kind == SugaredValue::Kind::Value && pos[0]->value->type()->isTensor() &&
      pos[0]->value->type()->shape()) {
    std::vector<SValue> dims;
    const size_t rank = pos[0]->value->type()->shape()->size();
    for (size_t i = 0; i < rank; ++i) {
      dims.push_back(emitOperator(
          "aten::size",
          CallArguments{
              {pos[0], SugaredValue::ofValue(emitter_.constant(IValue(static_cast<int64_t>(i))))},
              {}},
          nullptr));
    }
    SValue list = SugaredValue::ofList(std::move(dims), ir::Type::intType());
    list->createdAtDepth = dynamicDepth_;
    return list;
  }

  // `x is None` on a value whose None-ness the data decides: its presence flag.
  if ((name == "aten::__is__" || name == "aten::__isnot__") && pos.size() == 2) {
    for (int side = 0; side < 2; ++side) {
      const SValue& maybe = pos[side];
      auto other = constantOf(pos[1 - side]);
      if (maybe->kind != SugaredValue::Kind::MaybeNone || !other || !other->isNone()) continue;
      if (name == "aten::__isnot__") return SugaredValue::ofValue(maybe->present);
      return emitOperator("aten::__not__",
                          CallArguments{{SugaredValue::ofValue(maybe->present)}, {}}, nullptr);
    }
  }
  // `hx is None` on a container or object the compiler holds (an Optional[Tuple[...]] argument
  // that was given, as nn.LSTMCell's hx): never None.
  if ((name == "aten::__is__" || name == "aten::__isnot__") && pos.size() == 2) {
    auto neverNone = [](const SValue& v) {
      using K = SugaredValue::Kind;
      return v->kind == K::List || v->kind == K::Tuple || v->kind == K::Dict ||
             v->kind == K::Module || v->kind == K::Object || v->kind == K::StackedList;
    };
    for (int side = 0; side < 2; ++side) {
      auto other = constantOf(pos[1 - side]);
      if (!neverNone(pos[side]) || !other || !other->isNone()) continue;
      return SugaredValue::ofValue(emitter_.constant(IValue(name == "aten::__isnot__")));
    }
  }
  // `query is key` on two tensors: object identity, which in this SSA form is the identity of
  // the values (nn.MultiheadAttention picks its self-attention path this way). A value rebound
  // by an in-place op counts as a new object here.
  if ((name == "aten::__is__" || name == "aten::__isnot__") && pos.size() == 2 &&
      pos[0]->kind == SugaredValue::Kind::Value && pos[1]->kind == SugaredValue::Kind::Value &&
      pos[0]->value->type()->isTensor() && pos[1]->value->type()->isTensor()) {
    const bool same = pos[0]->value == pos[1]->value;
    return SugaredValue::ofValue(emitter_.constant(IValue(name == "aten::__is__" ? same : !same)));
  }
  if (!pos.empty() && pos[0]->kind == SugaredValue::Kind::StackedList) {
    if (auto result = emitStackedListOp(name, pos[0], args)) return *result;
    emitter_.fail(name +
                  " on a list grown in a data-dependent loop is not supported (len, indexing, "
                  "append, torch.stack and torch.cat are)");
  }

  // Containers whose elements the compiler tracks one by one.
  if (!pos.empty() && isContainer(pos[0])) {
    const SValue& container = pos[0];
    if (container->kind == SugaredValue::Kind::List) {
      if (auto result = emitListMutation(name, container, args)) return *result;
    }
    if (name == "aten::len") {
      size_t size = container->kind == SugaredValue::Kind::Dict ? container->entries.size()
                                                                : container->items.size();
      return SugaredValue::ofValue(emitter_.constant(IValue(static_cast<int64_t>(size))));
    }
    if (name == "aten::slice" && container->kind == SugaredValue::Kind::List) {
      if (auto sliced = sliceItems(container->items, args)) {
        SValue list = SugaredValue::ofList(std::move(*sliced), container->elementType);
        list->createdAtDepth = dynamicDepth_;
        return list;
      }
    }
    if ((name == "aten::__getitem__" || name == "prim::TupleIndex") &&
        container->kind != SugaredValue::Kind::Dict) {
      if (auto index = constantInt(1)) {
        int64_t n = static_cast<int64_t>(container->items.size());
        int64_t i = *index < 0 ? *index + n : *index;
        if (i < 0 || i >= n) emitter_.fail("index " + std::to_string(*index) + " out of range");
        return container->items[static_cast<size_t>(i)];
      }
    }
    if (container->kind == SugaredValue::Kind::Dict && pos.size() >= 2) {
      auto key = constantOf(pos[1]);
      if (key && (name == "aten::__getitem__" || name == "aten::_set_item" ||
                  name == "aten::__contains__")) {
        if (name == "aten::_set_item" && !container->attribute.empty())
          checkAttributeContainerWrite(container, pos.at(2), name);
        for (auto& entry : container->entries) {
          if (entry.first == *key) {
            if (name == "aten::_set_item") {
              noteListChange(container);
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
            emitter_.fail(
                "adding a dict key inside data-dependent control flow is not supported yet");
          }
          container->entries.emplace_back(*key, pos.at(2));
          return SugaredValue::ofValue(emitter_.constant(IValue()));
        }
        if (name == "aten::__contains__")
          return SugaredValue::ofValue(emitter_.constant(IValue(false)));
        emitter_.fail("key " + key->repr() + " is not in the dict");
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

  // t[i] on a tuple that is an IR value (carried by a loop): its item, by constant index.
  if ((name == "aten::__getitem__" || name == "prim::TupleIndex") && pos.size() == 2 &&
      pos[0]->kind == SugaredValue::Kind::Value &&
      pos[0]->value->type()->kind() == ir::TypeKind::Tuple) {
    if (auto index = constantInt(1)) {
      const auto& elements = pos[0]->value->type()->elements();
      int64_t n = static_cast<int64_t>(elements.size());
      int64_t i = *index < 0 ? *index + n : *index;
      if (i < 0 || i >= n) emitter_.fail("tuple index " + std::to_string(*index) + " out of range");
      return SugaredValue::ofValue(emitter_.emit1("prim::TupleIndex",
                                                  {pos[0]->value, emitter_.constant(IValue(i))},
                                                  elements[static_cast<size_t>(i)]));
    }
  }

  if (auto pieces = emitStaticSplit(name, args)) return *pieces;

  // Everything else goes through the schema table.
  std::vector<ir::Value*> values;
  for (const SValue& arg : pos) values.push_back(materialize(arg));
  std::vector<std::pair<std::string, ir::Value*>> keywords;
  for (const auto& [keyword, arg] : args.keywords) keywords.emplace_back(keyword, materialize(arg));
  BoundOperator bound = bindOperator(name, values, keywords, archive_.version(), emitter_);
  checkWrites(name, bound);
  // `view.copy_(src)` (how `x[i] = src` prints) writes src into the view's region of its base.
  if (name == "aten::copy_" && env && !bound.inputs.empty()) {
    ir::Value* region = copiedRegion(bound.inputs[0], bound.inputs[1]);
    writeThroughView(bound.inputs[0], region, *env);
    return SugaredValue::ofValue(region);
  }

  // In-place ops on tensors have value semantics here: the result replaces the mutated tensor for
  // every name bound to it.
  std::vector<ir::Value*> outputs = emitter_.emit(bound.kind, bound.inputs, bound.outputTypes);
  noteAliases(bound, outputs);
  if (bound.inPlace && env && !outputs.empty()) writeThroughView(bound.inputs[0], outputs[0], *env);
  if (outputs.size() == 1 && (bound.kind == "aten::select" || bound.kind == "aten::slice") &&
      bound.inputs[0]->type()->isTensor()) {
    views_[outputs[0]] = ViewOf{bound.kind, bound.inputs};
  }
  if (outputs.size() == 1) return SugaredValue::ofValue(outputs[0]);
  std::vector<SValue> items;
  for (ir::Value* output : outputs) items.push_back(SugaredValue::ofValue(output));
  return SugaredValue::ofTuple(std::move(items));
}

}  // namespace ts2coreml::torchscript
