#include "torchscript/compiler/environment.h"

namespace ts2coreml::torchscript {

SValue Environment::lookup(const std::string& name) const {
  for (const Environment* env = this; env; env = env->parent_) {
    auto it = env->vars_.find(name);
    if (it != env->vars_.end()) return it->second;
  }
  return nullptr;
}

SValue Environment::local(const std::string& name) const {
  auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : it->second;
}

void Environment::assign(const std::string& name, SValue value) {
  if (!vars_.count(name)) order_.push_back(name);
  vars_[name] = std::move(value);
}

void Environment::rebindValue(ir::Value* from, SValue to) {
  // Names in outer scopes are shadowed in this one, so the new binding stays local: the merge
  // at the end of a branch or loop body then carries it out like any other assignment.
  std::vector<std::string> names;
  for (const Environment* env = this; env; env = env->parent_) {
    for (const auto& [name, value] : env->vars_) {
      if (value && value->isValue() && value->value == from) names.push_back(name);
    }
  }
  for (const auto& name : names) {
    SValue current = lookup(name);
    if (current && current->isValue() && current->value == from) assign(name, to);
  }
  const Environment* top = this;
  while (top->parent_) top = top->parent_;
  if (top->caller_) top->caller_->rebindValue(from, to);
}

}  // namespace ts2coreml::torchscript
