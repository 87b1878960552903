// The MIL op signature check (verifyMilOpSignatures) against the op table, on IR text.
#include <gtest/gtest.h>

#include "core/error.h"
#include "ir/parser.h"
#include "ir/verifier.h"

namespace ts2coreml::ir {
namespace {

// The verifier's message for `body` (the lines after the graph header), or "" when it passes.
std::string verifyError(const std::string& body) {
  const std::string text =
      "graph(%x.0 : Tensor<float32 2x3>):\n"
      "  %1 : Tensor<int32 1> = mil.const[val=Tensor<int32 1>{1}]()\n"
      "  %2 : Tensor<bool scalar> = mil.const[val=Tensor<bool scalar>{0}]()\n" +
      body;
  auto graph = parseGraph(text, "test.ir");
  try {
    verifyMilOpSignatures(*graph, "after pass p");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(MilSignatureVerifier, AcceptsOpsThatMatchTheirRows) {
  // Optional parameters may be left out; a list parameter takes consecutive inputs.
  EXPECT_EQ(verifyError("  %3 : Tensor<float32 2x3> = mil.relu(x=%x.0)\n"
                        "  %4 : Tensor<float32 4x3> = mil.concat(values=%x.0, values=%3, axis=%1, "
                        "interleave=%2)\n"
                        "  %5 : Tensor<float32 4x3> = mil.softmax(x=%4)\n"
                        "  return (%5)\n"),
            "");
}

TEST(MilSignatureVerifier, RejectsAnUnknownOp) {
  EXPECT_EQ(verifyError("  %3 : Tensor<float32 2x3> = mil.frobnicate(x=%x.0)\n  return (%3)\n"),
            "after pass p: invalid MIL: op mil.frobnicate: unknown MIL op (not in "
            "src/ir/mil_ops.def)");
}

TEST(MilSignatureVerifier, RejectsAnUnknownInputName) {
  const std::string error =
      verifyError("  %3 : Tensor<float32 2x3> = mil.relu(x=%x.0, alpha=%1)\n  return (%3)\n");
  EXPECT_NE(error.find("no parameter 'alpha' in the row of 'relu'"), std::string::npos) << error;
}

TEST(MilSignatureVerifier, RejectsAMissingRequiredInput) {
  const std::string error =
      verifyError("  %3 : Tensor<float32 2x3> = mil.add(x=%x.0)\n  return (%3)\n");
  EXPECT_NE(error.find("required parameter 'y' missing"), std::string::npos) << error;
}

TEST(MilSignatureVerifier, RejectsAVariableWhereAConstantIsRequired) {
  // transpose.perm must be a constant; here it is computed.
  const std::string error = verifyError(
      "  %3 : Tensor<int32 2> = mil.shape(x=%x.0)\n"
      "  %4 : Tensor<float32 3x2> = mil.transpose(x=%x.0, perm=%3)\n  return (%4)\n");
  EXPECT_NE(error.find("parameter 'perm' must be a constant (mil.const)"), std::string::npos)
      << error;
}

TEST(MilSignatureVerifier, RejectsAParameterGivenTwice) {
  // Only a list parameter may repeat, and only on consecutive inputs.
  EXPECT_NE(verifyError("  %3 : Tensor<float32 2x3> = mil.add(x=%x.0, x=%x.0, y=%x.0)\n"
                        "  return (%3)\n")
                .find("parameter 'x' given twice"),
            std::string::npos);
  EXPECT_NE(verifyError("  %3 : Tensor<float32 6x3> = mil.concat(values=%x.0, axis=%1, "
                        "values=%x.0)\n  return (%3)\n")
                .find("parameter 'values' given twice"),
            std::string::npos);
}

TEST(MilSignatureVerifier, SkipsANodeARewriteRetired) {
  // A rewrite clears the inputs of the node it replaces and leaves it to dead-code elimination;
  // while unused it is no op of the program. Used, the same node is an add without inputs.
  EXPECT_EQ(verifyError("  %3 : Tensor<float32 2x3> = mil.add()\n  return (%x.0)\n"), "");
  EXPECT_NE(verifyError("  %3 : Tensor<float32 2x3> = mil.add()\n  return (%3)\n")
                .find("required parameter 'x' missing"),
            std::string::npos);
}

TEST(MilSignatureVerifier, ChecksNestedBlocks) {
  const std::string error = verifyError(
      "  %3 : Tensor<float32 2x3> = mil.cond(pred=%2)\n"
      "    block0():\n"
      "      %4 : Tensor<float32 2x3> = mil.relu(y=%x.0)\n"
      "      -> (%4)\n"
      "    block1():\n"
      "      -> (%x.0)\n"
      "  return (%3)\n");
  EXPECT_NE(error.find("no parameter 'y' in the row of 'relu'"), std::string::npos) << error;
}

}  // namespace
}  // namespace ts2coreml::ir
