// The classes and functions of an archive's code/ tree, parsed on first use. A qualified name
// `__torch__.a.b.Name` lives in code/__torch__/a/b.py.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "archive/torchscript_archive.h"
#include "torchscript/syntax/ast.h"

namespace ts2coreml::torchscript {

struct SourceFile {
  std::string entry;  // "code/__torch__.py"
  std::string text;
  std::unique_ptr<Module> module;
  std::vector<archive::DebugRange> debugRanges;
  // The serialized line `line` (1-based), trimmed.
  std::string lineText(int line) const;
};

struct FunctionInfo {
  std::string qualifiedName;
  const FunctionDef* def = nullptr;
  const SourceFile* file = nullptr;
};

struct ClassInfo {
  std::string qualifiedName;
  const ClassDef* def = nullptr;
  const SourceFile* file = nullptr;
  std::string kind;  // "Module", "NamedTuple", "Enum", "Interface", "ModuleInterface" or "" (class)
  std::map<std::string, FunctionInfo> methods;
  std::map<std::string, const Expr*> constants;       // `name : Final[T] = value`
  std::map<std::string, const Expr*> attributeTypes;  // `name : T`, in any order
  std::vector<std::string> attributeOrder;            // slot order
};

class ClassTable {
 public:
  explicit ClassTable(const archive::TorchScriptArchive& archive) : archive_(archive) {}

  // Null when the archive has no such class / function.
  const ClassInfo* findClass(const std::string& qualifiedName);
  const FunctionInfo* findFunction(const std::string& qualifiedName);

 private:
  const SourceFile* loadFile(const std::string& moduleName);

  const archive::TorchScriptArchive& archive_;
  std::map<std::string, std::unique_ptr<SourceFile>> files_;  // by module name; null = absent
  std::map<std::string, std::unique_ptr<ClassInfo>> classes_;
  std::map<std::string, std::unique_ptr<FunctionInfo>> functions_;
};

// Strips `.___torch_mangle_N` components: the Python-visible class name.
std::string demangle(const std::string& qualifiedName);

}  // namespace ts2coreml::torchscript
