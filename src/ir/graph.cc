#include "ir/graph.h"

#include <algorithm>
#include <stdexcept>

namespace ts2coreml::ir {

void Node::addInput(Value* value, std::string name) {
  inputs_.push_back(value);
  if (!name.empty() || !inputNames_.empty()) {
    inputNames_.resize(inputs_.size() - 1);
    inputNames_.push_back(std::move(name));
  }
}

void Node::removeInput(size_t i) {
  inputs_.erase(inputs_.begin() + static_cast<long>(i));
  if (i < inputNames_.size()) inputNames_.erase(inputNames_.begin() + static_cast<long>(i));
}

void Node::clearInputs() {
  inputs_.clear();
  inputNames_.clear();
}

Value* Node::namedInput(const std::string& name) const {
  for (size_t i = 0; i < inputNames_.size(); ++i) {
    if (inputNames_[i] == name) return inputs_[i];
  }
  return nullptr;
}

Value* Node::addOutput(TypePtr type) {
  outputs_.push_back(std::make_unique<Value>(std::move(type), this, nullptr));
  return outputs_.back().get();
}

void Node::removeOutput(size_t i) {
  outputs_.erase(outputs_.begin() + static_cast<long>(i));
}

Block* Node::addBlock() {
  blocks_.push_back(std::make_unique<Block>(this));
  return blocks_.back().get();
}

void Node::removeBlock(size_t i) {
  blocks_.erase(blocks_.begin() + static_cast<long>(i));
}

std::string Node::describe() const {
  std::string text = "op " + kind_;
  if (location_.known()) text += " at " + location_.describe();
  return text;
}

Value* Block::addParam(TypePtr type, std::string name) {
  params_.push_back(std::make_unique<Value>(std::move(type), nullptr, this));
  params_.back()->setName(std::move(name));
  return params_.back().get();
}

void Block::removeParam(size_t i) {
  params_.erase(params_.begin() + static_cast<long>(i));
}

Node* Block::appendNode(std::string kind) {
  nodes_.push_back(std::make_unique<Node>(std::move(kind), this));
  return nodes_.back().get();
}

Node* Block::insertNodeBefore(const Node* before, std::string kind) {
  auto node = std::make_unique<Node>(std::move(kind), this);
  Node* raw = node.get();
  adoptNode(std::move(node), before);
  return raw;
}

Block::NodeList::iterator Block::find(const Node* node) {
  // Inward from both ends: a node at or near either end (the constants at the front, the node
  // just appended, a sweep from the back) is found in a few steps.
  size_t front = 0, back = nodes_.size();
  while (front < back) {
    if (nodes_[front].get() == node) return nodes_.begin() + static_cast<long>(front);
    --back;
    if (nodes_[back].get() == node) return nodes_.begin() + static_cast<long>(back);
    ++front;
  }
  return nodes_.end();
}

void Block::adoptNode(std::unique_ptr<Node> node, const Node* before) {
  node->setOwner(this);
  if (!before) {
    nodes_.push_back(std::move(node));
    return;
  }
  auto it = find(before);
  if (it == nodes_.end()) throw std::logic_error("insertion point is not in this block");
  nodes_.insert(it, std::move(node));
}

std::unique_ptr<Node> Block::releaseNode(const Node* node) {
  auto it = find(node);
  if (it == nodes_.end()) throw std::logic_error("node is not in this block");
  std::unique_ptr<Node> owned = std::move(*it);
  nodes_.erase(it);
  return owned;
}

void Block::eraseNode(const Node* node) {
  releaseNode(node);
}

void Block::removeReturn(size_t i) {
  returns_.erase(returns_.begin() + static_cast<long>(i));
}

void Graph::renumber() {
  int next = 0;
  for (const auto& input : top_->params()) input->setId(next++);
  std::function<void(Block*)> visit = [&](Block* block) {
    for (const auto& node : block->nodes()) {
      for (size_t i = 0; i < node->numOutputs(); ++i) node->output(i)->setId(next++);
      for (const auto& inner : node->blocks()) {
        for (const auto& param : inner->params()) param->setId(next++);
        visit(inner.get());
      }
    }
  };
  visit(top_.get());
}

void replaceAllUsesWith(Block* scope, Value* from, Value* to) {
  for (auto& ret : const_cast<std::vector<Value*>&>(scope->returns())) {
    if (ret == from) ret = to;
  }
  for (const auto& node : scope->nodes()) {
    for (size_t i = 0; i < node->inputs().size(); ++i) {
      if (node->input(i) == from) node->setInput(i, to);
    }
    for (const auto& inner : node->blocks()) replaceAllUsesWith(inner.get(), from, to);
  }
}

void forEachNode(Block* block, const std::function<void(Node*)>& fn) {
  // Index-based so that `fn` may append nodes to the block it visits.
  for (size_t i = 0; i < block->nodes().size(); ++i) {
    Node* node = block->nodes()[i].get();
    fn(node);
    for (const auto& inner : node->blocks()) forEachNode(inner.get(), fn);
  }
}

std::map<const Value*, int> countUses(Block* block) {
  std::map<const Value*, int> uses;
  std::function<void(Block*)> visit = [&](Block* b) {
    for (Value* ret : b->returns()) ++uses[ret];
    for (const auto& node : b->nodes()) {
      for (Value* input : node->inputs()) ++uses[input];
      for (const auto& inner : node->blocks()) visit(inner.get());
    }
  };
  visit(block);
  return uses;
}

}  // namespace ts2coreml::ir
