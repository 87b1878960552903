#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "core/error.h"
#include "coreml/weight_blob_reader.h"
#include "coreml/weight_blob_writer.h"
#include "temp_dir.h"

namespace ts2coreml::coreml {
namespace {

std::vector<uint8_t> readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <typename T>
T at(const std::vector<uint8_t>& bytes, size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

// The worked example of the format summary (section 6.6): 16 fp32 values 0..15, then the fp16
// values 1, 2, 3. Metadata at 64 and 192, data at 128 and 256, 262 bytes in all.
TEST(WeightBlobWriter, MatchesTheDocumentedByteLayout) {
  testing::TempDir dir;
  std::vector<float> values(16);
  for (int i = 0; i < 16; ++i) values[i] = static_cast<float>(i);
  const uint16_t halves[3] = {0x3c00, 0x4000, 0x4200};  // 1.0, 2.0, 3.0 in IEEE half
  WeightBlobWriter writer(dir.file("weight.bin"));
  EXPECT_EQ(writer.append(BlobDataType::Float32, values.data(), 64), 64u);
  EXPECT_EQ(writer.append(BlobDataType::Float16, halves, 6), 192u);
  writer.close();

  auto bytes = readBytes(dir.file("weight.bin"));
  ASSERT_EQ(bytes.size(), 262u);
  EXPECT_EQ(at<uint32_t>(bytes, 0), 2u);  // count
  EXPECT_EQ(at<uint32_t>(bytes, 4), 2u);  // version
  for (size_t i = 8; i < 64; ++i) EXPECT_EQ(bytes[i], 0) << i;
  EXPECT_EQ(bytes[64], 0xEF);
  EXPECT_EQ(bytes[65], 0xBE);
  EXPECT_EQ(bytes[66], 0xAD);
  EXPECT_EQ(bytes[67], 0xDE);
  EXPECT_EQ(at<uint32_t>(bytes, 68), 2u);    // Float32
  EXPECT_EQ(at<uint64_t>(bytes, 72), 64u);   // size
  EXPECT_EQ(at<uint64_t>(bytes, 80), 128u);  // data offset
  EXPECT_EQ(at<float>(bytes, 128 + 4 * 15), 15.0f);
  EXPECT_EQ(at<uint32_t>(bytes, 192), 0xDEADBEEFu);
  EXPECT_EQ(at<uint32_t>(bytes, 196), 1u);  // Float16
  EXPECT_EQ(at<uint64_t>(bytes, 200), 6u);
  EXPECT_EQ(at<uint64_t>(bytes, 208), 256u);
  EXPECT_EQ(at<uint16_t>(bytes, 256), 0x3c00);
  EXPECT_EQ(at<uint16_t>(bytes, 260), 0x4200);
}

TEST(WeightBlobWriter, ConvertsFp32ToFp16ChunkwiseAndWalksStridedViews) {
  testing::TempDir dir;
  // A 3x70000 fp32 tensor viewed transposed (70000x3, strides {1, 70000}): the writer must emit
  // the view's row-major order, converted to fp16, across several chunks.
  const int64_t rows = 3, cols = 70000;
  Tensor base(DType::Float32, {rows, cols});
  float* data = base.mutableData<float>();
  for (int64_t i = 0; i < rows * cols; ++i) data[i] = static_cast<float>(i) * 0.37f - 1000.0f;
  Tensor transposed = Tensor::view(base.buffer(), DType::Float32, {cols, rows}, {1, cols}, 0);

  WeightBlobWriter writer(dir.file("weight.bin"));
  uint64_t contiguousOffset = writer.appendTensor(base, DType::Float16);
  uint64_t stridedOffset = writer.appendTensor(transposed, DType::Float16);
  uint64_t sameOffset = writer.appendTensor(base, DType::Float32);
  writer.close();

  WeightBlobReader reader(dir.file("weight.bin"));
  EXPECT_EQ(reader.count(), 3u);
  Tensor a = reader.tensor(contiguousOffset, DType::Float16, {rows, cols});
  Tensor b = reader.tensor(stridedOffset, DType::Float16, {cols, rows});
  Tensor c = reader.tensor(sameOffset, DType::Float32, {rows, cols});
  const auto* ha = a.data<uint16_t>();
  const auto* hb = b.data<uint16_t>();
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t k = 0; k < cols; ++k) {
      const float v = data[r * cols + k];
      ASSERT_EQ(ha[r * cols + k], floatToHalf(v));
      ASSERT_EQ(hb[k * rows + r], floatToHalf(v));
    }
  }
  EXPECT_EQ(std::memcmp(c.rawData(), data, rows * cols * 4), 0);
  auto blobs = reader.blobs();
  ASSERT_EQ(blobs.size(), 3u);
  EXPECT_EQ(blobs[1].metadataOffset, stridedOffset);
  EXPECT_EQ(blobs[2].metadataOffset % 64, 0u);
  EXPECT_EQ(blobs[2].dataOffset, blobs[2].metadataOffset + 64);
}

TEST(WeightBlobReader, ViewsAreZeroCopyAndOutliveTheReader) {
  testing::TempDir dir;
  float values[4] = {1.5f, -2.0f, 3.25f, 4.0f};
  {
    WeightBlobWriter writer(dir.file("weight.bin"));
    writer.append(BlobDataType::Float32, values, sizeof(values));
    writer.close();
  }
  Tensor view;
  {
    WeightBlobReader reader(dir.file("weight.bin"));
    view = reader.tensor(64, DType::Float32, {2, 2});
  }
  EXPECT_FALSE(view.buffer()->isOwned());  // a view into the mapping, not a copy
  EXPECT_EQ(view.data<float>()[2], 3.25f);
}

TEST(WeightBlobReader, RejectsWrongOffsetsDtypesAndSizes) {
  testing::TempDir dir;
  float values[4] = {1, 2, 3, 4};
  WeightBlobWriter writer(dir.file("weight.bin"));
  writer.append(BlobDataType::Float32, values, sizeof(values));
  writer.close();
  WeightBlobReader reader(dir.file("weight.bin"));
  EXPECT_THROW(reader.tensor(128, DType::Float32, {4}), Error);   // data, not metadata
  EXPECT_THROW(reader.tensor(64, DType::Float16, {8}), Error);    // dtype code mismatch
  EXPECT_THROW(reader.tensor(64, DType::Float32, {5}), Error);    // size mismatch
  EXPECT_THROW(reader.tensor(4096, DType::Float32, {4}), Error);  // past the end

  auto bytes = readBytes(dir.file("weight.bin"));
  bytes[64] = 0;  // break the sentinel
  std::ofstream(dir.file("broken.bin"), std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  WeightBlobReader broken(dir.file("broken.bin"));
  try {
    broken.tensor(64, DType::Float32, {4});
    FAIL() << "bad sentinel accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sentinel"), std::string::npos) << e.what();
  }
}

TEST(WeightBlobReader, RejectsOtherStorageVersions) {
  testing::TempDir dir;
  BlobStorageHeader header;
  header.version = 1;
  std::ofstream(dir.file("v1.bin"), std::ios::binary)
      .write(reinterpret_cast<const char*>(&header), sizeof(header));
  EXPECT_THROW(WeightBlobReader(dir.file("v1.bin")), Error);
}

}  // namespace
}  // namespace ts2coreml::coreml
