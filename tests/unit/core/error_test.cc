// The error type keeps the place and the detail apart, so that the place is attached once, by
// the code that knows it, and never twice.
#include "core/error.h"

#include <gtest/gtest.h>

namespace ts2coreml {
namespace {

TEST(Error, AtAPlaceJoinsPlaceAndDetail) {
  Error error = Error::at("model.py:3", "index 5 is out of range");
  EXPECT_STREQ(error.what(), "model.py:3: index 5 is out of range");
  EXPECT_TRUE(error.located());
  EXPECT_EQ(error.where(), "model.py:3");
  EXPECT_EQ(error.detail(), "index 5 is out of range");
}

TEST(Error, AtNoPlaceStaysUnlocated) {
  Error error = Error::at("", "index 5 is out of range");
  EXPECT_STREQ(error.what(), "index 5 is out of range");
  EXPECT_FALSE(error.located());
  EXPECT_EQ(error.detail(), "index 5 is out of range");
}

TEST(Error, LocatingAnUnlocatedErrorPutsThePlaceInFront) {
  Error cause("integer division by zero");
  EXPECT_FALSE(cause.located());
  Error located("op aten::floordiv at model.py:7", cause);
  EXPECT_STREQ(located.what(), "op aten::floordiv at model.py:7: integer division by zero");
  EXPECT_TRUE(located.located());
  EXPECT_EQ(located.detail(), "integer division by zero");
}

TEST(Error, NotesFollowTheDetailAndTheOpIsKept) {
  Error error("no overload of aten::add matches (str, int); candidates");
  error.withOp("aten::add").withNote("aten::add.Tensor(...)").withNote("aten::add.int(...)");
  EXPECT_STREQ(error.what(),
               "no overload of aten::add matches (str, int); candidates: aten::add.Tensor(...); "
               "aten::add.int(...)");
  EXPECT_EQ(error.op(), "aten::add");
  EXPECT_EQ(error.notes().size(), 2u);
  // Located later, the notes and the op stay with it.
  Error located("model.py:9", error);
  EXPECT_EQ(std::string(located.what()), "model.py:9: " + std::string(error.what()));
  EXPECT_EQ(located.op(), "aten::add");
  EXPECT_EQ(located.notes().size(), 2u);
}

TEST(Error, LocatingALocatedErrorKeepsItsPlaceBehind) {
  Error inner = Error::at("op mil.conv", "weight must be rank 4");
  Error outer("layer 'conv_0'", inner);
  EXPECT_STREQ(outer.what(), "layer 'conv_0': op mil.conv: weight must be rank 4");
  EXPECT_EQ(outer.where(), "layer 'conv_0'");
}

TEST(Error, OverLongMessagesKeepStartAndEnd) {
  const std::string detail = std::string(5000, 'x') + "END";
  Error error = Error::at("model.py:3", detail);
  const std::string text = error.what();
  EXPECT_LE(text.size(), kMaxErrorMessage + 60);
  EXPECT_EQ(text.rfind("model.py:3: ", 0), 0u);
  EXPECT_EQ(text.substr(text.size() - 3), "END");
}

}  // namespace
}  // namespace ts2coreml
