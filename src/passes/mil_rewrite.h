// Shared tools of the MIL cleanup steps: reading constants, tracking uses while rewriting, and
// adding constants.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/ivalue.h"
#include "core/tensor.h"
#include "ir/graph.h"

namespace ts2coreml::passes::mil {

// The tensor held by the mil.const producing `value`, else null.
const Tensor* constTensor(const ir::Value* value);
// The string held by the mil.const producing `value`, else nullopt.
std::optional<std::string> constString(const ir::Value* value);
// The single number held by a constant (any rank, one element), else nullopt.
std::optional<double> constScalar(const ir::Value* value);
// The dtype of a tensor value when known.
std::optional<DType> dtypeOf(const ir::Value* value);
// MIL dtype names ("fp16", "int32", ...) to our dtypes.
std::optional<DType> dtypeFromMilName(const std::string& name);
// Whether every value of `from` converts to `to` and back unchanged.
bool representsExactly(DType from, DType to);

// Every node below `block` in program order (parents before their nested blocks). Nodes added
// while a step runs are not included, so a step can hold these pointers while it rewrites.
std::vector<ir::Node*> collectNodes(ir::Block* block);

// A mil.const holding `value` (a tensor or a string such as a cast's dtype) with type `type`,
// added at the start of the graph's top block (the place every nested block sees, as the
// lowering does).
ir::Value* addConst(ir::Graph& graph, IValue value, ir::TypePtr type);

// Use counts (node inputs and block returns) kept exact while a step rewrites the program, so
// that later matches in the same step see the rewritten program.
class UseTracker {
 public:
  explicit UseTracker(ir::Graph& graph);

  int uses(const ir::Value* value) const;
  // A graph output or the return of some block: its value must stay where it is.
  bool isReturned(const ir::Value* value) const { return returned_.count(value) > 0; }
  // Single use by a node, not returned: an intermediate a fusion may absorb.
  bool isPrivateIntermediate(const ir::Value* value) const;
  bool isRetired(const ir::Node* node) const { return retired_.count(node) > 0; }

  // Every use of `from` (inputs and returns in its block and below) becomes a use of `to`.
  void redirect(ir::Value* from, ir::Value* to);
  // `node`'s outputs are unused: it drops its inputs; dead-code elimination erases it later.
  void retire(ir::Node* node);
  // Binds the MIL parameter `name` of `node` to `value`: replaces the bound input, or inserts the
  // parameter after the one named `after` (at the end when absent).
  void bindInput(ir::Node* node, const std::string& name, ir::Value* value,
                 const std::string& after = {});
  void setInput(ir::Node* node, size_t index, ir::Value* value);
  // Appends an input to a node (one the step has just created).
  void addInput(ir::Node* node, ir::Value* value, const std::string& name);

 private:
  std::map<const ir::Value*, int> uses_;
  std::set<const ir::Value*> returned_;
  std::set<const ir::Node*> retired_;
};

}  // namespace ts2coreml::passes::mil
