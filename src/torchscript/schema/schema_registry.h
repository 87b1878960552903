// All operator schemas of the embedded table (data/op_schemas.txt), by qualified name, in the
// table's order, which is torch's registry order (overload resolution depends on it).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "torchscript/schema/schema.h"

namespace ts2coreml::torchscript::schema {

class SchemaRegistry {
 public:
  // Parses the table on first use (thread-safe).
  static const SchemaRegistry& instance();

  // Schemas of "aten::add" in table order; empty when the op is unknown.
  const std::vector<const Schema*>& lookup(std::string_view qualifiedName) const;
  // One overload ("aten::div", "Tensor_mode"); null when absent.
  const Schema* find(std::string_view qualifiedName, std::string_view overload) const;

  size_t size() const { return schemas_.size(); }
  // Table lines that did not parse (skipped): kept for a test that bounds them.
  const std::vector<std::string>& unparsedLines() const { return unparsed_; }

  // Builds a registry from table text (one schema per line, '#' comments); used by instance()
  // and by tests.
  explicit SchemaRegistry(std::string_view tableText);

 private:
  std::vector<std::unique_ptr<Schema>> schemas_;
  std::unordered_map<std::string, std::vector<const Schema*>> byName_;
  std::vector<std::string> unparsed_;
};

}  // namespace ts2coreml::torchscript::schema
