// The IR: Graph ▸ Block ▸ Node ▸ Value. One node type serves every level; an op is a name in a
// dialect ("aten::conv2d", "prim::If", "mil.conv", "mil.while_loop").
//
// Conventions
// - Torch level: inputs are positional, constants are `prim::Constant` nodes with attribute
//   "value". `prim::If` has two blocks without params; `prim::Loop(trip_count, cond, carried...)`
//   has one block with params (iteration, carried...) returning (cond, carried...).
// - MIL level: every input has a MIL parameter name (Node::inputNames, same length as inputs; a
//   name repeated on consecutive inputs forms one variadic argument such as `concat.values`).
//   Constants are `mil.const` nodes with attribute "val". `mil.cond` has blocks (true, false)
//   without params. `mil.while_loop` has blocks (cond, body); both have one param per loop var;
//   cond returns one bool, body returns the next loop vars. Scalars are rank-0 tensors.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/ivalue.h"
#include "ir/source_location.h"
#include "ir/type.h"

namespace ts2coreml::ir {

class Block;
class Graph;
class Node;

class Value {
 public:
  Value(TypePtr type, Node* producer, Block* paramOf)
      : type_(std::move(type)), producer_(producer), paramOf_(paramOf) {}
  const TypePtr& type() const { return type_; }
  void setType(TypePtr type) { type_ = std::move(type); }
  Node* producer() const { return producer_; }       // null for block params / graph inputs
  Block* paramOf() const { return paramOf_; }        // the block whose param this is, else null
  const std::string& name() const { return name_; }  // debug name hint, may be empty
  void setName(std::string name) { name_ = std::move(name); }
  // Id unique within the graph, used by the printer ("%12") and to build unique names.
  int id() const { return id_; }
  void setId(int id) { id_ = id; }

 private:
  TypePtr type_;
  Node* producer_;
  Block* paramOf_;
  std::string name_;
  int id_ = -1;
};

class Node {
 public:
  Node(std::string kind, Block* owner) : kind_(std::move(kind)), owner_(owner) {}
  const std::string& kind() const { return kind_; }
  void setKind(std::string kind) { kind_ = std::move(kind); }
  Block* owner() const { return owner_; }
  void setOwner(Block* owner) { owner_ = owner; }

  const std::vector<Value*>& inputs() const { return inputs_; }
  Value* input(size_t i) const { return inputs_.at(i); }
  void addInput(Value* value, std::string name = {});
  void setInput(size_t i, Value* value) { inputs_.at(i) = value; }
  void removeInput(size_t i);
  void clearInputs();
  const std::vector<std::string>& inputNames() const { return inputNames_; }
  // First input bound to the MIL parameter `name`, or null.
  Value* namedInput(const std::string& name) const;

  size_t numOutputs() const { return outputs_.size(); }
  Value* output(size_t i = 0) const { return outputs_.at(i).get(); }
  Value* addOutput(TypePtr type);
  void removeOutput(size_t i);

  std::map<std::string, IValue>& attributes() { return attributes_; }
  const std::map<std::string, IValue>& attributes() const { return attributes_; }
  bool hasAttribute(const std::string& name) const { return attributes_.count(name) > 0; }
  const IValue& attribute(const std::string& name) const { return attributes_.at(name); }
  void setAttribute(const std::string& name, IValue value) { attributes_[name] = std::move(value); }

  const std::vector<std::unique_ptr<Block>>& blocks() const { return blocks_; }
  Block* block(size_t i) const { return blocks_.at(i).get(); }
  Block* addBlock();
  void removeBlock(size_t i);

  const SourceLocation& location() const { return location_; }
  void setLocation(SourceLocation location) { location_ = std::move(location); }
  // "op aten::foo at model.py:3 (...)": used as the prefix of diagnostics.
  std::string describe() const;

 private:
  std::string kind_;
  Block* owner_;
  std::vector<Value*> inputs_;
  std::vector<std::string> inputNames_;
  std::vector<std::unique_ptr<Value>> outputs_;
  std::map<std::string, IValue> attributes_;
  std::vector<std::unique_ptr<Block>> blocks_;
  SourceLocation location_;
};

class Block {
 public:
  explicit Block(Node* owner) : owner_(owner) {}
  Node* owner() const { return owner_; }  // null for the graph's top block

  const std::vector<std::unique_ptr<Value>>& params() const { return params_; }
  Value* param(size_t i) const { return params_.at(i).get(); }
  Value* addParam(TypePtr type, std::string name = {});
  void removeParam(size_t i);

  // A deque: the compiler and the lowering put every constant at the front of the top block,
  // and passes erase nodes near either end; both are O(1) there, where a vector moved every
  // node (quadratic in the number of nodes, docs/fuzzing.md "Known limits"). Indexing and the
  // order of the nodes are as a vector's.
  using NodeList = std::deque<std::unique_ptr<Node>>;
  const NodeList& nodes() const { return nodes_; }
  // Appends a new node at the end (or before `before` when given).
  Node* appendNode(std::string kind);
  Node* insertNodeBefore(const Node* before, std::string kind);
  // Moves `node` (owned elsewhere) into this block before `before` (null = at the end).
  // Finding `before` (or the node to release) costs its distance to the nearer end.
  void adoptNode(std::unique_ptr<Node> node, const Node* before = nullptr);
  std::unique_ptr<Node> releaseNode(const Node* node);
  void eraseNode(const Node* node);

  const std::vector<Value*>& returns() const { return returns_; }
  void addReturn(Value* value) { returns_.push_back(value); }
  void setReturn(size_t i, Value* value) { returns_.at(i) = value; }
  void setReturns(std::vector<Value*> values) { returns_ = std::move(values); }
  void removeReturn(size_t i);

 private:
  // The position of `node`, searched from both ends at once; end() when it is not here.
  NodeList::iterator find(const Node* node);

  Node* owner_;
  std::vector<std::unique_ptr<Value>> params_;
  NodeList nodes_;
  std::vector<Value*> returns_;
};

class Graph {
 public:
  Graph() : top_(std::make_unique<Block>(nullptr)) {}
  Block* top() const { return top_.get(); }
  // Graph inputs are the top block's params; outputs are its returns.
  Value* addInput(TypePtr type, std::string name) {
    return top_->addParam(std::move(type), std::move(name));
  }
  const std::vector<std::unique_ptr<Value>>& inputs() const { return top_->params(); }
  const std::vector<Value*>& outputs() const { return top_->returns(); }
  // Names of the outputs in the converted model ("output", "output_0", ...); same length as
  // outputs() once set by the converter.
  std::vector<std::string>& outputNames() { return outputNames_; }
  const std::vector<std::string>& outputNames() const { return outputNames_; }

  // Gives every value a fresh id in program order (the printer and name builders use them).
  void renumber();

 private:
  std::unique_ptr<Block> top_;
  std::vector<std::string> outputNames_;
};

// Replace every use of `from` (node inputs and block returns) in and below `scope` by `to`.
void replaceAllUsesWith(Block* scope, Value* from, Value* to);
// Calls `fn` on every node in `block` and its nested blocks, parents before children.
void forEachNode(Block* block, const std::function<void(Node*)>& fn);
// Number of uses (node inputs + block returns) of each value below `block`.
std::map<const Value*, int> countUses(Block* block);

}  // namespace ts2coreml::ir
