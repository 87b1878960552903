#include "archive/unpickler.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "archive/pickle_globals.h"
#include "core/error.h"

namespace ts2coreml::archive {

namespace {

// Opcode bytes from CPython's Lib/pickle.py.
enum Opcode : uint8_t {
  kProto = 0x80,
  kStop = '.',
  kMark = '(',
  kEmptyTuple = ')',
  kTuple = 't',
  kTuple1 = 0x85,
  kTuple2 = 0x86,
  kTuple3 = 0x87,
  kEmptyList = ']',
  kAppend = 'a',
  kAppends = 'e',
  kList = 'l',
  kEmptyDict = '}',
  kDict = 'd',
  kSetItem = 's',
  kSetItems = 'u',
  kNone = 'N',
  kNewTrue = 0x88,
  kNewFalse = 0x89,
  kBinInt1 = 'K',
  kBinInt2 = 'M',
  kBinInt = 'J',
  kLong1 = 0x8a,
  kBinFloat = 'G',
  kBinUnicode = 'X',
  kShortBinUnicode = 0x8c,
  kBinString = 'T',
  kShortBinString = 'U',
  kBinBytes = 'B',
  kShortBinBytes = 'C',
  kBinPut = 'q',
  kLongBinPut = 'r',
  kBinGet = 'h',
  kLongBinGet = 'j',
  kGlobal = 'c',
  kNewObj = 0x81,
  kReduce = 'R',
  kBuild = 'b',
  kBinPersId = 'Q',
};

// A slot of the VM stack: a value, a MARK, or a global from the allow-list waiting for its call
// (an index into Unpickler::globals_, which keeps the slot small: one slot per pickle item).
struct StackItem {
  enum class Kind : uint8_t { Value, Mark, Global } kind = Kind::Value;
  uint32_t global = 0;
  IValue value;
};

// Containers nested deeper than this are refused. TorchScript's own pickles nest a few levels
// per submodule (object -> state -> tensor tuple), well under 100 for any real model; 2000
// leaves ample headroom while every later recursive walk of the values (repr, the module
// loader) stays far from the machine stack's end.
constexpr uint32_t kMaxNesting = 2000;

// Memory budget of one pickle: a base plus a multiple of the pickle's own size. Each item costs
// one stack slot (and its string bytes, also when copied out of the memo); real pickles have
// fewer than 0.2 items per byte (a 52 KB debug_pkl of the fixtures: 0.19), so 32 bytes per byte
// is twice what they need at ~100 bytes a slot, and the 64 MiB base covers every small pickle.
// Five million NONE opcodes (5 MB) are refused near 200 MiB instead of taking 2 GB.
constexpr uint64_t kBudgetBase = uint64_t{64} << 20;
constexpr uint64_t kBudgetPerByte = 32;

// What the unpickler knows of each container it made or saw: its nesting depth and whether it
// is already inside another container. A nested container never changes again, so the depths
// recorded are exact, no container can contain itself, and nothing deeper than kMaxNesting can
// exist (the destructors' recursion is bounded too). `keep` holds it alive so that its address
// is never reused by another container while the table lives.
struct ContainerInfo {
  IValue keep;
  uint32_t depth = 1;
  bool nested = false;
};

class Unpickler {
 public:
  Unpickler(const Buffer& bytes, const std::string& where, const StorageLoader& loadStorage)
      : data_(bytes.data()),
        size_(bytes.size()),
        budget_(kBudgetBase + kBudgetPerByte * static_cast<uint64_t>(bytes.size())),
        where_(where),
        loadStorage_(loadStorage) {}

  IValue run() {
    if (size_ < 2 || data_[0] != kProto) fail("not a pickle (it does not start with PROTO)");
    for (;;) {
      opStart_ = pos_;
      const uint8_t op = u8();
      if (op == kStop) return finish();
      step(op);
    }
  }

 private:
  void step(uint8_t op) {
    switch (op) {
      case kProto: {
        const uint8_t version = u8();
        if (version > 2) {
          fail("pickle protocol " + std::to_string(version) + " (TorchScript writes protocol 2)");
        }
        break;
      }
      case kMark:
        charge(sizeof(StackItem));
        stack_.push_back({StackItem::Kind::Mark, 0, {}});
        break;
      case kEmptyTuple:
        push(IValue::tuple({}));
        break;
      case kTuple:
        push(container(IValue::tuple({}), popToMark()));
        break;
      case kTuple1:
        push(container(IValue::tuple({}), {popValue()}));
        break;
      case kTuple2: {
        IValue second = popValue(), first = popValue();
        push(container(IValue::tuple({}), {std::move(first), std::move(second)}));
        break;
      }
      case kTuple3: {
        IValue third = popValue(), second = popValue(), first = popValue();
        push(container(IValue::tuple({}), {std::move(first), std::move(second), std::move(third)}));
        break;
      }
      case kEmptyList:
        push(container(IValue::list({}), {}));
        break;
      case kList:
        push(container(IValue::list({}), popToMark()));
        break;
      case kAppend: {
        IValue item = popValue();
        auto& list = listOnTop();
        adopt(stack_.back().value, item);
        list.items.push_back(std::move(item));
        break;
      }
      case kAppends: {
        std::vector<IValue> items = popToMark();
        auto& list = listOnTop();
        for (auto& item : items) {
          adopt(stack_.back().value, item);
          list.items.push_back(std::move(item));
        }
        break;
      }
      case kEmptyDict:
        push(known(IValue(std::make_shared<DictValue>())));
        break;
      case kDict: {
        IValue dict = known(IValue(std::make_shared<DictValue>()));
        addPairs(dict, popToMark());
        push(std::move(dict));
        break;
      }
      case kSetItem: {
        IValue value = popValue(), key = popValue();
        dictOnTop();
        std::vector<IValue> pair;
        pair.push_back(std::move(key));
        pair.push_back(std::move(value));
        addPairs(stack_.back().value, std::move(pair));
        break;
      }
      case kSetItems: {
        std::vector<IValue> items = popToMark();
        dictOnTop();
        addPairs(stack_.back().value, std::move(items));
        break;
      }
      case kNone:
        push(IValue());
        break;
      case kNewTrue:
        push(IValue(true));
        break;
      case kNewFalse:
        push(IValue(false));
        break;
      case kBinInt1:
        push(IValue(static_cast<int64_t>(u8())));
        break;
      case kBinInt2:
        push(IValue(static_cast<int64_t>(readUInt(2))));
        break;
      case kBinInt:
        push(IValue(static_cast<int64_t>(static_cast<int32_t>(readUInt(4)))));
        break;
      case kLong1:
        push(IValue(long1()));
        break;
      case kBinFloat: {  // the one big-endian field of the format
        need(8);
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = bits << 8 | data_[pos_ + i];
        pos_ += 8;
        push(IValue(std::bit_cast<double>(bits)));
        break;
      }
      case kBinUnicode:
      case kBinString:
      case kBinBytes:  // no bytes type in TorchScript: kept as a string
        push(IValue(text(readUInt(4))));
        break;
      case kShortBinUnicode:
      case kShortBinString:
      case kShortBinBytes:
        push(IValue(text(u8())));
        break;
      case kBinPut:
        charge(sizeof(StackItem));
        memo_[u8()] = top();
        break;
      case kLongBinPut:
        charge(sizeof(StackItem));
        memo_[static_cast<uint32_t>(readUInt(4))] = top();
        break;
      case kBinGet:
        pushMemo(u8());
        break;
      case kLongBinGet:
        pushMemo(static_cast<uint32_t>(readUInt(4)));
        break;
      case kGlobal: {
        std::string module = line();
        std::string name = line();
        PickleGlobal global = resolveGlobal(module, name, where_);
        if (global.action == GlobalAction::Value) {
          push(IValue(GlobalRef{global.module, global.name}));
        } else {
          charge(sizeof(StackItem) + sizeof(PickleGlobal) + module.size() + name.size());
          globals_.push_back(std::move(global));
          stack_.push_back(
              {StackItem::Kind::Global, static_cast<uint32_t>(globals_.size() - 1), {}});
        }
        break;
      }
      case kNewObj: {  // cls args -> an empty object; BUILD fills it in place
        popValue();    // the constructor arguments (torch writes an empty tuple)
        push(known(newScriptObject(popGlobal("NEWOBJ"), where_)));
        break;
      }
      case kReduce: {
        IValue argument = popValue();
        PickleGlobal callee = popGlobal("REDUCE");
        push(known(callGlobal(callee, argument, where_)));
        break;
      }
      case kBuild: {
        IValue state = popValue();
        if (stack_.empty() || stack_.back().kind != StackItem::Kind::Value ||
            !stack_.back().value.isObject()) {
          fail("BUILD on something that is not a TorchScript object");
        }
        adopt(stack_.back().value, state);
        setObjectState(*stack_.back().value.toObject(), std::move(state), where_);
        break;
      }
      case kBinPersId:
        push(persistentLoad(popValue()));
        break;
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        throw Error(where_ + ": unsupported pickle opcode " + hex + " at byte " +
                    std::to_string(opStart_));
      }
    }
  }

  IValue finish() {
    if (stack_.size() != 1 || stack_[0].kind != StackItem::Kind::Value) {
      fail("STOP with " + std::to_string(stack_.size()) +
           " items on the stack instead of one value");
    }
    return std::move(stack_[0].value);
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(where_ + ": malformed pickle at byte " + std::to_string(opStart_) + ": " + what);
  }

  // --- reading the byte stream ---
  void need(size_t n) const {
    if (n > size_ - pos_) {
      throw Error(where_ + ": truncated pickle: the opcode at byte " + std::to_string(opStart_) +
                  " needs " + std::to_string(n) + " more bytes");
    }
  }
  uint8_t u8() {
    need(1);
    return data_[pos_++];
  }
  uint64_t readUInt(int bytes) {  // little-endian
    need(static_cast<size_t>(bytes));
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i) value = value << 8 | data_[pos_ + i];
    pos_ += static_cast<size_t>(bytes);
    return value;
  }
  // LONG1: n little-endian bytes of two's complement. TorchScript writes n = 8; Python writes
  // the shortest form, so every n up to 8 is read.
  int64_t long1() {
    const uint8_t n = u8();
    if (n > 8) fail("LONG1 integer of " + std::to_string(n) + " bytes does not fit in 64 bits");
    if (n == 0) return 0;
    uint64_t value = readUInt(n);
    if (n < 8 && (value >> (8 * n - 1) & 1)) value |= ~uint64_t{0} << (8 * n);  // sign-extend
    return static_cast<int64_t>(value);
  }
  std::string text(uint64_t n) {
    need(n);
    std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }
  std::string line() {  // GLOBAL operands end with '\n'
    const void* end = std::memchr(data_ + pos_, '\n', size_ - pos_);
    if (!end) {
      throw Error(where_ + ": truncated pickle: the GLOBAL at byte " + std::to_string(opStart_) +
                  " has no end of line");
    }
    size_t length = static_cast<const uint8_t*>(end) - (data_ + pos_);
    std::string s(reinterpret_cast<const char*>(data_ + pos_), length);
    pos_ += length + 1;
    return s;
  }

  // --- the memory budget and the nesting of containers ---
  void charge(uint64_t bytes) {
    used_ += bytes;
    if (used_ > budget_) {
      fail("the pickle needs more than its memory budget of " + std::to_string(budget_ >> 20) +
           " MiB (64 MiB + 32 bytes per byte of the pickle); refused as a memory bomb");
    }
  }
  static const void* containerKey(const IValue& value) {
    if (value.isList()) return value.toList().get();
    if (value.isTuple()) return value.toTuple().get();
    if (value.isDict()) return value.toDict().get();
    if (value.isObject()) return value.toObject().get();
    return nullptr;
  }
  // The entry of a container, made on first sight (containers from an allow-listed global's
  // call are built from values already known, so one level of look-up finds their depth).
  ContainerInfo& infoOf(const IValue& value, const void* key) {
    auto it = containers_.find(key);
    if (it != containers_.end()) return it->second;
    charge(sizeof(ContainerInfo) + 32);
    ContainerInfo info{value, 1, false};
    auto childDepth = [&](const IValue& child) -> uint32_t {
      const void* childKey = containerKey(child);
      if (!childKey) return 0;
      auto found = containers_.find(childKey);
      return found == containers_.end() ? 1 : found->second.depth;
    };
    uint32_t deepest = 0;
    if (value.isList() || value.isTuple()) {
      for (const IValue& child : value.items()) deepest = std::max(deepest, childDepth(child));
    } else if (value.isDict()) {
      for (const auto& [k, v] : value.toDict()->items) {
        deepest = std::max({deepest, childDepth(k), childDepth(v)});
      }
    } else if (value.isObject()) {
      for (const auto& [name, v] : value.toObject()->attributes) {
        deepest = std::max(deepest, childDepth(v));
      }
      if (value.toObject()->state)
        deepest = std::max(deepest, childDepth(*value.toObject()->state));
    }
    info.depth = deepest + 1;
    checkDepth(info.depth);
    return containers_.emplace(key, std::move(info)).first->second;
  }
  void checkDepth(uint32_t depth) const {
    if (depth > kMaxNesting) {
      fail("containers nested deeper than " + std::to_string(kMaxNesting) +
           " levels (the unpickler's nesting limit)");
    }
  }
  IValue known(IValue value) {
    if (const void* key = containerKey(value)) infoOf(value, key);
    return value;
  }
  // `item` goes into `parent`: a container that is already inside another one never changes
  // again (TorchScript's pickler fills every container before it nests it), and none holds
  // itself.
  void adopt(const IValue& parent, const IValue& item) {
    const void* parentKey = containerKey(parent);
    if (!parentKey) fail("an item added to something that is not a container");
    ContainerInfo& parentInfo = infoOf(parent, parentKey);
    if (parentInfo.nested) {
      fail(
          "a container is changed after it was nested in another (self-referencing data is "
          "not supported)");
    }
    const void* itemKey = containerKey(item);
    if (!itemKey) return;
    if (itemKey == parentKey) fail("a container that contains itself");
    ContainerInfo& itemInfo = infoOf(item, itemKey);
    itemInfo.nested = true;
    const uint32_t depth = itemInfo.depth + 1;
    ContainerInfo& updated = infoOf(parent, parentKey);  // infoOf may have rehashed the table
    if (depth > updated.depth) {
      checkDepth(depth);
      updated.depth = depth;
    }
  }
  // A new tuple or list holding `items`.
  IValue container(IValue empty, std::vector<IValue> items) {
    infoOf(empty, containerKey(empty));
    for (const IValue& item : items) adopt(empty, item);
    if (empty.isTuple()) {
      empty.toTuple()->items = std::move(items);
    } else {
      empty.toList()->items = std::move(items);
    }
    return empty;
  }

  // --- the stack ---
  void push(IValue value) {
    charge(sizeof(StackItem) + (value.isString() ? value.toString().size() : 0));
    stack_.push_back({StackItem::Kind::Value, 0, std::move(value)});
  }
  const StackItem& top() const {
    if (stack_.empty()) fail("memo store on an empty stack");
    return stack_.back();
  }
  void pushMemo(uint32_t index) {
    auto it = memo_.find(index);
    if (it == memo_.end()) fail("memo entry " + std::to_string(index) + " is not defined");
    charge(sizeof(StackItem) +
           (it->second.value.isString() ? it->second.value.toString().size() : 0));
    stack_.push_back(it->second);
  }
  IValue popValue() {
    if (stack_.empty() || stack_.back().kind != StackItem::Kind::Value) fail("expected a value");
    IValue value = std::move(stack_.back().value);
    stack_.pop_back();
    return value;
  }
  PickleGlobal popGlobal(const char* opcode) {
    if (stack_.empty() || stack_.back().kind != StackItem::Kind::Global) {
      fail(std::string(opcode) + " without a global to call");
    }
    PickleGlobal global = globals_[stack_.back().global];
    stack_.pop_back();
    return global;
  }
  std::vector<IValue> popToMark() {
    size_t mark = stack_.size();
    while (mark > 0 && stack_[mark - 1].kind != StackItem::Kind::Mark) --mark;
    if (mark == 0) fail("no MARK to close");
    std::vector<IValue> items;
    items.reserve(stack_.size() - mark);
    for (size_t i = mark; i < stack_.size(); ++i) {
      if (stack_[i].kind != StackItem::Kind::Value) fail("a global that was never called");
      items.push_back(std::move(stack_[i].value));
    }
    stack_.resize(mark - 1);
    return items;
  }
  ListValue& listOnTop() {
    if (stack_.empty() || !stack_.back().value.isList()) fail("APPEND to something not a list");
    return *stack_.back().value.toList();
  }
  DictValue& dictOnTop() {
    if (stack_.empty() || !stack_.back().value.isDict()) fail("SETITEM on something not a dict");
    return *stack_.back().value.toDict();
  }
  void addPairs(const IValue& dictValue, std::vector<IValue> items) {
    if (items.size() % 2) fail("a dict with a key but no value");
    DictValue& dict = *dictValue.toDict();
    for (size_t i = 0; i < items.size(); i += 2) {
      adopt(dictValue, items[i]);
      adopt(dictValue, items[i + 1]);
      dict.items.emplace_back(std::move(items[i]), std::move(items[i + 1]));
    }
  }

  // ('storage', torch.<X>Storage, key, location, numel) -> the storage as a 1-D tensor, loaded
  // once per key so that every view of it shares one buffer.
  IValue persistentLoad(const IValue& id) {
    const auto& items = id.isTuple() ? id.items() : std::vector<IValue>{};
    if (items.size() != 5 || !items[0].isString() || items[0].toString() != "storage" ||
        !items[1].isGlobal() || !items[2].isString() || !items[4].isInt()) {
      fail("unsupported persistent id " + id.repr());
    }
    const std::string& typeName = items[1].toGlobal().name;
    std::optional<DType> dtype = dtypeFromStorageName(typeName);
    if (!dtype) throw Error(where_ + ": tensors of torch." + typeName + " are not supported");
    const std::string& key = items[2].toString();
    if (auto it = storages_.find(key); it != storages_.end()) {
      if (it->second.toTensor().dtype() != *dtype) {
        fail("storage '" + key + "' is used with two dtypes");
      }
      return it->second;
    }
    const int64_t numel = items[4].toInt();
    if (numel < 0 || static_cast<uint64_t>(numel) > SIZE_MAX / elementSize(*dtype)) {
      fail("storage '" + key + "' has an impossible size of " + std::to_string(numel));
    }
    const size_t bytes = static_cast<size_t>(numel) * elementSize(*dtype);
    std::shared_ptr<Buffer> buffer =
        numel == 0 ? Buffer::allocate(0) : loadStorage_(key, *dtype, numel);
    if (!buffer || buffer->size() < bytes) {
      throw Error(where_ + ": storage '" + key + "' holds " +
                  std::to_string(buffer ? buffer->size() : 0) + " bytes, fewer than its " +
                  std::to_string(numel) + " " + std::string(dtypeName(*dtype)) + " elements need");
    }
    charge(sizeof(Tensor) + key.size() + 64);
    IValue tensor(Tensor::view(std::move(buffer), *dtype, {numel}, {1}, 0));
    storages_.emplace(key, tensor);
    return tensor;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  size_t opStart_ = 0;
  uint64_t budget_;
  uint64_t used_ = 0;
  const std::string& where_;
  const StorageLoader& loadStorage_;
  std::vector<StackItem> stack_;
  std::vector<PickleGlobal> globals_;
  std::unordered_map<const void*, ContainerInfo> containers_;
  std::unordered_map<uint32_t, StackItem> memo_;
  // Storages already loaded, by key: later references share the buffer (1-D tensors, whole).
  std::unordered_map<std::string, IValue> storages_;
};

}  // namespace

IValue unpickle(const Buffer& bytes, const std::string& where, const StorageLoader& loadStorage) {
  try {
    return Unpickler(bytes, where, loadStorage).run();
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Error(where + ": out of memory while reading the pickle");
  } catch (const std::exception& e) {
    // A value of an unexpected kind deep inside, e.g. a string where a tuple belongs.
    throw Error(where + ": malformed pickle: " + e.what());
  }
}

}  // namespace ts2coreml::archive
