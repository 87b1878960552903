// The compiler proper (internal). One ModuleCompiler compiles the root module's forward() into
// one graph; calls to methods and functions of the archive are compiled inline, each with its own
// Environment, while emitting into the same GraphEmitter.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "archive/torchscript_archive.h"
#include "torchscript/compiler/class_table.h"
#include "torchscript/compiler/environment.h"
#include "torchscript/compiler/graph_emitter.h"
#include "torchscript/compiler/operator_binding.h"
#include "torchscript/compiler/sugared_value.h"
#include "ts2coreml/convert.h"

namespace ts2coreml::torchscript {

// The type both branches of an `if` (or a loop's entry and back edge) can be described by.
std::optional<ir::TypePtr> unifyTypes(const ir::TypePtr& a, const ir::TypePtr& b);

struct CallArguments {
  std::vector<SValue> positional;
  std::vector<std::pair<std::string, SValue>> keywords;
};

// Raised internally when a statement always raises (prim::RaiseException on a taken path).
struct BlockRaises {
  std::string message;
  ir::SourceLocation location;
};

class ModuleCompiler {
 public:
  ModuleCompiler(const archive::TorchScriptArchive& archive, ClassTable& classes, ir::Graph& graph,
                 std::vector<std::string>& warnings);

  // Compiles `method` of `self` with `args` inline into the current block.
  SValue inlineMethod(const SValue& self, const std::string& methodName, const CallArguments& args);
  SValue inlineFunction(const FunctionInfo& function, const SValue& self,
                        const CallArguments& args);

  GraphEmitter& emitter() { return emitter_; }
  void warn(const std::string& message);

  // --- statements (emit_statements.cc) ---
  // Throws BlockRaises when the statements always raise.
  void emitStatements(const std::vector<StmtPtr>& statements, Environment& env);
  void emitStatement(const Stmt& statement, Environment& env);
  void emitAssignTarget(const Expr& target, const SValue& value, Environment& env);

  // --- control flow (emit_control_flow.cc) ---
  void emitIf(const IfStmt& statement, Environment& env);
  void emitFor(const ForStmt& statement, Environment& env);
  void emitWhile(const WhileStmt& statement, Environment& env);
  void emitLoop(const Stmt& statement, ir::Value* tripCount, ir::Value* initialCondition,
                const std::vector<StmtPtr>& body, const Expr* loopTarget, const Expr* condition,
                Environment& env, const SValue& rangeStart = nullptr,
                const SValue& rangeStep = nullptr);

  // --- expressions (emit_expressions.cc) ---
  SValue emitExpr(const Expr& expr, Environment& env);
  SValue resolveName(const std::string& name, const Environment& env, const Expr& where);
  SValue getAttribute(const SValue& base, const std::string& attribute, const Expr& where);

  // --- calls (emit_calls.cc) ---
  SValue emitCall(const CallExpr& call, Environment& env);
  // `env` receives the rebinding of tensors mutated by in-place ops (add_, relu_, ...).
  SValue callValue(const SValue& callee, const CallArguments& args, const Expr& where,
                   Environment* env);
  SValue callBuiltin(const std::string& name, const CallExpr& call, Environment& env);

  // --- operator calls through the schema table (emit_operators.cc) ---
  // append/_set_item/insert/pop/extend/clear on a list whose items are tracked; nullopt when
  // an index is not a constant.
  // The items of `list[start:end]` (slice.t with constant bounds and step 1).
  std::optional<std::vector<SValue>> sliceItems(const std::vector<SValue>& items,
                                                const CallArguments& args);
  // chunk/split/unbind of a tensor of known shape as a tracked list of slices (emit_splits.cc).
  std::optional<SValue> emitStaticSplit(const std::string& name, const CallArguments& args);
  std::optional<SValue> emitListMutation(const std::string& name, const SValue& list,
                                         const CallArguments& args);
  SValue emitOperator(const std::string& qualifiedName, const CallArguments& args,
                      Environment* env);

  // --- values (materialize.cc) ---
  // The IR value for a compile-time value (lists/tuples of values become constants when all
  // items are constant, else ListConstruct/TupleConstruct nodes).
  // A value of `type` for a path where TorchScript leaves a variable uninitialized (never read).
  ir::Value* placeholderOf(const ir::TypePtr& type, const Stmt& where);
  ir::Value* materialize(const SValue& value);
  // A module attribute or a constant from the archive as a compile-time value.
  SValue fromIValue(const IValue& value);
  std::optional<IValue> constantOf(const SValue& value);

  // --- the graph's outputs (emit_outputs.cc) ---
  // Adds what forward() returned to the graph's outputs, flattened; returns their names.
  std::vector<std::string> emitGraphOutputs(const SValue& output);

  // A run-time int/float/bool parameter: a one-element model input, converted to the number
  // (entry_parameters.cc).
  SValue emitScalarInput(const InputSpec& spec, const ir::TypePtr& type,
                         const std::string& featureName, const std::string& param);

  // --- types (type_annotations.cc) ---
  ir::TypePtr parseType(const Expr& annotation);

  // Location of an AST node in the serialized code (and the Python source when known).
  ir::SourceLocation locate(const Expr& expr) const;
  ir::SourceLocation locate(const Stmt& stmt) const;
  // As locate(expr), taking the Python line of another record on the same line of code when
  // the expression's own record has none.
  ir::SourceLocation locateLine(const Expr& expr) const;
  [[noreturn]] void fail(const Expr& where, const std::string& what) const;
  [[noreturn]] void fail(const Stmt& where, const std::string& what) const;
  // Counts one iteration of a loop unrolled at conversion time; fails at `loop` past the budget.
  void spendUnrolledIteration(const Stmt& loop);

  const ClassTable& classes() const { return classes_; }

 private:
  const archive::TorchScriptArchive& archive_;
  ClassTable& classes_;
  GraphEmitter emitter_;
  std::vector<std::string>& warnings_;
  IValue constantsTable_;
  // Constants made from module attributes, so a weight used twice is one constant.
  std::map<std::pair<const ObjectValue*, std::string>, SValue> attributeCache_;
  // The code file of the function being compiled (for locations).
  std::vector<const SourceFile*> fileStack_;
  int inlineDepth_ = 0;
  // The caller's scope for the next inlined call (set by callValue, taken by inlineFunction).
  Environment* callerEnv_ = nullptr;
  // Set by a `return` statement of the function being compiled.
  SValue returnValue_;
  bool returned_ = false;
  // Depth of data-dependent control flow (prim::If / prim::Loop blocks) being emitted.
  int dynamicDepth_ = 0;
  // Loop iterations unrolled at conversion time so far, all loops together (emit_control_flow.cc).
  int64_t unrolledIterations_ = 0;
  // dynamicDepth_ inside the body of each data-dependent loop being emitted (outermost first).
  std::vector<int> loopBodyDepths_;

  // Lists changed inside a branch of a data-dependent if: each list with the items it had
  // before the branch. Both branches start from the same items; emitIf merges the results.
  using ListJournal = std::vector<std::pair<SValue, SugaredValue>>;  // list, its state before
  std::vector<ListJournal*> listJournals_;
  // Call before changing a list's items: records it for the enclosing if, or throws where the
  // change cannot be expressed (a list made outside a data-dependent loop, changed inside it).
  void noteListChange(const SValue& list);
  // A change (`what`) of a list or dict that is a module attribute is module state, refused
  // unless it stores a value computed from constants only (a cache: levit's
  // `self.ab[key] = biases[:, idxs]` gives every call the same value). `stored` is null for
  // changes that store nothing (pop, clear).
  void checkAttributeContainerWrite(const SValue& container, const SValue& stored,
                                    const std::string& what) const;
  // Makes each list changed by a branch of `node` hold the merge of its items after the two
  // branches. `before[b]` is branch b's journal, `after[b]` the same lists' items at its end;
  // `liveOnly` names the one branch that does not raise, if only one does not.
  // One tensor or number of what forward() returns, with the path to it (keys, item indices).
  struct OutputLeaf {
    std::vector<std::string> path;
    ir::Value* value;
  };
  void collectOutputs(const SValue& value, std::vector<std::string>& path,
                      std::vector<OutputLeaf>& leaves, bool& sawDict);

  // --- views and writes through them (emit_views.cc) ---
  // How a tensor was taken from another: select/slice with their inputs (base first).
  struct ViewOf {
    std::string kind;
    std::vector<ir::Value*> inputs;
  };
  std::map<const ir::Value*, ViewOf> views_;
  // --- module state and aliasing (emit_state_writes.cc) ---
  // Tensors that are module attributes (parameters, buffers): "self.acc (of Accumulator)".
  std::map<const ir::Value*, std::string> attributeTensors_;
  // Outputs of ops that share storage with an input (`Tensor(a)` in the schema): that input.
  std::map<const ir::Value*, const ir::Value*> aliasOf_;
  // Tensors written through a view the compiler does not write back into its base: what wrote
  // them and where. Reading one afterwards would see stale values, so it is refused.
  std::map<const ir::Value*, std::string> staleValues_;
  // Records tensor attributes of `value` (loaded as attribute `name` of `owner`).
  void noteAttributeTensors(const SValue& value, const std::string& name);
  // The tensor whose storage `value` views (itself when it is no view).
  const ir::Value* storageRoot(const ir::Value* value) const;
  // Refuses what this op would do to module state or to a stale tensor (see the file).
  void checkWrites(const std::string& name, const BoundOperator& bound) const;
  // After the op: records the views among its outputs.
  void noteAliases(const BoundOperator& bound, const std::vector<ir::Value*>& outputs);
  // Refuses reading a tensor marked stale (for the graph's outputs).
  void checkNotStale(const ir::Value* value) const;
  // The value `view` has after `view.copy_(source)`: source broadcast to its shape and dtype.
  ir::Value* copiedRegion(ir::Value* view, ir::Value* source);
  // `target` now holds `value` (an in-place op wrote it). Names bound to `target` see `value`;
  // when `target` is a select/slice view, its base is rebuilt with the new region (recursively
  // up to the first tensor that is not a view), so later reads of the base see the write.
  void writeThroughView(ir::Value* target, ir::Value* value, Environment& env);

  // --- lists grown in data-dependent loops (emit_stacked_lists.cc) ---
  // Turns a tracked list into a StackedList (its items must be tensors of one type).
  void toStackedList(const SValue& list, const Stmt& where);
  // The list's stacked tensor before a loop: its current value, or for a list not yet given one,
  // the items stacked behind a placeholder row (an uninitialized value while the item type is
  // still unknown).
  ir::Value* stackedListValue(const SValue& list);
  // append / len / indexing / torch.stack / torch.cat on a StackedList; nullopt for other ops.
  std::optional<SValue> emitStackedListOp(const std::string& name, const SValue& list,
                                          const CallArguments& args);

  // The value of variable `name` after the data-dependent if `node` (emit_branch_merge.cc).
  SValue mergeVariable(ir::Node* node, const std::string& name, const SValue& thenValue,
                       const SValue& elseValue, const Stmt& statement);

  // An output of the prim::If `node` that is `thenValue` on one path and `elseValue` on the other.
  ir::Value* mergeBranchValues(ir::Node* node, const SValue& thenValue, const SValue& elseValue,
                               const std::string& what, const Stmt& statement);
  // The dict's entries after a data-dependent if (both paths must leave the same keys).
  void mergeDictEntries(ir::Node* node, const SValue& dict, const SugaredValue (&branchState)[2],
                        const Stmt& statement);
  void mergeListChanges(ir::Node* node, const ListJournal (&before)[2],
                        const ListJournal (&after)[2], std::optional<int> liveOnly,
                        const Stmt& statement);
};

}  // namespace ts2coreml::torchscript
