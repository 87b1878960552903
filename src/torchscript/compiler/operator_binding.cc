#include "torchscript/compiler/operator_binding.h"

#include <optional>

#include "core/error.h"
#include "torchscript/schema/overload_resolution.h"
#include "torchscript/schema/schema_registry.h"
#include "torchscript/schema/upgraders.h"

namespace ts2coreml::torchscript {
namespace {

using schema::ArgumentPlan;
using schema::Conversion;
using schema::Schema;

ir::Value* materialise(const schema::Argument& arg, const ArgumentPlan& plan,
                       GraphEmitter& emitter) {
  if (!plan.value) return emitter.constant(*arg.defaultValue);
  ir::Value* value = plan.value;
  switch (plan.conversion) {
    case Conversion::None:
      return value;
    case Conversion::BroadcastIntList: {
      if (auto c = GraphEmitter::constantValue(value)) {
        return emitter.constant(IValue::list(std::vector<IValue>(arg.fixedListSize, *c)));
      }
      std::vector<ir::Value*> copies(arg.fixedListSize, value);
      return emitter.emit1("prim::ListConstruct", copies, ir::Type::list(ir::Type::intType()));
    }
    case Conversion::TupleToList: {
      const auto& elements = value->type()->elements();
      ir::TypePtr element = elements.empty() ? ir::Type::anyType() : elements.front();
      std::vector<ir::Value*> items =
          emitter.emit("prim::TupleUnpack", {value}, value->type()->elements());
      return emitter.emit1("prim::ListConstruct", items, ir::Type::list(element));
    }
    case Conversion::StrToDevice:
      return emitter.emit1("aten::device", {value}, ir::Type::deviceType());
    case Conversion::IntImplicit:
    case Conversion::ToInt:
      return emitter.emit1(schema::conversionOp(plan.conversion), {value}, ir::Type::intType());
    case Conversion::FloatImplicit:
    case Conversion::ToFloat:
      return emitter.emit1(schema::conversionOp(plan.conversion), {value}, ir::Type::floatType());
    case Conversion::ScalarImplicit:
      return emitter.emit1("aten::ScalarImplicit", {value}, ir::Type::numberType());
  }
  return value;
}

// In-place variant (`relu_`, `add_`), not a dunder (`__and__`).
bool isInPlaceName(const std::string& name) {
  return name.size() > 1 && name.back() == '_' && name[name.size() - 2] != '_';
}

std::string describeCall(const std::vector<ir::Value*>& positional,
                         const std::vector<std::pair<std::string, ir::Value*>>& keywords) {
  std::string text = "(";
  auto add = [&](const std::string& piece) {
    if (text.size() > 1) text += ", ";
    text += piece;
  };
  for (ir::Value* v : positional) add(v->type()->str());
  for (const auto& [name, v] : keywords) add(name + "=" + v->type()->str());
  return text + ")";
}

[[noreturn]] void failNoMatch(const std::string& name, const std::vector<const Schema*>& schemas,
                              const std::vector<ir::Value*>& positional,
                              const std::vector<std::pair<std::string, ir::Value*>>& keywords) {
  constexpr size_t kShown = 3;
  Error error("no overload of " + name + " matches " + describeCall(positional, keywords) +
              "; candidates");
  error.withOp(name);
  for (size_t i = 0; i < schemas.size() && i < kShown; ++i) error.withNote(schemas[i]->text);
  if (schemas.size() > kShown)
    error.withNote("... (" + std::to_string(schemas.size() - kShown) + " more)");
  throw error;
}

BoundOperator bindAtLocation(const std::string& name, std::vector<ir::Value*> positional,
                             std::vector<std::pair<std::string, ir::Value*>> keywords,
                             int64_t archiveVersion, GraphEmitter& emitter) {
  schema::upgradeArgumentsBeforeBinding(name, archiveVersion, positional, keywords, emitter);
  const auto& registry = schema::SchemaRegistry::instance();
  const std::vector<const Schema*>& schemas = registry.lookup(name);
  if (schemas.empty())
    throw Error("unknown operator " + name + " (not in the schema table)").withOp(name);

  std::optional<schema::OverloadMatch> match =
      schema::resolveOverload(schemas, positional, keywords);
  if (!match) failNoMatch(name, schemas, positional, keywords);
  const Schema* matched = match->schema;

  BoundOperator result;
  result.kind = matched->name;
  for (size_t i = 0; i < matched->arguments.size(); ++i) {
    result.inputs.push_back(materialise(matched->arguments[i], match->arguments[i], emitter));
  }
  for (ir::Value* extra : match->varargs) result.inputs.push_back(extra);
  for (size_t i = 0; i < matched->arguments.size(); ++i) {
    if (matched->arguments[i].mutates) result.writtenInputs.push_back(i);
  }
  for (const schema::Argument& ret : matched->returns) {
    ir::TypePtr type = schema::substituteTypeVariables(ret.typeWithVars, match->bindings);
    result.outputTypes.push_back(type);
    int aliasOf = -1;
    for (size_t i = 0; i < matched->arguments.size() && !ret.aliasSet.empty(); ++i) {
      if (matched->arguments[i].aliasSet == ret.aliasSet) aliasOf = static_cast<int>(i);
    }
    result.outputAliasOf.push_back(aliasOf);
  }
  if (isInPlaceName(matched->name)) {
    result.inPlace = true;
    std::string functional = matched->name.substr(0, matched->name.size() - 1);
    if (!registry.lookup(functional).empty()) result.kind = functional;
  }
  schema::applyOperatorUpgraders(*matched, archiveVersion, result, emitter);
  return result;
}

}  // namespace

BoundOperator bindOperator(const std::string& name, std::vector<ir::Value*> positional,
                           std::vector<std::pair<std::string, ir::Value*>> keywords,
                           int64_t archiveVersion, GraphEmitter& emitter) {
  // Unknown operators and overload mismatches are reported at the call's source line.
  return emitter.atCurrentLocation([&] {
    return bindAtLocation(name, std::move(positional), std::move(keywords), archiveVersion,
                          emitter);
  });
}

}  // namespace ts2coreml::torchscript
