#include "archive/debug_records.h"

#include <gtest/gtest.h>

namespace ts2coreml::archive {
namespace {

TEST(FindDebugRange, PicksTheInnermostRangeContainingTheOffset) {
  std::vector<DebugRange> ranges = {{0, 100, "a.py", 1}, {10, 50, "a.py", 2}, {20, 30, "b.py", 3}};
  EXPECT_EQ(findDebugRange(ranges, 5)->pythonLine, 1);
  EXPECT_EQ(findDebugRange(ranges, 10)->pythonLine, 2);
  EXPECT_EQ(findDebugRange(ranges, 25)->pythonFile, "b.py");
  EXPECT_EQ(findDebugRange(ranges, 30)->pythonLine, 2);  // end is exclusive
  EXPECT_FALSE(findDebugRange(ranges, 100).has_value());
  EXPECT_FALSE(findDebugRange({}, 0).has_value());
}

// The layout torch writes (seen in real .debug_pkl files):
// ('FORMAT_WITH_STRING_TABLE', strings, ((code_offset, ((text_pieces, file, first_line),
//   source_start, source_end), debug_handle), ...))
TEST(DecodeDebugRecords, MapsCodeOffsetsToSourceLines) {
  auto source = IValue::tuple({IValue::list({1, 2, 0}), IValue(3), IValue(10)});
  auto emptySource = IValue::tuple({IValue::list({}), IValue(0), IValue(0)});
  IValue root = IValue::tuple({
      IValue("FORMAT_WITH_STRING_TABLE"),
      IValue::tuple({"", "  def f(x):\n", "    return x + 1\n", "/src/model.py"}),
      IValue::tuple({
          IValue::tuple({0, IValue::tuple({emptySource, 0, 0}), 0}),
          IValue::tuple({40, IValue::tuple({source, 2, 10}), 1}),   // "def f" on line 10
          IValue::tuple({60, IValue::tuple({source, 24, 29}), 2}),  // "x + 1" on line 11
          IValue::tuple({70, IValue::tuple({emptySource, 0, 0}), 0}),
      }),
  });
  auto ranges = decodeDebugRecords(root, 80);
  ASSERT_EQ(ranges.size(), 2u);  // records without a source file are dropped
  EXPECT_EQ(ranges[0].start, 40u);
  EXPECT_EQ(ranges[0].end, 60u);
  EXPECT_EQ(ranges[0].pythonFile, "/src/model.py");
  EXPECT_EQ(ranges[0].pythonLine, 10);
  EXPECT_EQ(ranges[1].start, 60u);
  EXPECT_EQ(ranges[1].end, 70u);
  EXPECT_EQ(ranges[1].pythonLine, 11);
  EXPECT_FALSE(findDebugRange(ranges, 75).has_value());
}

TEST(DecodeDebugRecords, IgnoresValuesOfAnotherShape) {
  EXPECT_TRUE(decodeDebugRecords(IValue(3), 10).empty());
  EXPECT_TRUE(decodeDebugRecords(IValue::tuple({IValue("x"), IValue(1)}), 10).empty());
}

}  // namespace
}  // namespace ts2coreml::archive
