#include "archive/unpickler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "pickle_builder.h"

namespace ts2coreml::archive {
namespace {

using testing::bufferOf;
using testing::fromHex;
using testing::Pickle;

StorageLoader noStorages() {
  return [](const std::string& key, DType, int64_t) -> std::shared_ptr<Buffer> {
    throw Error("unexpected storage " + key);
  };
}

IValue read(const std::string& bytes, const StorageLoader& loader = noStorages()) {
  return unpickle(*bufferOf(bytes), "data.pkl", loader);
}

std::string errorOf(const std::string& bytes, const StorageLoader& loader = noStorages()) {
  try {
    read(bytes, loader);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// A float storage holding 0, 1, 2, ... that counts how often it is loaded.
struct CountingStorage {
  std::shared_ptr<Buffer> buffer;
  int loads = 0;
  explicit CountingStorage(int numel) : buffer(Buffer::allocate(numel * sizeof(float))) {
    for (int i = 0; i < numel; ++i) reinterpret_cast<float*>(buffer->mutableData())[i] = float(i);
  }
  StorageLoader loader() {
    return [this](const std::string&, DType, int64_t) {
      ++loads;
      return buffer;
    };
  }
};

TEST(Unpickler, ReadsIntegersAsPythonWritesThem) {
  // pickle.dumps(v, protocol=2).hex() with CPython 3.11: BININT1/BININT2/BININT, and LONG1 with
  // the shortest two's-complement length.
  const std::vector<std::pair<int64_t, std::string>> cases = {
      {0, "80024b002e"},
      {255, "80024bff2e"},
      {256, "80024d00012e"},
      {65535, "80024dffff2e"},
      {65536, "80024a000001002e"},
      {-1, "80024affffffff2e"},
      {-129, "80024a7fffffff2e"},
      {-2147483648LL, "80024a000000802e"},
      {2147483647LL, "80024affffff7f2e"},
      {2147483648LL, "80028a0500000080002e"},
      {-2147483649LL, "80028a05ffffff7fff2e"},
      {1099511627776LL, "80028a060000000000012e"},
      {-1099511627776LL, "80028a060000000000ff2e"},
      {36028797018963968LL, "80028a0800000000000080002e"},
      {std::numeric_limits<int64_t>::max(), "80028a08ffffffffffffff7f2e"},
      {std::numeric_limits<int64_t>::min(), "80028a0800000000000000802e"},
  };
  for (const auto& [value, hex] : cases) {
    IValue v = read(fromHex(hex));
    ASSERT_TRUE(v.isInt()) << hex;
    EXPECT_EQ(v.toInt(), value) << hex;
  }
}

TEST(Unpickler, ReadsLong1OfEveryLength) {
  // int.from_bytes(bytes.fromhex(h), 'little', signed=True), the meaning pickle gives LONG1.
  const std::vector<std::pair<std::string, int64_t>> cases = {
      {"", 0},
      {"ff", -1},
      {"7f", 127},
      {"0080", -32768},
      {"000080", -8388608},
      {"00000080", -2147483648LL},
      {"ffffffff7f", 549755813887LL},
      {"0000000000ff", -1099511627776LL},
      {"00000000000080", -36028797018963968LL},
      {"0100000000000080", -9223372036854775807LL},
  };
  for (const auto& [hex, value] : cases) {
    const std::string payload = fromHex(hex);
    Pickle p;
    p.op('\x8a').byte(static_cast<uint8_t>(payload.size())).raw(payload);
    EXPECT_EQ(read(p.done()).toInt(), value) << hex;
  }
  Pickle tooWide;
  tooWide.op('\x8a').byte(9).raw(std::string(9, '\0'));
  EXPECT_NE(errorOf(tooWide.done()).find("does not fit in 64 bits"), std::string::npos);
}

TEST(Unpickler, ReadsBigEndianFloats) {
  // pickle.dumps((1.5, -0.1, float('inf'), 1e-300), protocol=2)
  IValue v = read(fromHex(
      "800228473ff800000000000047bfb999999999999a477ff00000000000004701a56e1fc2f8f3597471002e"));
  const auto& t = v.items();
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].toDouble(), 1.5);
  EXPECT_EQ(t[1].toDouble(), -0.1);
  EXPECT_TRUE(std::isinf(t[2].toDouble()) && t[2].toDouble() > 0);
  EXPECT_EQ(t[3].toDouble(), 1e-300);
}

TEST(Unpickler, ReadsNestedContainersAndSharesMemoisedObjects) {
  // pickle.dumps((5, 300, -7, 2**40, -2**40, 2**31, True, False, None, 1.5, -0.1, 'h\u00e9llo',
  //   'xxx', [1, [2, {'a': 3, 'b': []}]], (), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), s, s),
  //   protocol=2) with s = [7]   (CPython 3.11: uses BINPUT/BINGET, APPEND, SETITEMS)
  const std::string bytes = fromHex(
      "8002284b054d2c014af9ffffff8a060000000000018a060000000000ff8a05000000800088894e473ff80000"
      "0000000047bfb999999999999a580600000068c3a96c6c6f7100580300000078787871015d7102284b015d71"
      "03284b027d71042858010000006171054b0358010000006271065d7107756565294b018571084b014b028671"
      "094b014b024b0387710a284b014b024b034b0474710b5d710c4b0761680c74710d2e");
  IValue v = read(bytes);
  ASSERT_TRUE(v.isTuple());
  const auto& t = v.items();
  ASSERT_EQ(t.size(), 21u);
  EXPECT_EQ(t[0].toInt(), 5);
  EXPECT_EQ(t[1].toInt(), 300);
  EXPECT_EQ(t[2].toInt(), -7);
  EXPECT_EQ(t[3].toInt(), int64_t{1} << 40);
  EXPECT_EQ(t[4].toInt(), -(int64_t{1} << 40));
  EXPECT_EQ(t[5].toInt(), int64_t{1} << 31);
  EXPECT_TRUE(t[6].toBool());
  EXPECT_FALSE(t[7].toBool());
  EXPECT_TRUE(t[8].isNone());
  EXPECT_EQ(t[9].toDouble(), 1.5);
  EXPECT_EQ(t[11].toString(), "h\xc3\xa9llo");
  EXPECT_EQ(t[12].toString(), "xxx");
  ASSERT_TRUE(t[13].isList());
  const auto& outer = t[13].items();
  ASSERT_EQ(outer.size(), 2u);
  EXPECT_EQ(outer[0].toInt(), 1);
  const auto& inner = outer[1].items();
  ASSERT_EQ(inner.size(), 2u);
  EXPECT_EQ(inner[0].toInt(), 2);
  const auto& dict = inner[1].toDict()->items;
  ASSERT_EQ(dict.size(), 2u);
  EXPECT_EQ(dict[0].first.toString(), "a");
  EXPECT_EQ(dict[0].second.toInt(), 3);
  EXPECT_EQ(dict[1].first.toString(), "b");
  EXPECT_TRUE(dict[1].second.isList() && dict[1].second.items().empty());
  EXPECT_TRUE(t[14].isTuple() && t[14].items().empty());
  EXPECT_EQ(t[15].items().size(), 1u);
  EXPECT_EQ(t[16].items().size(), 2u);
  EXPECT_EQ(t[17].items()[2].toInt(), 3);
  EXPECT_EQ(t[18].items()[3].toInt(), 4);
  // BINGET returns the same list object, not a copy.
  EXPECT_EQ(t[19].toList().get(), t[20].toList().get());
  EXPECT_EQ(t[19].items()[0].toInt(), 7);
}

TEST(Unpickler, ReadsTheOtherDataOpcodes) {
  // SHORT_BINUNICODE, LONG_BINPUT/LONG_BINGET, DICT, LIST, SETITEM, BINSTRING forms, BINBYTES.
  Pickle p;
  p.op('(').shortStr("short").op('r').u32(300);
  p.op('(').shortStr("k").int1(1).op('d');
  p.op('(').int1(1).int1(2).op('l');
  p.op('}').shortStr("x").int1(9).op('s');
  p.op('j').u32(300);
  p.op('U').byte(2).raw("ab");
  p.op('T').u32(3).raw("cde");
  p.op('C').byte(1).raw("f");
  p.op('B').u32(2).raw("gh");
  p.op('t');
  IValue v = read(p.done());
  const auto& t = v.items();
  ASSERT_EQ(t.size(), 9u);
  EXPECT_EQ(t[0].toString(), "short");
  EXPECT_EQ(t[1].toDict()->items.at(0).first.toString(), "k");
  EXPECT_EQ(t[1].toDict()->items.at(0).second.toInt(), 1);
  EXPECT_EQ(t[2].items().at(1).toInt(), 2);
  EXPECT_EQ(t[3].toDict()->items.at(0).second.toInt(), 9);
  EXPECT_EQ(t[4].toString(), "short");
  EXPECT_EQ(t[5].toString(), "ab");
  EXPECT_EQ(t[6].toString(), "cde");
  EXPECT_EQ(t[7].toString(), "f");
  EXPECT_EQ(t[8].toString(), "gh");
}

TEST(Unpickler, RebuildsTensorsAsViewsSharingOneStorage) {
  // base = torch.arange(24.); a = base[4:16].view(3, 4); b = base.view(4, 6).t()
  Pickle p;
  p.op('(');
  p.tensor([](Pickle& q) { q.storage("0", 24).put(1); }, 4, {3, 4}, {4, 1});
  p.tensor([](Pickle& q) { q.get(1); }, 0, {6, 4}, {1, 6});
  // The same key written out again instead of memoised: still loaded only once.
  p.global("torch._utils", "_rebuild_tensor_v2").op('(').storage("0", 24);
  p.int1(23).op(')').op(')').op('\x89').global("collections", "OrderedDict").op(')').op('R');
  p.op('}').op('t').op('R');  // the 7-argument form of torch 2.x (a metadata dict)
  p.op('t');

  CountingStorage storage(24);
  IValue v = read(p.done(), storage.loader());
  EXPECT_EQ(storage.loads, 1);
  const Tensor& a = v.items().at(0).toTensor();
  const Tensor& b = v.items().at(1).toTensor();
  const Tensor& c = v.items().at(2).toTensor();
  EXPECT_EQ(a.shape(), (Shape{3, 4}));
  EXPECT_EQ(a.strides(), (Shape{4, 1}));
  EXPECT_EQ(a.offset(), 4);
  EXPECT_EQ(b.shape(), (Shape{6, 4}));
  EXPECT_EQ(b.strides(), (Shape{1, 6}));
  EXPECT_EQ(c.rank(), 0);
  EXPECT_EQ(a.buffer().get(), storage.buffer.get()) << "tensors must be views, not copies";
  EXPECT_EQ(b.buffer().get(), storage.buffer.get());
  EXPECT_EQ(c.buffer().get(), storage.buffer.get());
  for (int64_t i = 0; i < 12; ++i) EXPECT_EQ(a.elementAsDouble(i), 4 + i);
  for (int64_t i = 0; i < 6; ++i)  // b[i][j] = base[i + 6 j]
    for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(b.elementAsDouble(i * 4 + j), i + 6 * j);
  EXPECT_EQ(c.elementAsDouble(0), 23);
}

TEST(Unpickler, PassesKeyDtypeAndNumelToTheLoaderAndSkipsEmptyStorages) {
  Pickle p;
  p.op('(');
  p.tensor([](Pickle& q) { q.storage("7", 3, "LongStorage"); }, 0, {3}, {1});
  p.tensor([](Pickle& q) { q.storage("8", 0); }, 0, {0, 3}, {3, 1});
  p.op('t');
  std::vector<std::string> requested;
  auto longs = Buffer::allocate(3 * sizeof(int64_t));
  StorageLoader loader = [&](const std::string& key, DType dtype, int64_t numel) {
    requested.push_back(key);
    EXPECT_EQ(dtype, DType::Int64);
    EXPECT_EQ(numel, 3);
    return longs;
  };
  IValue v = read(p.done(), loader);
  EXPECT_EQ(requested, std::vector<std::string>{"7"}) << "numel 0 storages need no record";
  EXPECT_EQ(v.items()[0].toTensor().dtype(), DType::Int64);
  EXPECT_EQ(v.items()[1].toTensor().shape(), (Shape{0, 3}));
  EXPECT_EQ(v.items()[1].toTensor().dtype(), DType::Float32);
}

TEST(Unpickler, RefusesTensorsOutsideTheirStorage) {
  CountingStorage storage(4);
  Pickle pastEnd;  // offset 2 + 4 elements > 4
  pastEnd.tensor([](Pickle& q) { q.storage("0", 4); }, 2, {4}, {1});
  EXPECT_NE(errorOf(pastEnd.done(), storage.loader()).find("runs past its storage of 4 elements"),
            std::string::npos);

  Pickle bigStride;
  bigStride.tensor([](Pickle& q) { q.storage("0", 4); }, 0, {2, 2}, {3, 1});
  EXPECT_NE(errorOf(bigStride.done(), storage.loader()).find("data.pkl: "), std::string::npos);

  Pickle shortRecord;  // the record holds 4 floats, the id claims 9
  shortRecord.tensor([](Pickle& q) { q.storage("0", 9); }, 0, {9}, {1});
  EXPECT_EQ(errorOf(shortRecord.done(), storage.loader()),
            "data.pkl: storage '0' holds 16 bytes, fewer than its 9 float32 elements need");

  Pickle negative;  // a size of -1 (BININT)
  negative.global("torch._utils", "_rebuild_tensor_v2").op('(').storage("0", 4).int1(0);
  negative.op('(').op('J').u32(0xffffffffu).op('t').ints({1});
  negative.op('\x89').global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
  EXPECT_NE(errorOf(negative.done(), storage.loader()).find("not a non-negative integer"),
            std::string::npos);
}

TEST(Unpickler, BuildsScriptObjectsAndTypedContainers) {
  Pickle p;
  p.op('(');
  // A module with a dict state: attributes in order.
  p.global("__torch__.my", "Net").op(')').op('\x81').put(0);
  p.op('}').op('(').str("training").op('\x88').str("sizes");
  p.global("torch.jit._pickle", "build_intlist").op('(').op(']').op('(').int1(1).int1(2);
  p.op('e').op('t').op('R');
  p.str("names").global("torch.jit._pickle", "restore_type_tag").op(']');
  p.str("a").op('a').str("List[str]").op('\x86').op('R');
  p.str("device").global("torch", "device").str("cpu").op('\x85').op('R');
  p.op('u').op('b');
  // A class with __getstate__: the state is a tuple.
  p.global("__torch__.my", "Packed").op(')').op('\x81').int1(1).int1(2).op('\x86').op('b');
  // An enum member exactly as torch pickles it: GLOBAL, the bare value, REDUCE.
  p.global("__torch__", "Color").put(4).int1(2).op('R');
  // The memoised object is the same one BUILD filled in.
  p.get(0);
  p.op('t');
  IValue v = read(p.done());
  const auto& net = *v.items().at(0).toObject();
  EXPECT_EQ(net.className, "__torch__.my.Net");
  ASSERT_EQ(net.attributes.size(), 4u);
  EXPECT_EQ(net.attributes[0].first, "training");
  EXPECT_EQ(net.attributes[3].first, "device");
  EXPECT_TRUE(net.attribute("training")->toBool());
  EXPECT_EQ(net.attribute("sizes")->items().at(1).toInt(), 2);
  EXPECT_EQ(net.attribute("sizes")->toList()->typeTag, "List[int]");
  EXPECT_EQ(net.attribute("names")->toList()->typeTag, "List[str]");
  EXPECT_EQ(net.attribute("device")->toDevice().name, "cpu");
  EXPECT_FALSE(net.state);
  const auto& packed = *v.items().at(1).toObject();
  EXPECT_EQ(packed.className, "__torch__.my.Packed");
  ASSERT_TRUE(packed.state);
  EXPECT_EQ(packed.state->items().at(1).toInt(), 2);
  const auto& color = *v.items().at(2).toObject();
  EXPECT_EQ(color.className, "__torch__.Color");
  ASSERT_NE(color.attribute("value"), nullptr);
  EXPECT_EQ(color.attribute("value")->toInt(), 2);
  EXPECT_EQ(v.items().at(3).toObject().get(), v.items().at(0).toObject().get());
}

TEST(Unpickler, RefusesGlobalsOutsideTheAllowList) {
  Pickle osSystem;
  osSystem.global("os", "system").str("echo hi").op('\x85').op('R');
  EXPECT_EQ(errorOf(osSystem.done()),
            "data.pkl: global 'os.system' is not allowed (only TorchScript's own globals are "
            "loaded)");
  Pickle eval;
  eval.global("builtins", "eval");
  EXPECT_EQ(errorOf(eval.done()),
            "data.pkl: global 'builtins.eval' is not allowed (only TorchScript's own globals are "
            "loaded)");
  Pickle lookalike;  // not the __torch__ namespace
  lookalike.global("__torch__evil", "X");
  EXPECT_NE(errorOf(lookalike.done()).find("global '__torch__evil.X' is not allowed"),
            std::string::npos);
  Pickle torchOther;  // an allowed module, but not an allowed name
  torchOther.global("torch._utils", "_rebuild_from_type_v2");
  EXPECT_NE(errorOf(torchOther.done()).find("is not allowed"), std::string::npos);
  Pickle quantized;
  quantized.global("torch._utils", "_rebuild_qtensor");
  EXPECT_EQ(errorOf(quantized.done()), "data.pkl: quantized tensors are not supported yet");
  Pickle complexNumber;
  complexNumber.global("builtins", "complex").op('(').int1(1).int1(2).op('t').op('R');
  EXPECT_EQ(errorOf(complexNumber.done()), "data.pkl: complex numbers are not supported");
  Pickle complexTensor;
  complexTensor.tensor([](Pickle& q) { q.storage("0", 1, "ComplexFloatStorage"); }, 0, {1}, {1});
  EXPECT_EQ(errorOf(complexTensor.done()),
            "data.pkl: tensors of torch.ComplexFloatStorage are not supported");
}

TEST(Unpickler, NamesUnsupportedOpcodesAndTheirPosition) {
  // 0x95 is FRAME (protocol 4); 'i' is INST and 'o' OBJ, which would call arbitrary code.
  EXPECT_EQ(errorOf(Pickle().raw("\x95").done()),
            "data.pkl: unsupported pickle opcode 0x95 at byte 2");
  EXPECT_EQ(errorOf(Pickle().int1(1).raw("i").done()),
            "data.pkl: unsupported pickle opcode 0x69 at byte 4");
  EXPECT_EQ(errorOf(Pickle().op('(').raw("o").done()),
            "data.pkl: unsupported pickle opcode 0x6f at byte 3");
  EXPECT_NE(errorOf(fromHex("80042e")).find("pickle protocol 4"), std::string::npos);
}

TEST(Unpickler, RefusesMalformedPickles) {
  auto expectMalformed = [](const std::string& bytes, const std::string& fragment) {
    const std::string error = errorOf(bytes);
    EXPECT_EQ(error.rfind("data.pkl: ", 0), 0u) << error;
    EXPECT_NE(error.find(fragment), std::string::npos) << error;
  };
  expectMalformed("", "not a pickle");
  expectMalformed("KX", "not a pickle");
  expectMalformed(Pickle().str("abc").done().substr(0, 6), "truncated pickle");
  expectMalformed(Pickle().raw("cos\nsys").done().substr(0, 9), "truncated pickle");
  expectMalformed(Pickle().op('t').done(), "no MARK");
  expectMalformed(Pickle().get(3).done(), "memo entry 3 is not defined");
  expectMalformed(Pickle().int1(1).int1(2).done(), "STOP with 2 items");
  expectMalformed(Pickle().int1(1).op('a').done(), "APPEND to something not a list");
  expectMalformed(Pickle().op('}').int1(1).op('s').done(), "SETITEM on something not a dict");
  expectMalformed(Pickle().int1(1).op(')').op('b').done(), "BUILD on something");
  expectMalformed(Pickle().global("torch", "device").op(')').op('\x81').done(),
                  "not a TorchScript class");
  expectMalformed(Pickle().int1(1).op(')').op('R').done(), "REDUCE without a global");
  expectMalformed(Pickle().global("collections", "OrderedDict").done(), "STOP with");
  // A size tuple holding a string.
  Pickle p;
  p.global("torch._utils", "_rebuild_tensor_v2").op('(').storage("0", 0);
  p.int1(0).op('(').str("x").op('t').ints({1}).op('\x89').global("collections", "OrderedDict");
  p.op(')').op('R').op('t').op('R');
  expectMalformed(p.done(), "tensor size holds \"x\"");
}

}  // namespace
}  // namespace ts2coreml::archive
