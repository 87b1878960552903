// Appends torch-level nodes to the current block, folding as it goes: an op whose inputs are all
// constants (or whose answer follows from static tensor types, like x.dim()) becomes a constant.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "ir/graph.h"

namespace ts2coreml::torchscript {

class GraphEmitter {
 public:
  explicit GraphEmitter(ir::Graph& graph) : graph_(graph), block_(graph.top()) {}

  ir::Graph& graph() { return graph_; }
  ir::Block* block() const { return block_; }
  void setBlock(ir::Block* block) { block_ = block; }
  void setLocation(const ir::SourceLocation& location) { location_ = location; }
  const ir::SourceLocation& location() const { return location_; }
  // Throws Error about `detail` at the current source location (the one place compile errors
  // get their Python `file:line`, instead of each message building it).
  [[noreturn]] void fail(const std::string& detail) const {
    throw Error::at(location_.describe(), detail);
  }

  // A prim::Constant (placed at the start of the top block).
  ir::Value* constant(const IValue& value);
  // The value of `v` if it is a prim::Constant.
  static std::optional<IValue> constantValue(const ir::Value* v);

  // Appends `kind(inputs)` with the given output types unless it folds to constants. Tensor
  // output types are refined by shape inference.
  std::vector<ir::Value*> emit(const std::string& kind, const std::vector<ir::Value*>& inputs,
                               const std::vector<ir::TypePtr>& outputTypes);
  ir::Value* emit1(const std::string& kind, const std::vector<ir::Value*>& inputs,
                   const ir::TypePtr& outputType) {
    return emit(kind, inputs, {outputType}).at(0);
  }
  // Appends a node without folding (control flow, side effects).
  ir::Node* appendNode(const std::string& kind);

  // Runs `work`; an Error it throws that names no place yet gets the current source location in
  // front (Error::located). Wraps operator binding and folding, whose code knows no location.
  template <class Work>
  decltype(auto) atCurrentLocation(Work&& work) const {
    try {
      return work();
    } catch (const Error& error) {
      throw locate(error);
    }
  }
  // `error` with the current source location in front, unless it has one or none is known.
  Error locate(const Error& error) const;

 private:
  std::vector<ir::Value*> emitFolded(const std::string& kind, const std::vector<ir::Value*>& inputs,
                                     const std::vector<ir::TypePtr>& outputTypes);

  ir::Graph& graph_;
  ir::Block* block_;
  ir::SourceLocation location_;
};

}  // namespace ts2coreml::torchscript
