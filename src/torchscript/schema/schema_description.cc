#include "torchscript/schema/schema_description.h"

#include "torchscript/schema/schema_registry.h"

namespace ts2coreml::torchscript {

std::string describeWithSchema(const ir::Node& node) {
  std::string text = node.describe();
  const auto& overloads = schema::SchemaRegistry::instance().lookup(node.kind());
  for (const schema::Schema* candidate : overloads) {
    if (candidate->arguments.size() == node.inputs().size())
      return text + ", schema " + candidate->text;
  }
  return text;
}

}  // namespace ts2coreml::torchscript
