#include "torchscript/compiler/sugared_value.h"

namespace ts2coreml::torchscript {

std::string SugaredValue::describe() const {
  switch (kind) {
    case Kind::Value:
      return value ? value->type()->str() : "value";
    case Kind::Module:
      return "module " + name;
    case Kind::Function:
      return "function " + name;
    case Kind::BoundMethod:
      return "method " + name;
    case Kind::Namespace:
      return "namespace " + name;
    case Kind::ClassRef:
      return "class " + name;
    case Kind::Builtin:
      return "builtin " + name;
    case Kind::List:
      return "list of " + std::to_string(items.size());
    case Kind::Tuple:
      return "tuple of " + std::to_string(items.size());
    case Kind::Dict:
      return "dict of " + std::to_string(entries.size());
    case Kind::Uninitialized:
      return "uninitialized value";
    case Kind::StackedList:
      return "list whose length depends on the data";
    case Kind::MaybeNone:
      return "Optional value that is None or not depending on the data";
    case Kind::Object:
      return "object of " + name;
  }
  return "value";
}

}  // namespace ts2coreml::torchscript
