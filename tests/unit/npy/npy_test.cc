// Tests of the .npy reader/writer against files written by numpy itself
// (tools/fixtures/make_npy_fixtures.py) and by round trips through our own writer.
#include "npy/npy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/error.h"

namespace ts2coreml::npy {
namespace {

const std::string kFixtures = std::string(TS2COREML_FIXTURES_DIR) + "/npy/";

// The value make_npy_fixtures.py stores at flat index i for each kind of dtype.
double expectedValue(DType dtype, int64_t i) {
  if (isFloatingPoint(dtype)) return static_cast<double>(i) * 0.25 - 1;
  if (dtype == DType::Bool) return i % 2 == 0 ? 1 : 0;
  if (dtype == DType::UInt8) return static_cast<double>(i * 40);
  return static_cast<double>(i - 3);
}

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::span<const uint8_t> asSpan(const std::string& bytes) {
  return {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
}

std::string errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("ts2coreml_npy_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct NumpyFile {
  const char* file;
  DType dtype;
};

class ReadNumpyWritten : public ::testing::TestWithParam<NumpyFile> {};

TEST_P(ReadNumpyWritten, HasNumpysShapeDtypeAndValues) {
  Tensor t = readFile(kFixtures + GetParam().file);
  EXPECT_EQ(t.dtype(), GetParam().dtype);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  ASSERT_TRUE(t.isContiguous());
  for (int64_t i = 0; i < t.numel(); ++i) {
    EXPECT_EQ(t.elementAsDouble(i), expectedValue(t.dtype(), i)) << "element " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllDtypesAndVersions, ReadNumpyWritten,
    ::testing::Values(NumpyFile{"f2_v1.npy", DType::Float16},
                      NumpyFile{"f4_v1.npy", DType::Float32},
                      NumpyFile{"f8_v1.npy", DType::Float64}, NumpyFile{"i1_v1.npy", DType::Int8},
                      NumpyFile{"i2_v1.npy", DType::Int16}, NumpyFile{"i4_v1.npy", DType::Int32},
                      NumpyFile{"i8_v1.npy", DType::Int64}, NumpyFile{"u1_v1.npy", DType::UInt8},
                      NumpyFile{"b1_v1.npy", DType::Bool}, NumpyFile{"f4_v2.npy", DType::Float32},
                      NumpyFile{"i8_v3.npy", DType::Int64}));

TEST(NpyRead, ZeroDimensionalArrayIsAScalar) {
  Tensor t = readFile(kFixtures + "f8_scalar.npy");
  EXPECT_EQ(t.dtype(), DType::Float64);
  EXPECT_EQ(t.rank(), 0);
  EXPECT_EQ(t.elementAsDouble(0), 2.5);
}

TEST(NpyRead, EmptyArrayKeepsItsShape) {
  Tensor t = readFile(kFixtures + "f4_empty.npy");
  EXPECT_EQ(t.shape(), (Shape{0, 4}));
  EXPECT_EQ(t.numel(), 0);
}

// Found by fuzz_npy: with a zero dimension the data size is 0 whatever the other dimensions
// are, but the strides multiply them; a shape whose other dimensions overflow is refused.
TEST(NpyRead, RefusesAnEmptyArrayWhoseOtherDimensionsOverflow) {
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296), }";
  dict.resize(118, ' ');
  dict += '\n';
  const std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + char(dict.size()) + '\0' + dict;
  EXPECT_NE(errorOf([&] { decode(asSpan(bytes), "empty.npy"); }).find("is too large"),
            std::string::npos);
}

TEST(NpyRead, DecodeFromMemoryMatchesReadFile) {
  std::string bytes = readBytes(kFixtures + "i4_v1.npy");
  Tensor t = decode(asSpan(bytes), "i4_v1.npy");
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(t.elementAsDouble(5), 2);
}

TEST(NpyRead, RefusesFortranOrderNamingIt) {
  std::string message = errorOf([] { readFile(kFixtures + "f4_fortran.npy"); });
  EXPECT_NE(message.find("f4_fortran.npy"), std::string::npos) << message;
  EXPECT_NE(message.find("Fortran"), std::string::npos) << message;
}

TEST(NpyRead, RefusesBigEndian) {
  std::string message = errorOf([] { readFile(kFixtures + "f4_bigendian.npy"); });
  EXPECT_NE(message.find("big-endian"), std::string::npos) << message;
  EXPECT_NE(message.find(">f4"), std::string::npos) << message;
}

TEST(NpyRead, RefusesUnsupportedDtypeNamingIt) {
  std::string message = errorOf([] { readFile(kFixtures + "u4_unsupported.npy"); });
  EXPECT_NE(message.find("<u4"), std::string::npos) << message;
}

TEST(NpyRead, RefusesStructuredDtype) {
  std::string message = errorOf([] { readFile(kFixtures + "structured.npy"); });
  EXPECT_NE(message.find("structured"), std::string::npos) << message;
}

TEST(NpyRead, ReportsTruncatedData) {
  std::string message = errorOf([] { readFile(kFixtures + "f4_truncated.npy"); });
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  EXPECT_NE(message.find("24 bytes expected"), std::string::npos) << message;
}

TEST(NpyRead, ReportsTruncatedHeaderAndMissingMagic) {
  std::string bytes = readBytes(kFixtures + "f4_v1.npy");
  EXPECT_NE(errorOf([&] { decode(asSpan(bytes.substr(0, 40)), "cut"); }).find("truncated"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { decode(asSpan(bytes.substr(0, 4)), "cut"); }).find("not a .npy"),
            std::string::npos);
  std::string text = "hello, I am not an array";
  EXPECT_NE(errorOf([&] { decode(asSpan(text), "text"); }).find("not a .npy"), std::string::npos);
}

TEST(NpyRead, RefusesUnknownFormatVersion) {
  std::string bytes = readBytes(kFixtures + "f4_v1.npy");
  bytes[6] = 9;
  EXPECT_NE(errorOf([&] { decode(asSpan(bytes), "v9"); }).find("version 9.0"), std::string::npos);
}

TEST(NpyRead, MissingFileNamesThePath) {
  std::string message = errorOf([] { readFile("/nonexistent/dir/x.npy"); });
  EXPECT_NE(message.find("/nonexistent/dir/x.npy"), std::string::npos) << message;
}

TEST(NpyWrite, HeaderIsByteForByteNumpys) {
  // numpy wrote these fixtures; our header for the same array must be identical.
  struct Case {
    const char* file;
    DType dtype;
    Shape shape;
  };
  for (const Case& c :
       {Case{"f4_v1.npy", DType::Float32, {2, 3}}, Case{"b1_v1.npy", DType::Bool, {2, 3}},
        Case{"f8_scalar.npy", DType::Float64, {}}, Case{"f4_empty.npy", DType::Float32, {0, 4}}}) {
    std::string bytes = readBytes(kFixtures + c.file);
    Header header = parseHeader(asSpan(bytes), c.file);
    EXPECT_EQ(encodeHeader(c.dtype, c.shape), bytes.substr(0, header.dataOffset)) << c.file;
  }
}

TEST(NpyWrite, RoundTripsEveryDtype) {
  TempDir dir;
  for (DType dtype : {DType::Bool, DType::UInt8, DType::Int8, DType::Int16, DType::Int32,
                      DType::Int64, DType::Float16, DType::Float32, DType::Float64}) {
    Tensor original(DType::Float64, {3, 1, 2});  // 6 elements: uint8 i * 40 fits
    for (int64_t i = 0; i < original.numel(); ++i) {
      original.mutableData<double>()[i] = expectedValue(dtype, i);
    }
    original = original.to(dtype);
    std::string path = dir.file("round_trip.npy");
    writeFile(path, original);
    Tensor back = readFile(path);
    EXPECT_EQ(back.dtype(), dtype);
    EXPECT_EQ(back.shape(), original.shape());
    for (int64_t i = 0; i < back.numel(); ++i) {
      EXPECT_EQ(back.elementAsDouble(i), expectedValue(dtype, i)) << dtypeName(dtype) << " " << i;
    }
  }
}

TEST(NpyWrite, DataStartsAligned) {
  for (const Shape& shape : {Shape{}, Shape{7}, Shape{1, 3, 64, 64}, Shape{2, 3, 4, 5, 6, 7}}) {
    EXPECT_EQ(encodeHeader(DType::Float32, shape).size() % 64, 0u) << shapeToString(shape);
  }
}

TEST(NpyWrite, NonContiguousViewIsWrittenInLogicalOrder) {
  // A transposed 2x3 view of a 3x2 buffer: logical element (r, c) is buffer[c * 2 + r].
  Tensor base(DType::Int32, {3, 2});
  for (int i = 0; i < 6; ++i) base.mutableData<int32_t>()[i] = i;
  Tensor transposed = Tensor::view(base.buffer(), DType::Int32, {2, 3}, {1, 2}, 0);
  TempDir dir;
  writeFile(dir.file("t.npy"), transposed);
  Tensor back = readFile(dir.file("t.npy"));
  ASSERT_EQ(back.shape(), (Shape{2, 3}));
  for (int64_t r = 0; r < 2; ++r) {
    for (int64_t c = 0; c < 3; ++c) EXPECT_EQ(back.elementAsDouble(r * 3 + c), c * 2 + r);
  }
}

TEST(NpyWrite, BFloat16IsWrittenAsFloat32) {
  Tensor t = Tensor::scalar(DType::BFloat16, 1.5);
  TempDir dir;
  writeFile(dir.file("bf16.npy"), t);
  Tensor back = readFile(dir.file("bf16.npy"));
  EXPECT_EQ(back.dtype(), DType::Float32);
  EXPECT_EQ(back.elementAsDouble(0), 1.5);
}

TEST(NpyWrite, HugeHeaderSwitchesToVersion2) {
  // A dict longer than 65535 bytes does not fit version 1.0's 16-bit length.
  Shape shape(30000, 1);
  std::string header = encodeHeader(DType::Float32, shape);
  EXPECT_EQ(header[6], 2);
  EXPECT_EQ(header.size() % 64, 0u);
  std::string bytes = header + std::string(4, '\0');
  Tensor back = decode(asSpan(bytes), "huge");
  EXPECT_EQ(back.shape(), shape);
}

TEST(NpyWrite, UnwritablePathIsAnError) {
  std::string message =
      errorOf([] { writeFile("/nonexistent/dir/out.npy", Tensor(DType::Float32, {1})); });
  EXPECT_NE(message.find("/nonexistent/dir/out.npy"), std::string::npos) << message;
}

}  // namespace
}  // namespace ts2coreml::npy
