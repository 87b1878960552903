// Operator schemas as torch prints them (`str(torch._C.FunctionSchema)`), parsed into argument
// lists with IR types and default values. They drive overload resolution, default filling and
// output types when the compiler meets `torch.X(...)` in archive code.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ivalue.h"
#include "ir/type.h"

namespace ts2coreml::torchscript::schema {

struct Argument {
  std::string name;  // may be empty for returns
  // IR type; type variables (t, t1, ...) are Any here. ScalarType/MemoryFormat/Layout are ints
  // because printed code passes them as ints.
  ir::TypePtr type;
  // The same type with every type variable kept as ir::Type::classType("$<name>"), so the
  // binder can bind `t` from an argument and substitute it into the return types.
  ir::TypePtr typeWithVars;
  std::optional<IValue> defaultValue;  // `int[2] stride=1` is already broadcast to [1, 1]
  bool kwargOnly = false;              // declared after `*`
  bool mutates = false;                // alias annotation with `!`: Tensor(a!)
  std::string aliasSet;                // "a" of Tensor(a) / Tensor(a!): values sharing storage
  int fixedListSize = 0;               // N of int[N], else 0
};

struct Schema {
  std::string name;      // "aten::conv2d"
  std::string overload;  // "padding", or "" for the unnamed overload
  std::vector<Argument> arguments;
  std::vector<Argument> returns;
  bool varargs = false;  // `...` in the arguments: extra positionals pass through
  bool varret = false;   // `-> ...`
  std::string text;      // the schema as written, for messages

  // "aten::conv2d.padding" (or just the name when there is no overload name).
  std::string qualifiedOverload() const;
};

// Parses one schema line; throws Error naming the text and the offending position.
Schema parseSchema(std::string_view text);

// Name of the type variable in a `typeWithVars` type ("t" for classType("$t")), or "".
std::string typeVariableName(const ir::TypePtr& type);

// Replaces type variables in `typeWithVars` by their bindings; unbound ones become Any.
ir::TypePtr substituteTypeVariables(const ir::TypePtr& typeWithVars,
                                    const std::map<std::string, ir::TypePtr>& bindings);

}  // namespace ts2coreml::torchscript::schema
