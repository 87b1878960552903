// Lexical scopes of the compiler: name -> compile-time value. A child scope is opened for each
// branch and loop body so the compiler can see which names a block assigned.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "torchscript/compiler/sugared_value.h"

namespace ts2coreml::torchscript {

class Environment {
 public:
  // `caller`: for the top scope of an inlined function, the caller's scope at the call, which
  // sees the rebinding of arguments the function mutates in place (as torch's caller does).
  explicit Environment(Environment* parent = nullptr, Environment* caller = nullptr)
      : parent_(parent), caller_(caller) {}

  // The value of `name` in this scope or an enclosing one; null when unbound.
  SValue lookup(const std::string& name) const;
  void assign(const std::string& name, SValue value);
  // Names assigned in this scope itself, in first-assignment order.
  const std::vector<std::string>& assignedNames() const { return order_; }
  SValue local(const std::string& name) const;
  Environment* parent() const { return parent_; }
  // Rebinds every name (in this scope and its parents) bound to IR value `from` to `to`; used for
  // in-place ops, whose result replaces the tensor they mutate. Goes on into the caller's scope.
  void rebindValue(ir::Value* from, SValue to);

 private:
  Environment* parent_;
  Environment* caller_;
  std::map<std::string, SValue> vars_;
  std::vector<std::string> order_;
};

}  // namespace ts2coreml::torchscript
