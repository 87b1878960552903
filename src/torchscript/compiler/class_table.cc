#include "torchscript/compiler/class_table.h"

#include <regex>

#include "core/error.h"
#include "torchscript/syntax/parser.h"

namespace ts2coreml::torchscript {

namespace {

std::string moduleToEntry(const std::string& moduleName) {
  std::string path = "code/";
  for (char c : moduleName) path += c == '.' ? '/' : c;
  return path + ".py";
}

std::pair<std::string, std::string> splitQualified(const std::string& name) {
  size_t dot = name.rfind('.');
  if (dot == std::string::npos) return {"", name};
  return {name.substr(0, dot), name.substr(dot + 1)};
}

std::string baseKind(const ClassDef& def) {
  for (const auto& base : def.bases) {
    if (base->kind == ExprKind::Name) return static_cast<const NameExpr&>(*base).id;
  }
  return "";
}

}  // namespace

std::string SourceFile::lineText(int line) const {
  size_t start = 0;
  for (int i = 1; i < line && start != std::string::npos; ++i) {
    start = text.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos || start >= text.size()) return "";
  size_t end = text.find('\n', start);
  std::string result =
      text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  size_t first = result.find_first_not_of(' ');
  return first == std::string::npos ? "" : result.substr(first);
}

std::string demangle(const std::string& qualifiedName) {
  static const std::regex mangle(R"(\.___torch_mangle_\d+)");
  return std::regex_replace(qualifiedName, mangle, "");
}

const SourceFile* ClassTable::loadFile(const std::string& moduleName) {
  auto it = files_.find(moduleName);
  if (it != files_.end()) return it->second.get();
  std::unique_ptr<SourceFile> file;
  std::string entry = moduleToEntry(moduleName);
  if (archive_.has(entry)) {
    file = std::make_unique<SourceFile>();
    file->entry = entry;
    file->text = archive_.readText(entry);
    file->module = parseModule(file->text, entry);
    file->debugRanges = archive_.debugRanges(entry);
    for (const auto& statement : file->module->body) {
      if (statement->kind == StmtKind::ClassDef) {
        const auto& def = static_cast<const ClassDef&>(*statement);
        auto info = std::make_unique<ClassInfo>();
        info->qualifiedName = moduleName + "." + def.name;
        info->def = &def;
        info->file = file.get();
        info->kind = baseKind(def);
        for (const auto& member : def.body) {
          if (member->kind == StmtKind::FunctionDef) {
            const auto& fn = static_cast<const FunctionDef&>(*member);
            info->methods[fn.name] =
                FunctionInfo{info->qualifiedName + "." + fn.name, &fn, file.get()};
          } else if (member->kind == StmtKind::Assign && info->kind == "Enum") {
            // Enum members print as `NAME = value`.
            const auto& assign = static_cast<const AssignStmt&>(*member);
            if (assign.targets.size() == 1 && assign.targets[0]->kind == ExprKind::Name)
              info->constants[static_cast<const NameExpr&>(*assign.targets[0]).id] =
                  assign.value.get();
          } else if (member->kind == StmtKind::AnnAssign) {
            const auto& ann = static_cast<const AnnAssignStmt&>(*member);
            if (ann.target->kind != ExprKind::Name) continue;
            const std::string& name = static_cast<const NameExpr&>(*ann.target).id;
            if (ann.value) {
              info->constants[name] = ann.value.get();
            } else {
              info->attributeTypes[name] = ann.annotation.get();
              info->attributeOrder.push_back(name);
            }
          }
        }
        classes_[info->qualifiedName] = std::move(info);
      } else if (statement->kind == StmtKind::FunctionDef) {
        const auto& fn = static_cast<const FunctionDef&>(*statement);
        std::string name = moduleName + "." + fn.name;
        functions_[name] = std::make_unique<FunctionInfo>(FunctionInfo{name, &fn, file.get()});
      }
    }
  }
  const SourceFile* raw = file.get();
  files_[moduleName] = std::move(file);
  return raw;
}

const ClassInfo* ClassTable::findClass(const std::string& qualifiedName) {
  auto [moduleName, name] = splitQualified(qualifiedName);
  if (moduleName.empty()) return nullptr;
  loadFile(moduleName);
  auto it = classes_.find(qualifiedName);
  return it == classes_.end() ? nullptr : it->second.get();
}

const FunctionInfo* ClassTable::findFunction(const std::string& qualifiedName) {
  auto [moduleName, name] = splitQualified(qualifiedName);
  if (moduleName.empty()) return nullptr;
  loadFile(moduleName);
  auto it = functions_.find(qualifiedName);
  return it == functions_.end() ? nullptr : it->second.get();
}

}  // namespace ts2coreml::torchscript
