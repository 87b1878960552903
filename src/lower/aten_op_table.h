// The torch-level op table: one row per op (aten::*, prim::*) holding what the converter knows
// about it: how it lowers to MIL, the types of its results, and its evaluation on values known at
// conversion time. Each op family file (lower/ops_<family>.cc) declares its rows, so adding an op
// that lowers to existing MIL ops touches that one file (plus its op case in
// tests/e2e/op_cases.py).
//
// The compiler reads the shape rules and folds while it emits torch-level IR (a known shape lets
// `x.size(1)` and shape-dependent `if`s fold), so this table sits below the compiler: the
// torchscript library links this one, never the other way round.
#pragma once

#include <map>
#include <string>

#include "lower/lowering.h"
#include "passes/pass_manager.h"
#include "passes/shape_inference.h"
#include "passes/static_eval.h"

namespace ts2coreml::lower {

struct AtenOp {
  // The torch-level node -> MIL ops; null when the op has none (a row
  // with only a rule or a fold: Python-level builtins, ops folded away before lowering).
  LoweringFn lowering;
  // The refined types of its results from its operands' types and constants (a rule builder of
  // passes/shape_rules*.h, or one written in the family file); null when the schema's declared
  // types are all there is.
  passes::ShapeRule shapeRule;
  // Its evaluation when every operand is known at conversion time (Python semantics of numbers,
  // strings and containers: passes/static_eval.h); null when none.
  passes::FoldFn fold;
  // The op changes state or acts outside its results (raises, prints, writes a list or a tensor
  // in place): dead-code elimination keeps it even when nothing reads its outputs.
  bool sideEffects = false;
};

class AtenOpTable {
 public:
  // `table["aten::relu"] = lowering;` sets the lowering of a row (made on first use).
  LoweringFn& operator[](const std::string& name) { return rows_[name].lowering; }
  // Declares the result-type rule of a row. One rule per op: a second one throws.
  void setShapeRule(const std::string& name, passes::ShapeRule rule);
  // Declares the compile-time evaluation of a row; a second one throws.
  void setFold(const std::string& name, passes::FoldFn fold);
  // Marks a row as having side effects (AtenOp::sideEffects).
  void setSideEffects(const std::string& name) { rows_[name].sideEffects = true; }

  // The row of `name`, or null.
  const AtenOp* find(const std::string& name) const;
  const std::map<std::string, AtenOp, std::less<>>& rows() const { return rows_; }

 private:
  std::map<std::string, AtenOp, std::less<>> rows_;
};

// Every family's rows (registry.cc), built once.
const AtenOpTable& atenOps();

// The row's lowering, or null when `name` has none.
const LoweringFn* loweringOf(const std::string& name);
// The row's shape rule, or null when `name` has none.
const passes::ShapeRule* shapeRuleOf(const std::string& name);
// The row's fold, or null when `name` has none.
const passes::FoldFn* foldOf(const std::string& name);
// Whether `node` must stay although nothing reads it: its row has side effects (the query the
// torch-level dead-code elimination is given, passes::SideEffectQuery).
bool hasSideEffects(const ir::Node& node);
// Gives the passes that read the op table (eliminate-dead-code, fold-constants) its queries.
void useOpTable(passes::PassOptions& options);
// The refined type of result `index` of `kind` (passes::inferTensorType with the row's rule).
std::optional<ir::TypePtr> inferResultType(const std::string& kind,
                                           const passes::OpOperands& operands, size_t index = 0);

}  // namespace ts2coreml::lower
