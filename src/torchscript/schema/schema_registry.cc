#include "torchscript/schema/schema_registry.h"

#include "core/error.h"
#include "torchscript/schema/embedded_schemas.h"

namespace ts2coreml::torchscript::schema {

SchemaRegistry::SchemaRegistry(std::string_view tableText) {
  size_t start = 0;
  while (start < tableText.size()) {
    size_t end = tableText.find('\n', start);
    if (end == std::string_view::npos) end = tableText.size();
    std::string_view line = tableText.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    try {
      auto parsed = std::make_unique<Schema>(parseSchema(line));
      byName_[parsed->name].push_back(parsed.get());
      schemas_.push_back(std::move(parsed));
    } catch (const Error&) {
      // A type this reader does not know only costs that one overload.
      unparsed_.emplace_back(line);
    }
  }
}

const SchemaRegistry& SchemaRegistry::instance() {
  static const SchemaRegistry registry([] {
    std::string text;
    for (size_t i = 0; i < kOpSchemaChunkCount; ++i) text += kOpSchemaChunks[i];
    return SchemaRegistry(text);
  }());
  return registry;
}

const std::vector<const Schema*>& SchemaRegistry::lookup(std::string_view qualifiedName) const {
  static const std::vector<const Schema*> none;
  auto it = byName_.find(std::string(qualifiedName));
  return it == byName_.end() ? none : it->second;
}

const Schema* SchemaRegistry::find(std::string_view qualifiedName,
                                   std::string_view overload) const {
  for (const Schema* s : lookup(qualifiedName)) {
    if (s->overload == overload) return s;
  }
  return nullptr;
}

}  // namespace ts2coreml::torchscript::schema
