#include "archive/pickle_reader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"

namespace ts2coreml::archive {
namespace {

std::shared_ptr<Buffer> bufferOf(const std::string& bytes) {
  auto buffer = Buffer::allocate(bytes.size());
  std::memcpy(buffer->mutableData(), bytes.data(), bytes.size());
  return buffer;
}

std::string fromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

StorageLoader noStorages() {
  return [](const std::string& key, DType, int64_t) -> std::shared_ptr<Buffer> {
    throw Error("unexpected storage " + key);
  };
}

IValue read(const std::string& bytes, const StorageLoader& loader = noStorages()) {
  return readPickle(*bufferOf(bytes), "data.pkl", loader);
}

std::string errorOf(const std::string& bytes) {
  try {
    read(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Builds protocol-2 pickles opcode by opcode, the way torch's pickler writes them.
class Pickle {
 public:
  Pickle() { raw("\x80\x02"); }
  Pickle& raw(const std::string& bytes) {
    out_ += bytes;
    return *this;
  }
  Pickle& op(char opcode) {
    out_.push_back(opcode);
    return *this;
  }
  Pickle& int1(uint8_t v) { return op('K').byte(v); }
  Pickle& str(const std::string& s) {  // BINUNICODE
    op('X');
    u32(static_cast<uint32_t>(s.size()));
    return raw(s);
  }
  Pickle& shortStr(const std::string& s) {  // SHORT_BINUNICODE
    op('\x8c').byte(static_cast<uint8_t>(s.size()));
    return raw(s);
  }
  Pickle& global(const std::string& module, const std::string& name) {
    return op('c').raw(module + "\n" + name + "\n");
  }
  Pickle& put(uint8_t index) { return op('q').byte(index); }
  Pickle& get(uint8_t index) { return op('h').byte(index); }
  Pickle& ints(const std::vector<uint8_t>& values) {  // a tuple of small ints
    op('(');
    for (uint8_t v : values) int1(v);
    return op('t');
  }
  // ('storage', torch.FloatStorage, key, 'cpu', numel) BINPERSID
  Pickle& floatStorage(const std::string& key, uint8_t numel) {
    op('(').str("storage").global("torch", "FloatStorage").str(key).str("cpu").int1(numel);
    return op('t').op('Q');
  }
  Pickle& byte(uint8_t v) {
    out_.push_back(static_cast<char>(v));
    return *this;
  }
  Pickle& u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) byte(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
  std::string done() { return out_ + "."; }

 private:
  std::string out_;
};

TEST(PickleReader, ReadsWhatPythonsPicklerWrites) {
  // pickle.dumps((5, 300, -7, 2**40, -2**40, 2**31, True, False, None, 1.5, -0.1, 'h\u00e9llo',
  //   'xxx', [1, [2, {'a': 3, 'b': []}]], (), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), s, s),
  //   protocol=2) with s = [7]   (Python 3.11)
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
  EXPECT_EQ(t[10].toDouble(), -0.1);
  EXPECT_EQ(t[11].toString(), "h\xc3\xa9llo");
  EXPECT_EQ(t[12].toString(), "xxx");
  // [1, [2, {'a': 3, 'b': []}]]
  ASSERT_TRUE(t[13].isList());
  const auto& outer = t[13].items();
  ASSERT_EQ(outer.size(), 2u);
  EXPECT_EQ(outer[0].toInt(), 1);
  const auto& inner = outer[1].items();
  ASSERT_EQ(inner.size(), 2u);
  const auto& dict = inner[1].toDict()->items;
  ASSERT_EQ(dict.size(), 2u);
  EXPECT_EQ(dict[0].first.toString(), "a");
  EXPECT_EQ(dict[0].second.toInt(), 3);
  EXPECT_EQ(dict[1].first.toString(), "b");
  EXPECT_TRUE(dict[1].second.isList());
  EXPECT_TRUE(t[14].isTuple() && t[14].items().empty());
  EXPECT_EQ(t[15].items().size(), 1u);
  EXPECT_EQ(t[16].items().size(), 2u);
  EXPECT_EQ(t[17].items()[2].toInt(), 3);
  EXPECT_EQ(t[18].items()[3].toInt(), 4);
  // BINGET returns the same list object, not a copy.
  EXPECT_EQ(t[19].toList().get(), t[20].toList().get());
  EXPECT_EQ(t[19].items()[0].toInt(), 7);
}

TEST(PickleReader, ReadsOpcodesPythonsProtocol2DoesNotUse) {
  // SHORT_BINUNICODE, LONG_BINPUT/LONG_BINGET, DICT, LIST, SETITEM, an 8-byte LONG1, BININT2.
  Pickle p;
  p.op('(').shortStr("short").op('r').u32(300);
  p.op('(').shortStr("k").int1(1).op('d');
  p.op('(').int1(1).int1(2).op('l');
  p.op('}').shortStr("x").int1(9).op('s');
  p.op('\x8a').byte(8).raw(std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8));
  p.op('j').u32(300).op('t');
  IValue v = read(p.done());
  const auto& t = v.items();
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t[0].toString(), "short");
  EXPECT_EQ(t[1].toDict()->items.at(0).first.toString(), "k");
  EXPECT_EQ(t[1].toDict()->items.at(0).second.toInt(), 1);
  EXPECT_EQ(t[2].items().size(), 2u);
  EXPECT_EQ(t[3].toDict()->items.at(0).second.toInt(), 9);
  EXPECT_EQ(t[4].toInt(), INT64_MAX);
  EXPECT_EQ(t[5].toString(), "short");
}

TEST(PickleReader, RebuildsTensorsThatShareAStorage) {
  // base = torch.arange(24.); a = base[4:16].view(3, 4); b = base.view(4, 6).t()
  Pickle p;
  p.op('(');
  p.global("torch._utils", "_rebuild_tensor_v2").op('(').floatStorage("0", 24).put(1);
  p.int1(4).ints({3, 4}).ints({4, 1}).op('\x89').global("collections", "OrderedDict").op(')');
  p.op('R').op('t').op('R');
  p.global("torch._utils", "_rebuild_tensor_v2").op('(').get(1);
  p.int1(0).ints({6, 4}).ints({1, 6}).op('\x89').global("collections", "OrderedDict").op(')');
  p.op('R').op('t').op('R');
  // The same storage again, written out instead of memoised: must still be loaded only once.
  p.global("torch._utils", "_rebuild_tensor_v2").op('(').floatStorage("0", 24);
  p.int1(23).op(')').op(')').op('\x89').global("collections", "OrderedDict").op(')').op('R');
  p.op('}').op('t').op('R');  // the 7-argument form of torch 2.x (math-bits dict)
  p.op('t');

  auto storage = Buffer::allocate(24 * sizeof(float));
  for (int i = 0; i < 24; ++i) reinterpret_cast<float*>(storage->mutableData())[i] = float(i);
  int loads = 0;
  StorageLoader loader = [&](const std::string& key, DType dtype, int64_t numel) {
    ++loads;
    EXPECT_EQ(key, "0");
    EXPECT_EQ(dtype, DType::Float32);
    EXPECT_EQ(numel, 24);
    return storage;
  };
  IValue v = read(p.done(), loader);
  EXPECT_EQ(loads, 1);
  const Tensor& a = v.items().at(0).toTensor();
  const Tensor& b = v.items().at(1).toTensor();
  const Tensor& c = v.items().at(2).toTensor();
  EXPECT_EQ(a.shape(), (Shape{3, 4}));
  EXPECT_EQ(a.offset(), 4);
  EXPECT_EQ(b.strides(), (Shape{1, 6}));
  EXPECT_EQ(c.rank(), 0);
  EXPECT_EQ(a.buffer().get(), storage.get()) << "tensors must be views, not copies";
  EXPECT_EQ(b.buffer().get(), storage.get());
  for (int64_t i = 0; i < 12; ++i) EXPECT_EQ(a.elementAsDouble(i), 4 + i);
  // b[i][j] = base[i + 6 j]
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(b.elementAsDouble(i * 4 + j), i + 6 * j);
  EXPECT_EQ(c.elementAsDouble(0), 23);
}

TEST(PickleReader, RefusesATensorLargerThanItsStorage) {
  Pickle p;
  p.global("torch._utils", "_rebuild_tensor_v2").op('(').floatStorage("0", 4);
  p.int1(2).ints({4}).ints({1}).op('\x89').global("collections", "OrderedDict").op(')');
  p.op('R').op('t').op('R');
  auto storage = Buffer::allocate(4 * sizeof(float));
  StorageLoader loader = [&](const std::string&, DType, int64_t) { return storage; };
  EXPECT_THROW(read(p.done(), loader), Error);
}

TEST(PickleReader, BuildsScriptObjects) {
  Pickle p;
  p.op('(');
  // A module with a dict state.
  p.global("__torch__.my.Net", "Net").op(')').op('\x81').put(0);
  p.op('}').op('(').str("training").op('\x88').str("sizes");
  p.global("torch.jit._pickle", "build_intlist").op(']').op('(').int1(1).int1(2);
  p.op('e').op('\x85').op('R');
  p.str("names").global("torch.jit._pickle", "restore_type_tag").op(']');
  p.str("a").op('a').str("List[str]").op('\x86').op('R');
  p.str("device").global("torch", "device").str("cpu").op('\x85').op('R');
  p.op('u').op('b');
  // A class with __getstate__: the state is a tuple.
  p.global("__torch__.my", "Packed").op(')').op('\x81').int1(1).int1(2).op('\x86').op('b');
  // An enum member.
  p.global("__torch__.my", "Color").str("red").op('\x85').op('R');
  p.op('t');
  IValue v = read(p.done());
  const auto& net = *v.items().at(0).toObject();
  EXPECT_EQ(net.className, "__torch__.my.Net.Net");
  ASSERT_EQ(net.attributes.size(), 4u);
  EXPECT_EQ(net.attributes[0].first, "training");
  EXPECT_TRUE(net.attribute("training")->toBool());
  EXPECT_EQ(net.attribute("sizes")->items().at(1).toInt(), 2);
  EXPECT_EQ(net.attribute("names")->toList()->typeTag, "List[str]");
  EXPECT_EQ(net.attribute("device")->toDevice().name, "cpu");
  const auto& packed = *v.items().at(1).toObject();
  EXPECT_EQ(packed.className, "__torch__.my.Packed");
  ASSERT_TRUE(packed.state);
  EXPECT_EQ(packed.state->items().at(1).toInt(), 2);
  const auto& color = *v.items().at(2).toObject();
  EXPECT_EQ(color.className, "__torch__.my.Color");
  EXPECT_EQ(color.attribute("value")->toString(), "red");
}

TEST(PickleReader, RefusesGlobalsOutsideTheAllowList) {
  Pickle p;
  p.global("os", "system").str("echo hi").op('\x85').op('R');
  EXPECT_EQ(errorOf(p.done()),
            "data.pkl: global 'os.system' is not allowed (only TorchScript's own globals are "
            "loaded)");
  Pickle q;
  q.global("__torch__evil", "X");
  EXPECT_NE(errorOf(q.done()).find("global '__torch__evil.X' is not allowed"), std::string::npos);
  Pickle r;
  r.global("torch._utils", "_rebuild_qtensor");
  EXPECT_NE(errorOf(r.done()).find("data.pkl: "), std::string::npos);
}

TEST(PickleReader, NamesUnsupportedOpcodesAndTheirPosition) {
  // 0x95 is FRAME (protocol 4); 'i' is INST, which would call arbitrary code.
  EXPECT_EQ(errorOf(Pickle().raw("\x95").done()),
            "data.pkl: unsupported pickle opcode 0x95 at byte 2");
  EXPECT_EQ(errorOf(Pickle().int1(1).raw("i").done()),
            "data.pkl: unsupported pickle opcode 0x69 at byte 4");
}

TEST(PickleReader, RefusesMalformedPickles) {
  EXPECT_NE(errorOf("").find("data.pkl: "), std::string::npos);
  EXPECT_NE(errorOf(Pickle().str("abc").done().substr(0, 6)).find("truncated"), std::string::npos);
  EXPECT_NE(errorOf(Pickle().op('t').done()).find("data.pkl: "), std::string::npos);
  EXPECT_NE(errorOf(Pickle().get(3).done()).find("memo"), std::string::npos);
  EXPECT_NE(errorOf(Pickle().int1(1).int1(2).done()).find("data.pkl: "), std::string::npos);
  // A size tuple holding a string.
  Pickle p;
  p.global("torch._utils", "_rebuild_tensor_v2").op('(').floatStorage("0", 0);
  p.int1(0).op('(').str("x").op('t').ints({1}).op('\x89').global("collections", "OrderedDict");
  p.op(')').op('R').op('t').op('R');
  EXPECT_NE(errorOf(p.done()).find("data.pkl: "), std::string::npos);
}

}  // namespace
}  // namespace ts2coreml::archive
