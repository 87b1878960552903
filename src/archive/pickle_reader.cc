#include "archive/pickle_reader.h"

#include <bit>
#include <cstring>
#include <map>

#include "core/error.h"

namespace ts2coreml::archive {

namespace {

// Classes the TorchScript compiler defines live in the `__torch__` namespace.
bool isScriptClassModule(const std::string& module) {
  return module == "__torch__" || module.rfind("__torch__.", 0) == 0;
}

// A value on the VM stack: an IValue, a MARK, or a global callable from the allow-list.
struct StackItem {
  enum class Kind { Value, Mark, Global } kind = Kind::Value;
  IValue value;
  std::string module, name;  // for globals
};

class PickleReader {
 public:
  PickleReader(const Buffer& bytes, const std::string& entry, const StorageLoader& loader)
      : data_(bytes.data()), size_(bytes.size()), entry_(entry), loadStorage_(loader) {}

  IValue run() {
    if (size_ < 2 || data_[0] != 0x80) fail("not a pickle (no PROTO opcode)");
    for (;;) {
      size_t at = pos_;
      uint8_t op = u8();
      switch (op) {
        case 0x80:
          u8();
          break;     // PROTO n
        case '.': {  // STOP
          if (stack_.size() != 1 || stack_[0].kind != StackItem::Kind::Value)
            fail("malformed pickle at STOP");
          return stack_[0].value;
        }
        case '(':
          stack_.push_back({StackItem::Kind::Mark, {}, {}, {}});
          break;
        case ')':
          push(IValue::tuple({}));
          break;
        case 't':
          push(IValue::tuple(popToMark()));
          break;
        case 0x85:
          push(IValue::tuple({popValue()}));
          break;
        case 0x86: {
          IValue b = popValue(), a = popValue();
          push(IValue::tuple({a, b}));
          break;
        }
        case 0x87: {
          IValue c = popValue(), b = popValue(), a = popValue();
          push(IValue::tuple({a, b, c}));
          break;
        }
        case ']':
          push(IValue::list({}));
          break;
        case 'l':
          push(IValue::list(popToMark()));
          break;
        case 'a': {
          IValue item = popValue();
          listOnTop().items.push_back(std::move(item));
          break;
        }
        case 'e': {
          std::vector<IValue> items = popToMark();
          auto& list = listOnTop();
          for (auto& item : items) list.items.push_back(std::move(item));
          break;
        }
        case '}':
          push(IValue(std::make_shared<DictValue>()));
          break;
        case 'd': {  // DICT: key/value pairs since the mark
          std::vector<IValue> items = popToMark();
          if (items.size() % 2) fail("odd number of DICT values");
          auto dict = std::make_shared<DictValue>();
          for (size_t i = 0; i < items.size(); i += 2)
            dict->items.emplace_back(std::move(items[i]), std::move(items[i + 1]));
          push(IValue(dict));
          break;
        }
        case 's': {
          IValue value = popValue(), key = popValue();
          dictOnTop().items.emplace_back(std::move(key), std::move(value));
          break;
        }
        case 'u': {
          std::vector<IValue> items = popToMark();
          if (items.size() % 2) fail("odd number of SETITEMS values");
          auto& dict = dictOnTop();
          for (size_t i = 0; i < items.size(); i += 2)
            dict.items.emplace_back(items[i], items[i + 1]);
          break;
        }
        case 'N':
          push(IValue());
          break;
        case 0x88:
          push(IValue(true));
          break;
        case 0x89:
          push(IValue(false));
          break;
        case 'K':
          push(IValue(static_cast<int64_t>(u8())));
          break;
        case 'M':
          push(IValue(static_cast<int64_t>(u16())));
          break;
        case 'J':
          push(IValue(static_cast<int64_t>(static_cast<int32_t>(u32()))));
          break;
        case 0x8a: {  // LONG1: little-endian two's complement of n <= 8 bytes
          uint8_t n = u8();
          if (n > 8) fail("integer wider than 64 bits");
          need(n);
          uint64_t v = 0;
          for (uint8_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
          if (n > 0 && n < 8 && (data_[pos_ + n - 1] & 0x80)) v |= ~uint64_t{0} << (8 * n);
          pos_ += n;
          push(IValue(static_cast<int64_t>(v)));
          break;
        }
        case 'G': {  // BINFLOAT: big-endian double
          need(8);
          uint64_t bits = 0;
          for (int i = 0; i < 8; ++i) bits = bits << 8 | data_[pos_ + i];
          pos_ += 8;
          push(IValue(std::bit_cast<double>(bits)));
          break;
        }
        case 'X':
          push(IValue(text(u32())));
          break;
        case 0x8c:
          push(IValue(text(u8())));
          break;
        case 'q':
          memo_[u8()] = top();
          break;
        case 'r':
          memo_[u32()] = top();
          break;
        case 'h':
          pushMemo(u8());
          break;
        case 'j':
          pushMemo(u32());
          break;
        case 'c': {
          std::string module = line(), name = line();
          global(module, name);
          break;
        }
        case 0x81: {  // NEWOBJ: cls args -> an empty object; BUILD fills it in place (memo shares
                      // it)
          popValue();
          if (stack_.empty() || stack_.back().kind != StackItem::Kind::Global ||
              !isScriptClassModule(stack_.back().module)) {
            fail("NEWOBJ of something that is not a TorchScript class");
          }
          auto object = std::make_shared<ObjectValue>();
          object->className = stack_.back().module + "." + stack_.back().name;
          stack_.pop_back();
          push(IValue(object));
          break;
        }
        case 'R':    // REDUCE
        case 'b': {  // BUILD
          IValue argument = popValue();
          if (stack_.empty()) fail("REDUCE/BUILD on an empty stack");
          StackItem callee = stack_.back();
          stack_.pop_back();
          push(apply(callee, std::move(argument), op == 'b'));
          break;
        }
        case 'Q': {  // BINPERSID
          IValue id = popValue();
          push(persistent(id));
          break;
        }
        default: {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02x", op);
          fail(std::string("unsupported pickle opcode ") + hex + " at byte " + std::to_string(at));
        }
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw Error(entry_ + ": " + what); }
  void need(size_t n) const {
    if (n > size_ - pos_) fail("truncated pickle");
  }
  uint8_t u8() {
    need(1);
    return data_[pos_++];
  }
  uint16_t u16() {
    need(2);
    uint16_t v = static_cast<uint16_t>(data_[pos_] | data_[pos_ + 1] << 8);
    pos_ += 2;
    return v;
  }
  uint32_t u32() {
    need(4);
    uint32_t v;
    std::memcpy(&v, data_ + pos_, 4);
    pos_ += 4;
    return v;
  }
  std::string text(size_t n) {
    need(n);
    std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }
  std::string line() {
    size_t end = pos_;
    while (end < size_ && data_[end] != '\n') ++end;
    if (end >= size_) fail("truncated GLOBAL");
    std::string s(reinterpret_cast<const char*>(data_ + pos_), end - pos_);
    pos_ = end + 1;
    return s;
  }

  void push(IValue value) { stack_.push_back({StackItem::Kind::Value, std::move(value), {}, {}}); }
  const StackItem& top() const {
    if (stack_.empty()) fail("memo store on an empty stack");
    return stack_.back();
  }
  void pushMemo(uint32_t index) {
    auto it = memo_.find(index);
    if (it == memo_.end()) fail("memo reference " + std::to_string(index) + " is undefined");
    stack_.push_back(it->second);
  }
  IValue popValue() {
    if (stack_.empty() || stack_.back().kind != StackItem::Kind::Value)
      fail("malformed pickle: expected a value");
    IValue v = std::move(stack_.back().value);
    stack_.pop_back();
    return v;
  }
  std::vector<IValue> popToMark() {
    std::vector<IValue> items;
    while (!stack_.empty() && stack_.back().kind != StackItem::Kind::Mark) {
      if (stack_.back().kind != StackItem::Kind::Value)
        fail("malformed pickle: a global inside a container");
      items.push_back(std::move(stack_.back().value));
      stack_.pop_back();
    }
    if (stack_.empty()) fail("malformed pickle: missing MARK");
    stack_.pop_back();
    return {std::make_move_iterator(items.rbegin()), std::make_move_iterator(items.rend())};
  }
  ListValue& listOnTop() {
    if (stack_.empty() || !stack_.back().value.isList()) fail("APPEND to a non-list");
    return *stack_.back().value.toList();
  }
  DictValue& dictOnTop() {
    if (stack_.empty() || !stack_.back().value.isDict()) fail("SETITEM on a non-dict");
    return *stack_.back().value.toDict();
  }

  // The allow-list. Anything else is refused before it could be used.
  void global(const std::string& module, const std::string& name) {
    bool allowed = false;
    if (module == "torch._utils")
      allowed = name == "_rebuild_tensor_v2";
    else if (module == "torch.jit._pickle")
      allowed = name == "build_intlist" || name == "build_tensorlist" ||
                name == "build_doublelist" || name == "build_boollist" ||
                name == "restore_type_tag";
    else if (module == "collections")
      allowed = name == "OrderedDict";
    else if (module == "torch")
      allowed = name == "device" || dtypeFromStorageName(name).has_value();
    else if (isScriptClassModule(module))
      allowed = true;  // script classes: data only
    if (!allowed) {
      if (module == "torch._utils" && name == "_rebuild_qtensor")
        fail("quantized tensors are not supported yet");
      fail("global '" + module + "." + name +
           "' is not allowed (only TorchScript's own globals are loaded)");
    }
    if (module == "torch" && name != "device") {
      push(IValue(GlobalRef{module, name}));  // a storage type marker, used in persistent ids
      return;
    }
    stack_.push_back({StackItem::Kind::Global, {}, module, name});
  }

  IValue apply(const StackItem& callee, IValue argument, bool isBuild) {
    if (callee.kind == StackItem::Kind::Value && isBuild && callee.value.isObject()) {
      // BUILD on an object made by NEWOBJ/REDUCE: set its state.
      setState(*callee.value.toObject(), std::move(argument));
      return callee.value;
    }
    if (callee.kind != StackItem::Kind::Global)
      fail("REDUCE/BUILD on a value that is not callable");
    const std::string& m = callee.module;
    const std::string& n = callee.name;
    if (isScriptClassModule(m)) {
      auto object = std::make_shared<ObjectValue>();
      object->className = m + "." + n;
      if (!isBuild && argument.isTuple() && !argument.items().empty()) {
        object->attributes.emplace_back("value", argument.items()[0]);  // Enum(value)
      } else if (isBuild) {
        setState(*object, std::move(argument));
      }
      return IValue(object);
    }
    const auto& args = argument.isTuple() ? argument.items() : std::vector<IValue>{};
    if (n == "_rebuild_tensor_v2") return rebuildTensor(args);
    if (n == "OrderedDict") return IValue(std::make_shared<DictValue>());
    if (n == "device") {
      if (args.empty() || !args[0].isString()) fail("malformed torch.device");
      return IValue(DeviceValue{args[0].toString()});
    }
    if (n == "restore_type_tag") {
      if (args.size() != 2) fail("malformed restore_type_tag");
      IValue value = args[0];
      if (value.isList() && args[1].isString()) value.toList()->typeTag = args[1].toString();
      if (value.isDict() && args[1].isString()) value.toDict()->typeTag = args[1].toString();
      return value;
    }
    // build_intlist / build_tensorlist / ...: the list itself.
    if (args.size() != 1 || !args[0].isList()) fail(m + "." + n + " expects a list");
    return args[0];
  }

  void setState(ObjectValue& object, IValue state) {
    if (state.isDict()) {
      for (auto& [key, value] : state.toDict()->items) {
        if (!key.isString()) fail("object state with a non-string key");
        object.attributes.emplace_back(key.toString(), value);
      }
    } else {
      object.state = std::make_shared<IValue>(std::move(state));
    }
  }

  IValue persistent(const IValue& id) {
    const auto& items = id.isTuple() ? id.items() : std::vector<IValue>{};
    if (items.size() < 5 || !items[0].isString() || items[0].toString() != "storage" ||
        !items[1].isGlobal() || !items[2].isString() || !items[4].isInt()) {
      fail("unsupported persistent id " + id.repr());
    }
    auto dtype = dtypeFromStorageName(items[1].toGlobal().name);
    if (!dtype) fail("unsupported storage type " + items[1].toGlobal().name);
    const std::string& key = items[2].toString();
    auto it = storages_.find(key);
    if (it == storages_.end()) {
      std::shared_ptr<Buffer> buffer =
          items[4].toInt() == 0 ? Buffer::allocate(0) : loadStorage_(key, *dtype, items[4].toInt());
      if (buffer->size() < static_cast<size_t>(items[4].toInt()) * elementSize(*dtype)) {
        fail("storage '" + key + "' is smaller than its " + std::to_string(items[4].toInt()) +
             " elements");
      }
      it = storages_.emplace(key, Storage{buffer, *dtype}).first;
    }
    // A storage is carried as a 0-element tensor view remembering buffer and dtype.
    return IValue(Tensor::view(it->second.buffer, it->second.dtype, {0}, {1}, 0));
  }

  IValue rebuildTensor(const std::vector<IValue>& args) {
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    if (args.size() < 6 || args.size() > 7 || !args[0].isTensor() || !args[1].isInt()) {
      fail("malformed _rebuild_tensor_v2 call");
    }
    const Tensor& storage = args[0].toTensor();
    Shape shape = intTuple(args[2], "size"), strides = intTuple(args[3], "stride");
    if (shape.size() != strides.size()) fail("tensor size and stride differ in length");
    try {
      return IValue(
          Tensor::view(storage.buffer(), storage.dtype(), shape, strides, args[1].toInt()));
    } catch (const std::exception& e) {
      fail(std::string("tensor of shape ") + shapeToString(shape) + ": " + e.what());
    }
  }

  Shape intTuple(const IValue& value, const char* what) const {
    if (!value.isTuple() && !value.isList())
      fail(std::string("tensor ") + what + " is not a tuple");
    Shape result;
    for (const IValue& item : value.items()) {
      if (!item.isInt()) fail(std::string("tensor ") + what + " holds a non-integer");
      result.push_back(item.toInt());
    }
    return result;
  }

  struct Storage {
    std::shared_ptr<Buffer> buffer;
    DType dtype;
  };

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  const std::string& entry_;
  const StorageLoader& loadStorage_;
  std::vector<StackItem> stack_;
  std::map<uint32_t, StackItem> memo_;
  std::map<std::string, Storage> storages_;
};

}  // namespace

IValue readPickle(const Buffer& bytes, const std::string& entryName,
                  const StorageLoader& loadStorage) {
  try {
    return PickleReader(bytes, entryName, loadStorage).run();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    // A value of an unexpected kind deep inside (e.g. a string where an int belongs).
    throw Error(entryName + ": malformed pickle: " + e.what());
  }
}

}  // namespace ts2coreml::archive
