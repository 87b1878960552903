#include "lower/aten_op_table.h"

#include "core/error.h"

namespace ts2coreml::lower {

void AtenOpTable::setShapeRule(const std::string& name, passes::ShapeRule rule) {
  passes::ShapeRule& slot = rows_[name].shapeRule;
  if (slot) throw Error("op table: " + name + " has two shape rules");
  slot = std::move(rule);
}

void AtenOpTable::setFold(const std::string& name, passes::FoldFn fold) {
  passes::FoldFn& slot = rows_[name].fold;
  if (slot) throw Error("op table: " + name + " has two folds");
  slot = std::move(fold);
}

const AtenOp* AtenOpTable::find(const std::string& name) const {
  auto it = rows_.find(name);
  return it == rows_.end() ? nullptr : &it->second;
}

const LoweringFn* loweringOf(const std::string& name) {
  const AtenOp* row = atenOps().find(name);
  return row && row->lowering ? &row->lowering : nullptr;
}

const passes::ShapeRule* shapeRuleOf(const std::string& name) {
  const AtenOp* row = atenOps().find(name);
  return row && row->shapeRule ? &row->shapeRule : nullptr;
}

const passes::FoldFn* foldOf(const std::string& name) {
  const AtenOp* row = atenOps().find(name);
  return row && row->fold ? &row->fold : nullptr;
}

bool hasSideEffects(const ir::Node& node) {
  const AtenOp* row = atenOps().find(node.kind());
  return row && row->sideEffects;
}

void useOpTable(passes::PassOptions& options) {
  options.hasSideEffects = hasSideEffects;
  options.foldOf = foldOf;
}

std::optional<ir::TypePtr> inferResultType(const std::string& kind,
                                           const passes::OpOperands& operands, size_t index) {
  return passes::inferTensorType(kind, operands, index, shapeRuleOf(kind));
}

}  // namespace ts2coreml::lower
