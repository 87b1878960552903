// Compiled (not linked) by two ctest cases of CMakeLists.txt: an ir::MilOpName literal that the
// op table (src/ir/mil_ops.def) has compiles; one it lacks must stop the build with the table's
// message, which is how a lowering that emits an unknown MIL op is caught.
#include "ir/mil_op_table.h"

#ifdef TS2COREML_UNKNOWN_OP
constexpr ts2coreml::ir::MilOpName kOp = "no_such_mil_op";
#else
constexpr ts2coreml::ir::MilOpName kOp = "conv";
#endif

static_assert(!kOp.view().empty());
