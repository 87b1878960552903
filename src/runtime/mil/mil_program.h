// An ML program prepared for execution: the proto's function "main" with every op resolved to its
// kernel, every const decoded once (blob-file values are zero-copy views into the mapped
// weight.bin) and every declared type turned into a ValueSpec. Unsupported ops and malformed
// values are reported at load time, naming the op.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coreml/proto/MIL.pb.h"
#include "runtime/mil/mil_value.h"

namespace ts2coreml::runtime::mil {

class OpContext;
using MilOpFn = void (*)(OpContext&);

// A declared value type: tensor dtype and shape (-1 dims unknown), or a string scalar.
struct ValueSpec {
  std::string name;
  bool isString = false;
  std::optional<DType> dtype;  // nullopt: a MIL dtype the runtime has no DType for
  bool rankKnown = true;
  Shape shape;
  std::string describe() const;  // "fp32 1x?x3"
};

struct ArgBinding {
  std::string name;                          // a value name, or empty for an inline constant
  std::shared_ptr<const MilValue> constant;  // set for inline `value` bindings
};

struct CompiledBlock;

struct CompiledOp {
  std::string type;
  std::string name;  // attribute "name" (may be empty)
  MilOpFn fn = nullptr;
  std::vector<std::pair<std::string, std::vector<ArgBinding>>> inputs;
  std::vector<ValueSpec> outputs;
  std::vector<CompiledBlock> blocks;
  std::shared_ptr<const MilValue> constValue;  // const ops
  std::string describe() const;                // "op conv 'conv_0'"
};

struct CompiledBlock {
  std::vector<ValueSpec> inputs;
  std::vector<CompiledOp> ops;
  std::vector<std::string> outputs;
};

struct CompiledFunction {
  std::string opset;
  std::vector<ValueSpec> inputs;
  CompiledBlock block;
};

// `weightsDir` is where "@model_path/weights/<file>" references resolve (empty: none);
// `packageRoot` the .mlpackage holding it (empty for a .mlmodel), which links must not leave.
CompiledFunction compileFunction(const CoreML::Specification::MILSpec::Program& program,
                                 const std::string& functionName, const std::string& weightsDir,
                                 const std::string& packageRoot = {});

// ValueSpec of a proto type; Error naming `where` for types the runtime cannot hold.
ValueSpec valueSpecOf(const CoreML::Specification::MILSpec::ValueType& type,
                      const std::string& name, const std::string& where);

}  // namespace ts2coreml::runtime::mil
