// if / for / while. A condition known at conversion time selects its branch (or unrolls the loop)
// right here; a condition that depends on tensor values becomes prim::If / prim::Loop, whose
// blocks carry the variables the branches or the loop body assign.
#include <algorithm>
#include <limits>
#include <set>

#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"
#include "torchscript/compiler/statement_scan.h"

namespace ts2coreml::torchscript {

namespace {

// Loops with a constant trip count up to this size are unrolled (their bodies become straight-line
// code that folds further); longer ones stay loops.
constexpr int64_t kUnrollLimit = 64;
// A while loop whose condition stays known at conversion time is unrolled up to this many times.
constexpr int kStaticWhileLimit = 10000;
// All loops unrolled at conversion time share this many iterations: nested loops multiply (two
// nested 3,000-iteration whiles in a few lines of code took minutes; found by fuzz_compiler).
constexpr int64_t kUnrolledIterationBudget = 10000;

bool hasKnownShape(const ir::TypePtr& type) {
  return type && type->isTensor() && type->dtype() && type->shape();
}

std::vector<std::string> uniqueNames(std::vector<std::string> names) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (auto& name : names) {
    if (seen.insert(name).second) out.push_back(std::move(name));
  }
  return out;
}

bool sameValue(const SValue& a, const SValue& b) {
  if (a == b) return true;
  if (a->kind != b->kind) return false;
  if (a->isValue()) return a->value == b->value;
  if (a->kind == SugaredValue::Kind::Module) return a->object == b->object;
  return false;
}

}  // namespace

// The type both branches of an `if` (or a loop's entry and back edge) can be described by.
std::optional<ir::TypePtr> unifyTypes(const ir::TypePtr& a, const ir::TypePtr& b) {
  if (*a == *b) return a;
  if (a->isTensor() && b->isTensor()) {
    std::optional<DType> dtype = a->dtype() == b->dtype() ? a->dtype() : std::nullopt;
    std::optional<Shape> shape;
    if (a->shape() && b->shape() && a->shape()->size() == b->shape()->size()) {
      shape = *a->shape();
      for (size_t i = 0; i < shape->size(); ++i) {
        if ((*shape)[i] != (*b->shape())[i]) (*shape)[i] = -1;
      }
    }
    return ir::Type::tensor(dtype, shape);
  }
  if (a->kind() == ir::TypeKind::None) return ir::Type::optional(b);
  if (b->kind() == ir::TypeKind::None) return ir::Type::optional(a);
  if (a->kind() == ir::TypeKind::Optional && unifyTypes(a->element(), b)) return a;
  if (b->kind() == ir::TypeKind::Optional && unifyTypes(b->element(), a)) return b;
  if (a->kind() == b->kind() &&
      (a->kind() == ir::TypeKind::List || a->kind() == ir::TypeKind::Tuple))
    return a;
  return std::nullopt;
}

void ModuleCompiler::emitIf(const IfStmt& statement, Environment& env) {
  SValue test = emitExpr(*statement.test, env);
  if (auto constant = constantOf(test)) {
    bool taken = constant->isBool() ? constant->toBool() : !constant->isNone();
    if (!constant->isBool() && !constant->isNone() && !constant->isInt()) {
      fail(statement, "condition of type " + test->describe() + " is not supported");
    }
    if (constant->isInt()) taken = constant->toInt() != 0;
    emitStatements(taken ? statement.body : statement.orelse, env);
    return;
  }
  ir::Value* condition = materialize(test);
  if (condition->type()->kind() != ir::TypeKind::Bool) {
    condition = materialize(
        emitOperator("aten::Bool", CallArguments{{SugaredValue::ofValue(condition)}, {}}, &env));
  }
  ir::Node* node = emitter_.appendNode("prim::If");
  node->addInput(condition);
  ir::Block* outer = emitter_.block();
  Environment thenEnv(&env), elseEnv(&env);
  Environment* envs[2] = {&thenEnv, &elseEnv};
  const std::vector<StmtPtr>* bodies[2] = {&statement.body, &statement.orelse};
  std::optional<BlockRaises> raised[2];
  ListJournal listsBefore[2], listsAfter[2];
  ++dynamicDepth_;
  for (int b = 0; b < 2; ++b) {
    emitter_.setBlock(node->addBlock());
    listJournals_.push_back(&listsBefore[b]);
    try {
      emitStatements(*bodies[b], *envs[b]);
    } catch (const BlockRaises& raise) {
      raised[b] = raise;
    } catch (...) {
      listJournals_.pop_back();
      throw;
    }
    listJournals_.pop_back();
    // The other branch starts from the lists as they were before this one.
    for (auto& [list, state] : listsBefore[b]) {
      listsAfter[b].emplace_back(list, *list);
      *list = state;
    }
  }
  --dynamicDepth_;
  emitter_.setBlock(outer);
  std::optional<int> liveOnly;
  if (raised[0].has_value() != raised[1].has_value()) liveOnly = raised[0] ? 1 : 0;
  if (!(raised[0] && raised[1])) {
    mergeListChanges(node, listsBefore, listsAfter, liveOnly, statement);
  }

  if (raised[0] && raised[1]) {
    outer->eraseNode(node);
    throw *raised[0];
  }
  if (raised[0] || raised[1]) {
    // The model would raise on one path; Core ML has no exceptions, so the check is dropped and
    // the other path runs unconditionally.
    int live = raised[0] ? 1 : 0;
    const BlockRaises& raise = raised[0] ? *raised[0] : *raised[1];
    warn("dropped a runtime check that raises " + raise.message + " at " +
         raise.location.describe());
    ir::Block* liveBlock = node->block(static_cast<size_t>(live));
    while (!liveBlock->nodes().empty()) {
      outer->adoptNode(liveBlock->releaseNode(liveBlock->nodes().front().get()), node);
    }
    outer->eraseNode(node);
    for (const auto& name : envs[live]->assignedNames()) env.assign(name, envs[live]->local(name));
    return;
  }

  std::vector<std::string> names = thenEnv.assignedNames();
  for (const auto& name : elseEnv.assignedNames()) names.push_back(name);
  for (const auto& name : uniqueNames(names)) {
    SValue thenValue = thenEnv.lookup(name);
    SValue elseValue = elseEnv.lookup(name);
    if (!thenValue || !elseValue) continue;  // defined on one path only: not usable after the if
    if (sameValue(thenValue, elseValue)) {
      env.assign(name, thenValue);
      continue;
    }
    env.assign(name, mergeVariable(node, name, thenValue, elseValue, statement));
  }
}

// Emits a prim::Loop. `tripCount` null means a while loop (unbounded trip count); `condition`
// recomputes the loop condition at the end of the body (null: always true). The loop target is
// `rangeStart + i * rangeStep` when those are given, else the iteration count i.
void ModuleCompiler::emitLoop(const Stmt& statement, ir::Value* tripCount,
                              ir::Value* initialCondition, const std::vector<StmtPtr>& body,
                              const Expr* loopTarget, const Expr* condition, Environment& env,
                              const SValue& rangeStart, const SValue& rangeStep) {
  std::vector<std::string> assigned;
  collectAssigned(body, assigned);
  std::vector<std::string> carried;
  for (const auto& name : uniqueNames(assigned)) {
    SValue value = env.lookup(name);
    if (value && (value->isValue() || value->kind == SugaredValue::Kind::Tuple ||
                  value->kind == SugaredValue::Kind::MaybeNone))
      carried.push_back(name);
    if (value && (value->kind == SugaredValue::Kind::List ||
                  value->kind == SugaredValue::Kind::StackedList)) {
      fail(statement, "list '" + name +
                          "' is assigned inside a data-dependent loop; this is not supported yet");
    }
  }
  // Lists the body appends to become stacked tensors carried by the loop.
  std::vector<std::string> appended;
  collectAppended(body, appended);
  std::vector<SValue> lists;
  for (const auto& name : uniqueNames(appended)) {
    SValue value = env.lookup(name);
    if (!value) continue;  // made inside the body
    if (value->kind == SugaredValue::Kind::List) toStackedList(value, statement);
    if (value->kind == SugaredValue::Kind::StackedList &&
        std::find(lists.begin(), lists.end(), value) == lists.end()) {
      lists.push_back(value);
    }
  }
  if (!tripCount) tripCount = emitter_.constant(IValue(std::numeric_limits<int64_t>::max()));
  // A tuple (nn.LSTMCell's (h, c) state) is carried item by item, under names no Python
  // variable can have ("state.0"): its items keep their own types and the body sees a tuple.
  std::vector<std::pair<std::string, size_t>> tuples;  // name, item count
  for (size_t i = 0; i < carried.size(); ++i) {
    SValue value = env.lookup(carried[i]);
    if (value->kind != SugaredValue::Kind::Tuple) continue;
    tuples.emplace_back(carried[i], value->items.size());
    std::vector<std::string> items;
    for (size_t k = 0; k < value->items.size(); ++k) {
      items.push_back(carried[i] + "." + std::to_string(k));
      env.assign(items.back(), value->items[k]);
    }
    carried.erase(carried.begin() + static_cast<std::ptrdiff_t>(i));
    carried.insert(carried.begin() + static_cast<std::ptrdiff_t>(i), items.begin(), items.end());
    --i;  // an item may be a tuple itself
  }
  auto itemNames = [](const std::string& name, size_t count) {
    std::vector<std::string> names;
    for (size_t k = 0; k < count; ++k) names.push_back(name + "." + std::to_string(k));
    return names;
  };
  // Builds the tuples of `into` back from their items (innermost first).
  auto joinTuples = [&](Environment& into) {
    for (auto it = tuples.rbegin(); it != tuples.rend(); ++it) {
      std::vector<SValue> items;
      for (const auto& item : itemNames(it->first, it->second)) items.push_back(into.lookup(item));
      into.assign(it->first, SugaredValue::ofTuple(std::move(items)));
    }
  };

  // The carried types may have to be generalised when the body changes them (e.g. a shape that
  // grows), and a stacked list made from an empty list learns its item type from the body's
  // append; the loop is then emitted again with what was learnt.
  // A variable that is None (or a MaybeNone) before the loop and a tensor after some iteration is
  // an Optional decided by the data: it is carried as the tensor (a placeholder until assigned)
  // plus a presence flag, so `is None` after the loop stays data-dependent and sound.
  std::vector<ir::TypePtr> types;
  std::vector<bool> optional(carried.size(), false);
  auto isNoneConstant = [this](const SValue& v) {
    auto constant = constantOf(v);
    return constant && constant->isNone();
  };
  for (size_t i = 0; i < carried.size(); ++i) {
    SValue value = env.lookup(carried[i]);
    optional[i] = value->kind == SugaredValue::Kind::MaybeNone;
    types.push_back(optional[i] ? value->value->type() : materialize(value)->type());
  }
  std::vector<ir::TypePtr> listTypes(lists.size());
  ir::Block* outer = emitter_.block();
  for (int attempt = 0;; ++attempt) {
    std::vector<ir::Value*> initial, initialFlags;
    for (size_t i = 0; i < carried.size(); ++i) {
      SValue value = env.lookup(carried[i]);
      if (!optional[i]) {
        initial.push_back(materialize(value));
      } else if (value->kind == SugaredValue::Kind::MaybeNone) {
        initial.push_back(value->value);
        initialFlags.push_back(value->present);
      } else {  // None before the loop
        initial.push_back(placeholderOf(types[i], statement));
        initialFlags.push_back(emitter_.constant(IValue(false)));
      }
    }
    std::vector<ir::Value*> listInitial;
    for (size_t k = 0; k < lists.size(); ++k) {
      listInitial.push_back(stackedListValue(lists[k]));
      if (!listTypes[k]) listTypes[k] = listInitial.back()->type();
    }
    ir::Node* node = emitter_.appendNode("prim::Loop");
    node->addInput(tripCount);
    node->addInput(initialCondition);
    for (ir::Value* value : initial) node->addInput(value);
    for (ir::Value* value : initialFlags) node->addInput(value);
    for (ir::Value* value : listInitial) node->addInput(value);
    ir::Block* block = node->addBlock();
    ir::Value* iteration = block->addParam(ir::Type::intType(), "i");
    Environment bodyEnv(&env);
    std::vector<ir::Value*> params;
    for (size_t i = 0; i < carried.size(); ++i)
      params.push_back(block->addParam(types[i], carried[i]));
    for (size_t i = 0; i < carried.size(); ++i) {
      if (!optional[i]) {
        bodyEnv.assign(carried[i], SugaredValue::ofValue(params[i]));
        continue;
      }
      auto maybe = SugaredValue::make(SugaredValue::Kind::MaybeNone);
      maybe->value = params[i];
      maybe->present = block->addParam(ir::Type::boolType(), carried[i] + "_present");
      bodyEnv.assign(carried[i], maybe);
    }
    for (size_t k = 0; k < lists.size(); ++k)
      lists[k]->value = block->addParam(listTypes[k], "list");
    joinTuples(bodyEnv);
    emitter_.setBlock(block);
    if (loopTarget) {
      SValue target = SugaredValue::ofValue(iteration);
      if (rangeStart) {
        SValue offset = emitOperator("aten::mul", CallArguments{{target, rangeStep}, {}}, &bodyEnv);
        target = emitOperator("aten::add", CallArguments{{rangeStart, offset}, {}}, &bodyEnv);
      }
      emitAssignTarget(*loopTarget, target, bodyEnv);
    }
    ++dynamicDepth_;
    loopBodyDepths_.push_back(dynamicDepth_);
    try {
      emitStatements(body, bodyEnv);
    } catch (const BlockRaises& raise) {
      loopBodyDepths_.pop_back();
      --dynamicDepth_;
      emitter_.setBlock(outer);
      fail(statement, "the loop body always raises " + raise.message);
    } catch (...) {
      loopBodyDepths_.pop_back();
      throw;
    }
    ir::Value* next =
        condition ? materialize(emitExpr(*condition, bodyEnv)) : emitter_.constant(IValue(true));
    block->addReturn(next);
    // The body's tuples, item by item (outermost first, so nested items are split too).
    for (const auto& [name, count] : tuples) {
      SValue value = bodyEnv.lookup(name);
      std::vector<SValue> items;
      if (value && value->kind == SugaredValue::Kind::Tuple) {
        items = value->items;
      } else if (value && value->isValue() && value->value->type()->kind() == ir::TypeKind::Tuple) {
        for (size_t k = 0; k < value->value->type()->elements().size(); ++k) {
          items.push_back(emitOperator(
              "prim::TupleIndex",
              CallArguments{{value, SugaredValue::ofValue(emitter_.constant(IValue(int64_t(k))))},
                            {}},
              &bodyEnv));
        }
      }
      if (items.size() != count)
        fail(statement, "loop variable '" + name + "' is a tuple of " + std::to_string(count) +
                            " items before the loop and " +
                            (value ? value->describe() : std::string("unset")) + " in it");
      auto names = itemNames(name, count);
      for (size_t k = 0; k < count; ++k) bodyEnv.assign(names[k], items[k]);
    }
    bool changed = false;
    auto generalise = [&](ir::TypePtr& type, ir::Value* value, const std::string& what) {
      if (*value->type() == *type) return;
      auto unified = unifyTypes(type, value->type());
      if (!unified) {
        fail(statement, what + " changes type from " + type->str() + " to " + value->type()->str() +
                            " in the loop");
      }
      if (!(**unified == *type)) {
        type = *unified;
        changed = true;
      }
    };
    std::vector<ir::Value*> results, resultFlags;
    for (size_t i = 0; i < carried.size(); ++i) {
      SValue value = bodyEnv.lookup(carried[i]);
      if (!optional[i] && isNoneConstant(env.lookup(carried[i])) &&
          (value->kind == SugaredValue::Kind::MaybeNone ||
           (value->isValue() && value->value->type()->isTensor()))) {
        // None before the loop, a tensor in it: emitted again as an Optional.
        if (attempt >= 2) fail(statement, "loop variable '" + carried[i] + "' keeps changing type");
        optional[i] = true;
        types[i] = value->value->type();
        changed = true;
        results.push_back(params[i]);
        continue;
      }
      if (!optional[i]) {
        results.push_back(materialize(value));
      } else if (value->kind == SugaredValue::Kind::MaybeNone) {
        results.push_back(value->value);
        resultFlags.push_back(value->present);
      } else if (isNoneConstant(value)) {  // set back to None: the old tensor, absent
        results.push_back(params[i]);
        resultFlags.push_back(emitter_.constant(IValue(false)));
      } else {
        results.push_back(materialize(value));
        resultFlags.push_back(emitter_.constant(IValue(true)));
      }
      generalise(types[i], results.back(), "loop variable '" + carried[i] + "'");
    }
    results.insert(results.end(), resultFlags.begin(), resultFlags.end());
    for (size_t k = 0; k < lists.size(); ++k) {
      results.push_back(lists[k]->value);
      generalise(listTypes[k], results.back(), "a list grown in the loop");
      // A list that started empty knows its item type only now.
      if (lists[k]->kind == SugaredValue::Kind::StackedList && listInitial[k]->producer() &&
          listInitial[k]->producer()->kind() == "prim::Uninitialized" &&
          hasKnownShape(lists[k]->elementType)) {
        listTypes[k] = nullptr;
        changed = true;
      }
    }
    loopBodyDepths_.pop_back();
    --dynamicDepth_;
    emitter_.setBlock(outer);
    if (changed && attempt < 2) {
      outer->eraseNode(node);
      for (size_t k = 0; k < lists.size(); ++k) {
        // A list still without a value is stacked anew from what the body taught.
        bool placeholder = listInitial[k]->producer() &&
                           listInitial[k]->producer()->kind() == "prim::Uninitialized";
        lists[k]->value = placeholder ? nullptr : listInitial[k];
      }
      continue;
    }
    for (ir::Value* value : results) block->addReturn(value);
    std::vector<ir::Value*> outputs;
    for (size_t i = 0; i < carried.size(); ++i) {
      outputs.push_back(node->addOutput(types[i]));
      outputs.back()->setName(carried[i]);
    }
    for (size_t i = 0; i < carried.size(); ++i) {
      if (!optional[i]) {
        env.assign(carried[i], SugaredValue::ofValue(outputs[i]));
        continue;
      }
      auto maybe = SugaredValue::make(SugaredValue::Kind::MaybeNone);
      maybe->value = outputs[i];
      maybe->present = node->addOutput(ir::Type::boolType());
      env.assign(carried[i], maybe);
    }
    for (size_t k = 0; k < lists.size(); ++k) lists[k]->value = node->addOutput(listTypes[k]);
    joinTuples(env);
    return;
  }
}

void ModuleCompiler::emitFor(const ForStmt& statement, Environment& env) {
  const Expr& iter = *statement.iter;
  bool isRange =
      iter.kind == ExprKind::Call &&
      static_cast<const CallExpr&>(iter).func->kind == ExprKind::Name &&
      static_cast<const NameExpr&>(*static_cast<const CallExpr&>(iter).func).id == "range" &&
      !env.lookup("range");
  if (!isRange) {
    SValue sequence = emitExpr(iter, env);
    if (sequence->kind == SugaredValue::Kind::List || sequence->kind == SugaredValue::Kind::Tuple) {
      std::vector<SValue> items = sequence->items;  // iterate over a snapshot
      for (const SValue& item : items) {
        emitAssignTarget(*statement.target, item, env);
        emitStatements(statement.body, env);
      }
      return;
    }
    if (auto constant = constantOf(sequence);
        constant && (constant->isList() || constant->isTuple())) {
      for (const IValue& item : constant->items()) {
        emitAssignTarget(*statement.target, fromIValue(item), env);
        emitStatements(statement.body, env);
      }
      return;
    }
    fail(statement, "a for loop over " + sequence->describe() + " is not supported yet");
  }
  const auto& call = static_cast<const CallExpr&>(iter);
  std::vector<SValue> bounds;
  for (const auto& arg : call.args) bounds.push_back(emitExpr(*arg, env));
  SValue start =
      bounds.size() >= 2 ? bounds[0] : SugaredValue::ofValue(emitter_.constant(IValue(int64_t{0})));
  SValue stop = bounds.size() >= 2 ? bounds[1] : bounds.at(0);
  SValue step =
      bounds.size() >= 3 ? bounds[2] : SugaredValue::ofValue(emitter_.constant(IValue(int64_t{1})));
  // range(n) runs n times (none when n <= 0, which the loop's `i < n` test gives for free).
  SValue trips = bounds.size() == 1 ? stop
                                    : emitOperator("aten::__range_length",
                                                   CallArguments{{start, stop, step}, {}}, &env);
  auto tripConstant = constantOf(trips);
  if (tripConstant && tripConstant->isInt() && tripConstant->toInt() <= kUnrollLimit) {
    int64_t first = constantOf(start)->toInt(), stride = constantOf(step)->toInt();
    for (int64_t i = 0; i < tripConstant->toInt(); ++i) {
      spendUnrolledIteration(statement);
      emitAssignTarget(*statement.target,
                       SugaredValue::ofValue(emitter_.constant(IValue(first + i * stride))), env);
      emitStatements(statement.body, env);
    }
    return;
  }
  bool simpleRange = bounds.size() == 1;
  // For range(a, b, s) the loop variable is a + i * s.
  emitLoop(statement, materialize(trips), emitter_.constant(IValue(true)), statement.body,
           statement.target.get(), nullptr, env, simpleRange ? nullptr : start,
           simpleRange ? nullptr : step);
}

void ModuleCompiler::spendUnrolledIteration(const Stmt& loop) {
  if (++unrolledIterations_ > kUnrolledIterationBudget)
    fail(loop, "loops unrolled at conversion time run more than " +
                   std::to_string(kUnrolledIterationBudget) +
                   " iterations in total (nested loops multiply); limit reached");
}

void ModuleCompiler::emitWhile(const WhileStmt& statement, Environment& env) {
  for (int iteration = 0;; ++iteration) {
    SValue test = emitExpr(*statement.test, env);
    auto constant = constantOf(test);
    if (!constant) {
      // From here on the condition depends on the data: the remaining iterations are a loop.
      emitLoop(statement, nullptr, materialize(test), statement.body, nullptr, statement.test.get(),
               env);
      return;
    }
    if (!constant->isBool()) fail(statement, "while condition must be a bool");
    if (!constant->toBool()) return;
    if (iteration >= kStaticWhileLimit)
      fail(statement, "while loop does not terminate at conversion time");
    spendUnrolledIteration(statement);
    emitStatements(statement.body, env);
  }
}

}  // namespace ts2coreml::torchscript
