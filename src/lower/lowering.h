// Torch-level IR (aten::*, prim::*) -> MIL-level IR (mil.*). One lowering function per op name,
// declared in the op table (aten_op_table.h); each op family lives in its own file.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/graph.h"
#include "lower/mil_builder.h"

namespace ts2coreml::lower {

class LoweringContext;
using LoweringFn = std::function<void(LoweringContext&, const ir::Node&)>;

class LoweringContext {
 public:
  LoweringContext(ir::Graph& milGraph) : builder_(milGraph, milGraph.top()) {}

  MilBuilder& builder() { return builder_; }

  // The MIL value standing for a torch-level value (constants are materialised on demand).
  ir::Value* get(const ir::Value* torchValue);
  void bind(const ir::Value* torchValue, ir::Value* milValue) { values_[torchValue] = milValue; }

  // Tuples have no MIL type: a torch-level tuple value stands for its lowered items.
  void bindTuple(const ir::Value* torchValue, std::vector<ir::Value*> items) {
    tuples_[torchValue] = std::move(items);
  }
  // The lowered items of a tuple value (nested tuples flattened), or nullopt if it is none.
  std::optional<std::vector<ir::Value*>> tupleItems(const ir::Value* torchValue) const;
  // The items of a list built in the program (tupleItems) or folded into one constant list
  // (its tensors become MIL constants); None items are null. nullopt for anything else.
  std::optional<std::vector<ir::Value*>> listItems(const ir::Value* torchValue);

  // The compile-time value of a torch-level input, if it is a prim::Constant.
  std::optional<IValue> constant(const ir::Value* torchValue) const;
  // Helpers that throw a located Error when the input is not a constant of that kind.
  int64_t constantInt(const ir::Node& node, size_t input) const;
  bool constantBool(const ir::Node& node, size_t input) const;
  std::vector<int64_t> constantInts(const ir::Node& node, size_t input) const;
  bool isNone(const ir::Value* torchValue) const;

  // Lowers every node of `torchBlock` into the builder's current block.
  void lowerBlock(const ir::Block& torchBlock);

  [[noreturn]] void fail(const ir::Node& node, const std::string& what) const;

 private:
  MilBuilder builder_;
  std::unordered_map<const ir::Value*, ir::Value*> values_;
  std::unordered_map<const ir::Value*, std::vector<ir::Value*>> tuples_;
};

// How an unsupported op is described in messages (default: Node::describe, op and location).
using NodeDescriber = std::function<std::string(const ir::Node&)>;

// Every op in `torchGraph` (recursively) that has no lowering, each once, with a location.
std::vector<std::string> unsupportedOps(const ir::Graph& torchGraph,
                                        const NodeDescriber& describe = nullptr);

// Lowers a torch-level graph whose inputs have known tensor types. Graph outputs that are tuples
// (prim::TupleConstruct) become several outputs. Throws Error listing every unsupported op.
std::unique_ptr<ir::Graph> lowerToMil(const ir::Graph& torchGraph,
                                      const NodeDescriber& describe = nullptr);

// MIL type of a torch-level type: int -> int32 scalar, float -> fp32 scalar, bool -> bool
// scalar, tensors keep dtype (int64 -> int32, float64 -> fp32) and shape.
ir::TypePtr milTypeOf(const ir::TypePtr& torchType);

}  // namespace ts2coreml::lower
