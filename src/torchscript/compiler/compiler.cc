// Entry points: binding the input specs to forward()'s parameters, compiling, and the graph's
// outputs.
#include "torchscript/compiler/compiler.h"

#include "core/error.h"
#include "torchscript/compiler/entry_parameters.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

namespace {

struct RootModule {
  std::shared_ptr<ObjectValue> object;
  const ClassInfo* info = nullptr;
  const FunctionInfo* forward = nullptr;
};

std::string methodNames(const ClassInfo& info) {
  std::string names;
  for (const auto& [name, method] : info.methods) names += (names.empty() ? "" : ", ") + name;
  return names;
}

// The module `entry.modulePath` names (from the root in data.pkl) and its method `entry.method`.
RootModule findRoot(const archive::TorchScriptArchive& archive, ClassTable& classes,
                    const EntryPoint& entry) {
  IValue data = archive.loadData();
  if (!data.isObject()) throw Error(archive.path() + ": data.pkl does not hold a module object");
  RootModule root;
  root.object = data.toObject();
  std::string walked;
  size_t start = 0;
  while (start < entry.modulePath.size()) {
    size_t dot = entry.modulePath.find('.', start);
    std::string part = entry.modulePath.substr(start, dot == std::string::npos ? dot : dot - start);
    start = dot == std::string::npos ? entry.modulePath.size() : dot + 1;
    const IValue* child = root.object->attribute(part);
    if (!child || !child->isObject()) {
      std::string submodules;
      for (const auto& [name, value] : root.object->attributes) {
        if (value.isObject()) submodules += (submodules.empty() ? "" : ", ") + name;
      }
      throw Error("--module " + entry.modulePath + ": module " + demangle(root.object->className) +
                  (walked.empty() ? "" : " (" + walked + ")") + " has no submodule '" + part + "'" +
                  (submodules.empty() ? "" : " (submodules: " + submodules + ")"));
    }
    walked += (walked.empty() ? "" : ".") + part;
    root.object = child->toObject();
  }
  root.info = classes.findClass(root.object->className);
  if (!root.info) {
    throw Error(archive.path() + ": class " + root.object->className + " of the " +
                (walked.empty() ? "root module" : "module " + walked) + " is not in code/");
  }
  auto it = root.info->methods.find(entry.method);
  if (it == root.info->methods.end()) {
    throw Error(archive.path() + ": module " + demangle(root.object->className) + " has no " +
                entry.method + "() method (methods: " + methodNames(*root.info) + ")");
  }
  root.forward = &it->second;
  return root;
}

std::string annotationText(const Expr* annotation) {
  if (!annotation) return "";
  if (annotation->kind == ExprKind::Name) return static_cast<const NameExpr*>(annotation)->id;
  return "...";
}

}  // namespace

ModuleCompiler::ModuleCompiler(const archive::TorchScriptArchive& archive, ClassTable& classes,
                               ir::Graph& graph, std::vector<std::string>& warnings)
    : archive_(archive),
      classes_(classes),
      emitter_(graph),
      warnings_(warnings),
      constantsTable_(archive.loadConstants()) {}

void ModuleCompiler::warn(const std::string& message) {
  for (const auto& existing : warnings_) {
    if (existing == message) return;
  }
  warnings_.push_back(message);
}

namespace {

ir::SourceLocation locateAt(const SourceFile* file, const SourcePos& pos) {
  ir::SourceLocation location;
  if (!file) return location;
  location.codeFile = file->entry;
  location.codeLine = pos.line;
  location.codeText = file->lineText(pos.line);
  if (auto range = archive::findDebugRange(file->debugRanges, pos.offset)) {
    location.pythonFile = range->pythonFile;
    location.pythonLine = range->pythonLine;
  }
  return location;
}

}  // namespace

ir::SourceLocation ModuleCompiler::locateLine(const Expr& expr) const {
  ir::SourceLocation location = locate(expr);
  const SourceFile* file = fileStack_.empty() ? nullptr : fileStack_.back();
  if (!file || !location.pythonFile.empty() || expr.pos.offset >= file->text.size())
    return location;
  // torch records no Python line for some statements (an attribute assignment's target); the
  // first record that starts on the same line of code is the same Python statement.
  size_t lineStart = file->text.rfind('\n', expr.pos.offset);
  lineStart = lineStart == std::string::npos ? 0 : lineStart + 1;
  size_t lineEnd = file->text.find('\n', expr.pos.offset);
  if (lineEnd == std::string::npos) lineEnd = file->text.size();
  for (const archive::DebugRange& range : file->debugRanges) {
    if (range.start >= lineStart && range.start < lineEnd && !range.pythonFile.empty()) {
      location.pythonFile = range.pythonFile;
      location.pythonLine = range.pythonLine;
      break;
    }
  }
  return location;
}

ir::SourceLocation ModuleCompiler::locate(const Expr& expr) const {
  return locateAt(fileStack_.empty() ? nullptr : fileStack_.back(), expr.pos);
}

ir::SourceLocation ModuleCompiler::locate(const Stmt& stmt) const {
  return locateAt(fileStack_.empty() ? nullptr : fileStack_.back(), stmt.pos);
}

void ModuleCompiler::fail(const Expr& where, const std::string& what) const {
  throw Error::at(locate(where).describe(), what);
}

void ModuleCompiler::fail(const Stmt& where, const std::string& what) const {
  throw Error::at(locate(where).describe(), what);
}

std::vector<ForwardParameter> forwardParameters(const archive::TorchScriptArchive& archive,
                                                const EntryPoint& entry) {
  ClassTable classes(archive);
  RootModule root = findRoot(archive, classes, entry);
  std::vector<ForwardParameter> params;
  const auto& defParams = root.forward->def->params;
  for (size_t i = 1; i < defParams.size(); ++i) {
    params.push_back({defParams[i].name, annotationText(defParams[i].annotation.get()),
                      defParams[i].defaultValue != nullptr});
  }
  return params;
}

CompileResult compileForward(const archive::TorchScriptArchive& archive,
                             const std::vector<InputSpec>& inputs, bool allowUnknownShapes,
                             const EntryPoint& entry) {
  ClassTable classes(archive);
  RootModule root = findRoot(archive, classes, entry);
  CompileResult result;
  result.graph = std::make_unique<ir::Graph>();
  ModuleCompiler compiler(archive, classes, *result.graph, result.warnings);

  if (const IValue* training = root.object->attribute("training");
      training && training->isBool() && training->toBool()) {
    compiler.warn(
        "the module was saved in training mode; call .eval() before torch.jit.save to convert "
        "inference behaviour (dropout, batch norm statistics)");
  }

  // Bind input specs to the method's parameters (after self): by name, else by position.
  const std::string function = entry.method + "()";
  const auto& params = root.forward->def->params;
  std::vector<const InputSpec*> bound(params.size(), nullptr);
  size_t nextPositional = 1;
  // Named specs first, so positional ones fill the parameters the named ones leave.
  std::vector<const InputSpec*> ordered;
  for (const InputSpec& spec : inputs)
    if (!spec.name.empty()) ordered.push_back(&spec);
  for (const InputSpec& spec : inputs)
    if (spec.name.empty()) ordered.push_back(&spec);
  for (const InputSpec* specPointer : ordered) {
    const InputSpec& spec = *specPointer;
    size_t index = 0;
    if (!spec.name.empty()) {
      for (size_t i = 1; i < params.size(); ++i) {
        if (params[i].name == spec.name) index = i;
      }
      if (!index) {
        std::string names;
        for (size_t i = 1; i < params.size(); ++i) names += (i > 1 ? ", " : "") + params[i].name;
        throw Error("--input '" + spec.name + "': " + function +
                    " has no parameter of that name (parameters: " + names + ")");
      }
    } else {
      while (nextPositional < params.size() && bound[nextPositional]) ++nextPositional;
      if (nextPositional >= params.size()) {
        throw Error("too many --input specs: " + function + " takes " +
                    std::to_string(params.size() - 1) + " input(s)");
      }
      index = nextPositional++;
    }
    if (bound[index]) throw Error("--input '" + params[index].name + "' is given twice");
    bound[index] = &spec;
  }
  // Every bound parameter is passed by keyword, so unbound ones in between take their defaults.
  CallArguments args;
  for (size_t i = 1; i < params.size(); ++i) {
    const std::string& param = params[i].name;
    const ir::TypePtr type =
        params[i].annotation ? compiler.parseType(*params[i].annotation) : ir::Type::tensor();
    auto pass = [&](SValue value) { args.keywords.emplace_back(param, std::move(value)); };
    if (!bound[i]) {
      if (params[i].defaultValue) continue;
      if (type->kind() == ir::TypeKind::Optional) {
        pass(SugaredValue::ofValue(compiler.emitter().constant(IValue())));
        continue;
      }
      if (allowUnknownShapes && type->isTensor()) {
        ir::Value* input = result.graph->addInput(ir::Type::tensor(DType::Float32), param);
        result.inputSpecIndex.push_back(-1);
        pass(SugaredValue::ofValue(input));
        continue;
      }
      throw Error("missing --input for " + function + " parameter '" + param + "' (e.g. --input " +
                  param + (isScalarParameter(type) ? "=VALUE" : ":1x3x224x224") + ")");
    }
    const InputSpec& spec = *bound[i];
    if (spec.constant) {
      pass(SugaredValue::ofValue(
          compiler.emitter().constant(constantForParameter(*spec.constant, type, param))));
      continue;
    }
    const std::string& name = spec.featureName.empty() ? param : spec.featureName;
    if (isScalarParameter(type)) {
      pass(compiler.emitScalarInput(spec, type, name, param));
    } else if (acceptsTensor(type)) {
      pass(SugaredValue::ofValue(
          result.graph->addInput(ir::Type::tensor(spec.dtype, spec.compileShape()), name)));
    } else {
      throw Error("--input '" + param + "': " + function + " parameter '" + param + "' is " +
                  type->str() + ", which can be neither a model input nor fixed at conversion");
    }
    result.inputSpecIndex.push_back(static_cast<int>(&spec - inputs.data()));
  }

  SValue output;
  try {
    output = compiler.inlineFunction(*root.forward, SugaredValue::ofModule(root.object), args);
  } catch (const BlockRaises& raise) {
    throw Error::at(raise.location.describe(),
                    "the model always raises " + raise.message + " for the given input shapes");
  }
  result.outputNames = compiler.emitGraphOutputs(output);
  return result;
}

}  // namespace ts2coreml::torchscript
