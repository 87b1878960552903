// Entry points: binding the input specs to forward()'s parameters, compiling, and the graph's
// outputs.
#include "torchscript/compiler/compiler.h"

#include "core/error.h"
#include "torchscript/compiler/module_compiler.h"

namespace ts2coreml::torchscript {

namespace {

struct RootModule {
  std::shared_ptr<ObjectValue> object;
  const ClassInfo* info = nullptr;
  const FunctionInfo* forward = nullptr;
};

RootModule findRoot(const archive::TorchScriptArchive& archive, ClassTable& classes) {
  IValue data = archive.loadData();
  if (!data.isObject()) throw Error(archive.path() + ": data.pkl does not hold a module object");
  RootModule root;
  root.object = data.toObject();
  root.info = classes.findClass(root.object->className);
  if (!root.info) {
    throw Error(archive.path() + ": class " + root.object->className +
                " of the root module is not in code/");
  }
  auto it = root.info->methods.find("forward");
  if (it == root.info->methods.end()) {
    throw Error(archive.path() + ": module " + demangle(root.object->className) +
                " has no forward() method");
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

ir::SourceLocation ModuleCompiler::locate(const Expr& expr) const {
  return locateAt(fileStack_.empty() ? nullptr : fileStack_.back(), expr.pos);
}

ir::SourceLocation ModuleCompiler::locate(const Stmt& stmt) const {
  return locateAt(fileStack_.empty() ? nullptr : fileStack_.back(), stmt.pos);
}

void ModuleCompiler::fail(const Expr& where, const std::string& what) const {
  std::string place = locate(where).describe();
  throw Error(place.empty() ? what : place + ": " + what);
}

void ModuleCompiler::fail(const Stmt& where, const std::string& what) const {
  std::string place = locate(where).describe();
  throw Error(place.empty() ? what : place + ": " + what);
}

std::vector<ForwardParameter> forwardParameters(const archive::TorchScriptArchive& archive) {
  ClassTable classes(archive);
  RootModule root = findRoot(archive, classes);
  std::vector<ForwardParameter> params;
  const auto& defParams = root.forward->def->params;
  for (size_t i = 1; i < defParams.size(); ++i) {
    params.push_back({defParams[i].name, annotationText(defParams[i].annotation.get()),
                      defParams[i].defaultValue != nullptr});
  }
  return params;
}

CompileResult compileForward(const archive::TorchScriptArchive& archive,
                             const std::vector<InputSpec>& inputs, bool allowUnknownShapes) {
  ClassTable classes(archive);
  RootModule root = findRoot(archive, classes);
  CompileResult result;
  result.graph = std::make_unique<ir::Graph>();
  ModuleCompiler compiler(archive, classes, *result.graph, result.warnings);

  if (const IValue* training = root.object->attribute("training");
      training && training->isBool() && training->toBool()) {
    compiler.warn(
        "the module was saved in training mode; call .eval() before torch.jit.save to convert "
        "inference behaviour (dropout, batch norm statistics)");
  }

  // Bind input specs to forward(self, ...) parameters: by name, else by position.
  const auto& params = root.forward->def->params;
  std::vector<const InputSpec*> bound(params.size(), nullptr);
  size_t nextPositional = 1;
  for (const InputSpec& spec : inputs) {
    size_t index = 0;
    if (!spec.name.empty()) {
      for (size_t i = 1; i < params.size(); ++i) {
        if (params[i].name == spec.name) index = i;
      }
      if (!index) {
        std::string names;
        for (size_t i = 1; i < params.size(); ++i) names += (i > 1 ? ", " : "") + params[i].name;
        throw Error("--input '" + spec.name +
                    "': forward() has no parameter of that name (parameters: " + names + ")");
      }
    } else {
      while (nextPositional < params.size() && bound[nextPositional]) ++nextPositional;
      if (nextPositional >= params.size()) {
        throw Error("too many --input specs: forward() takes " + std::to_string(params.size() - 1) +
                    " input(s)");
      }
      index = nextPositional++;
    }
    if (bound[index]) throw Error("--input '" + params[index].name + "' is given twice");
    bound[index] = &spec;
  }
  CallArguments args;
  for (size_t i = 1; i < params.size(); ++i) {
    if (!bound[i]) {
      if (params[i].defaultValue) break;  // the rest take their defaults
      if (allowUnknownShapes) {
        ir::Value* input = result.graph->addInput(ir::Type::tensor(DType::Float32), params[i].name);
        result.inputSpecIndex.push_back(-1);
        args.positional.push_back(SugaredValue::ofValue(input));
        continue;
      }
      throw Error("missing --input for forward() parameter '" + params[i].name +
                  "' (e.g. --input " + params[i].name + ":1x3x224x224)");
    }
    const std::string& name =
        bound[i]->featureName.empty() ? params[i].name : bound[i]->featureName;
    ir::Value* input =
        result.graph->addInput(ir::Type::tensor(bound[i]->dtype, bound[i]->compileShape()), name);
    result.inputSpecIndex.push_back(static_cast<int>(bound[i] - inputs.data()));
    args.positional.push_back(SugaredValue::ofValue(input));
  }

  SValue output;
  try {
    output = compiler.inlineFunction(*root.forward, SugaredValue::ofModule(root.object), args);
  } catch (const BlockRaises& raise) {
    throw Error(raise.location.describe() + ": the model always raises " + raise.message +
                " for the given input shapes");
  }
  ir::Value* value = compiler.materialize(output);
  if (value->type()->kind() == ir::TypeKind::None)
    throw Error("forward() returns None; nothing to convert");
  result.graph->top()->addReturn(value);
  return result;
}

}  // namespace ts2coreml::torchscript
