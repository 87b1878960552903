// The MIL op table: one row per MIL op (declared in mil_ops.def), read by every layer that knows
// MIL ops by name (lowerings, verifier, fp16 pass, ML Program opset check, neural-network backend,
// runtime). The rows are constexpr so that an op name written in a lowering is checked by the
// compiler (MilOpName below).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ts2coreml::ir {

// One parameter of a MIL op.
struct MilInputSpec {
  std::string_view name;
  bool optional = false;
  bool mustBeConst = false;  // the value must come from a mil.const
  bool variadic = false;     // a list: consecutive inputs of this name (concat.values)
};

// How the fp16-compute-precision pass treats the op.
enum class MilFp16 : uint8_t {
  Computes,  // computes in fp16; --fp32-ops can keep it in fp32
  Special,   // the pass handles the op itself (see MilOpSpec::fp16Note)
};

// What the neural-network backend does with the op.
enum class MilNeuralNetwork : uint8_t {
  Lowered,         // a lowering function of nn_registry.cc (MilOpSpec::nnDetail names it)
  BackendHandles,  // handled by the backend itself (nnDetail says how)
  MlProgramOnly,   // no layer: the conversion is refused (nnDetail says why)
};

struct MilOpSpec {
  std::string_view name;    // without the IR's "mil." prefix
  int introducedInIos = 0;  // the iOS release whose ML Program opset introduced the op
  MilFp16 fp16 = MilFp16::Computes;
  std::string_view fp16Note;
  MilNeuralNetwork neuralNetwork = MilNeuralNetwork::Lowered;
  std::string_view nnDetail;
  std::string_view runtimeFunction;  // registered by runtime/mil/ops_<family>.cc
  std::span<const MilInputSpec> inputs;

  // The parameter called `inputName`, or null.
  constexpr const MilInputSpec* input(std::string_view inputName) const {
    for (const MilInputSpec& spec : inputs) {
      if (spec.name == inputName) return &spec;
    }
    return nullptr;
  }
  // The Core ML specification version of the ML Program opset that has the op (iOS15 -> 6).
  constexpr int specificationVersion() const { return introducedInIos - 9; }
};

namespace mil_op_rows {
// The parameter lists, one array per op (`<op>_inputs`), each ending in an unnamed sentinel so
// that an op without inputs (const) still has an array.
#define REQUIRED(n)         \
  MilInputSpec {            \
#n, false, false, false \
  }
#define OPTIONAL(n)        \
  MilInputSpec {           \
#n, true, false, false \
  }
#define REQUIRED_CONST(n)  \
  MilInputSpec {           \
#n, false, true, false \
  }
#define OPTIONAL_CONST(n) \
  MilInputSpec {          \
#n, true, true, false \
  }
#define VARIADIC(n)        \
  MilInputSpec {           \
#n, false, false, true \
  }
#define MIL_OP(op, ios, fp16, nn, runtime, ...) \
  inline constexpr MilInputSpec op##_inputs[] = {__VA_ARGS__ __VA_OPT__(, ) MilInputSpec{}};
#include "ir/mil_ops.def"
#undef MIL_OP
#undef REQUIRED
#undef OPTIONAL
#undef REQUIRED_CONST
#undef OPTIONAL_CONST
#undef VARIADIC
}  // namespace mil_op_rows

#define FP16 MilFp16::Computes, ""
#define FP16_SPECIAL(why) MilFp16::Special, why
#define NN(function) MilNeuralNetwork::Lowered, #function
#define NN_BACKEND(how) MilNeuralNetwork::BackendHandles, how
#define ML_PROGRAM_ONLY(why) MilNeuralNetwork::MlProgramOnly, why
#define NOT_EMITTED \
  "no lowering or pass makes the op (the runtime runs it for programs that other tools wrote)"
#define MIL_OP(op, ios, fp16, nn, runtime, ...)                     \
  MilOpSpec{#op,                                                    \
            ios,                                                    \
            fp16,                                                   \
            nn,                                                     \
            #runtime,                                               \
            std::span<const MilInputSpec>(mil_op_rows::op##_inputs, \
                                          std::size(mil_op_rows::op##_inputs) - 1)},
// Every row of mil_ops.def, in its order.
inline constexpr MilOpSpec kMilOps[] = {
#include "ir/mil_ops.def"
};
#undef MIL_OP
#undef FP16
#undef FP16_SPECIAL
#undef NN
#undef NN_BACKEND
#undef ML_PROGRAM_ONLY
#undef NOT_EMITTED

constexpr const MilOpSpec* findMilOpSpecConstexpr(std::string_view name) {
  for (const MilOpSpec& op : kMilOps) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

// The row of the op `name` (without "mil."), or null; a hash lookup for use at run time.
const MilOpSpec* findMilOpSpec(std::string_view name);
// The row of the IR node kind `kind` ("mil.conv"), or null for other kinds and unknown ops.
const MilOpSpec* findMilOpSpecOfKind(std::string_view kind);

// A MIL op name that the table has. Written as a literal (`b.op("conv", ...)`), it is checked
// when compiling: an op missing from mil_ops.def stops the build at the line that names it.
class MilOpName {
 public:
  consteval MilOpName(const char* name) : name_(name) {
    // Not a constant expression, so the compiler reports the call: the op is not in the table.
    if (!findMilOpSpecConstexpr(name_)) throw "MIL op name not in src/ir/mil_ops.def";
  }
  // A name computed at run time: throws Error (an internal error) when the table lacks it.
  static MilOpName checked(std::string_view name);

  constexpr std::string_view view() const { return name_; }
  std::string str() const { return std::string(name_); }
  const MilOpSpec& spec() const { return *findMilOpSpec(name_); }

 private:
  struct Verified {};
  constexpr MilOpName(std::string_view name, Verified) : name_(name) {}
  std::string_view name_;
};

}  // namespace ts2coreml::ir
