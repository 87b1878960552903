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

// The layout torch 1.13 and 2.13 write (see debug_records.h). The source text is
// "  def f(x):\n    return x + 1\n" (pieces 1 and 2), starting at line 10 of /src/model.py;
// offset 2 is on its first line, offset 24 ("x + 1") on its second.
TEST(DecodeDebugRecords, MapsCodeOffsetsToSourceLines) {
  auto source = IValue::tuple({IValue::list({1, 2, 0}, "List[int]"), IValue(3), IValue(10)});
  auto noSource = IValue::tuple({IValue::list({}, "List[int]"), IValue(0), IValue(0)});
  IValue root = IValue::tuple({
      IValue("FORMAT_WITH_STRING_TABLE"),
      IValue::tuple({"", "  def f(x):\n", "    return x + 1\n", "/src/model.py"}),
      IValue::tuple({
          IValue::tuple({0, IValue::tuple({noSource, 0, 0}), 0}),
          IValue::tuple({40, IValue::tuple({source, 2, 10}), 1}),
          IValue::tuple({60, IValue::tuple({source, 24, 29}), 2}),
          IValue::tuple({70, IValue::tuple({noSource, 0, 0}), 0}),
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
  EXPECT_EQ(findDebugRange(ranges, 65)->pythonLine, 11);
}

// Older archives keep text and file name inline: ((offset, ((text, file, line), start, end)), ...)
TEST(DecodeDebugRecords, ReadsTheInlineFormat) {
  auto source = IValue::tuple({IValue("a\nb\nc = 1\n"), IValue("m.py"), IValue(5)});
  IValue root = IValue::tuple({
      IValue::tuple({0, IValue::tuple({source, 0, 1})}),
      IValue::tuple({12, IValue::tuple({source, 4, 9})}),  // "c = 1", third line
  });
  auto ranges = decodeDebugRecords(root, 20);
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].pythonLine, 5);
  EXPECT_EQ(ranges[1].pythonLine, 7);
  EXPECT_EQ(ranges[1].end, 20u);
}

TEST(DecodeDebugRecords, IgnoresValuesOfAnotherShape) {
  EXPECT_TRUE(decodeDebugRecords(IValue(3), 10).empty());
  EXPECT_TRUE(decodeDebugRecords(IValue::tuple({IValue("x"), IValue(1)}), 10).empty());
  // A string-table index out of range.
  auto bad = IValue::tuple({IValue::list({7}), IValue(0), IValue(1)});
  IValue root = IValue::tuple({IValue("FORMAT_WITH_STRING_TABLE"), IValue::tuple({"f.py"}),
                               IValue::tuple({IValue::tuple({0, IValue::tuple({bad, 0, 0}), 0})})});
  EXPECT_TRUE(decodeDebugRecords(root, 10).empty());
}

}  // namespace
}  // namespace ts2coreml::archive
