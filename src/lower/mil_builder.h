// Builds MIL-level IR (mil.* nodes with named inputs) into a block. Constants are materialised as
// `mil.const` nodes at the start of the graph's top block so that every nested block sees them.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"
#include "ir/mil_op_table.h"

namespace ts2coreml::lower {

using NamedInput = std::pair<std::string, ir::Value*>;

class MilBuilder {
 public:
  MilBuilder(ir::Graph& graph, ir::Block* block) : graph_(graph), block_(block) {}

  ir::Graph& graph() const { return graph_; }
  ir::Block* block() const { return block_; }
  // The source location given to the ops built from now on (that of the torch op being lowered),
  // so that backend errors point at the model's code.
  void setLocation(ir::SourceLocation location) { location_ = std::move(location); }
  void setBlock(ir::Block* block) { block_ = block; }

  // A MIL op appended to the current block with one output per type. The op type is an
  // ir::MilOpName: a literal not in the op table (ir/mil_ops.def) does not compile, and the input
  // names must be parameters of the op (else an internal error is thrown).
  using MilOpName = ir::MilOpName;
  ir::Node* op(MilOpName type, std::initializer_list<NamedInput> inputs,
               std::vector<ir::TypePtr> outputTypes);
  ir::Node* op(MilOpName type, const std::vector<NamedInput>& inputs,
               std::vector<ir::TypePtr> outputTypes);
  // Convenience for single-output ops.
  ir::Value* op1(MilOpName type, std::initializer_list<NamedInput> inputs, ir::TypePtr outputType);

  // Constants (rank-0 for scalars; int64 data is narrowed to int32 as Core ML has no int64).
  ir::Value* constTensor(const Tensor& tensor);
  ir::Value* constInt(int64_t value);
  ir::Value* constFloat(double value, DType dtype = DType::Float32);
  ir::Value* constBool(bool value);
  ir::Value* constString(const std::string& value);
  ir::Value* constIntVector(const std::vector<int64_t>& values);

 private:
  ir::Value* addConst(IValue value, ir::TypePtr type);

  ir::Graph& graph_;
  ir::Block* block_;
  ir::SourceLocation location_;
};

// MIL tensor type of the given dtype and shape (scalars: empty shape).
ir::TypePtr milTensor(DType dtype, Shape shape);
ir::TypePtr milScalar(DType dtype);

}  // namespace ts2coreml::lower
