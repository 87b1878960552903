#include "passes/mil_fp16.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "ir/mil_op_table.h"
#include "passes/mil_rewrite.h"

namespace ts2coreml::passes {

namespace {

ir::TypePtr toHalf(const ir::TypePtr& type) {
  if (type->isTensor() && type->dtype() == DType::Float32) {
    return ir::Type::tensor(DType::Float16, type->shape());
  }
  return type;
}

// Small constants are converted now; large ones keep their fp32 data (possibly a view into the
// archive) and are converted by the backend while streaming them into weight.bin.
constexpr int64_t kConvertInPlaceLimit = 64;

// fp16 copy of a small fp32 constant that keeps each value's kind. Finite values beyond fp16's
// range saturate to +-65504 instead of becoming inf: models write "very negative" as
// torch.finfo(float32).min (attention masks), and as inf it turns `0 * min` into NaN where fp32
// gives 0. Non-zero values below fp16's smallest subnormal become it instead of 0: a layer
// norm's epsilon of 1e-12 (transformers' default) as 0 gives 0 / 0 = NaN for a constant row.
Tensor toHalfSaturated(const Tensor& value) {
  constexpr float kHalfMax = 65504.0f;
  const float kHalfTiniest = std::ldexp(1.0f, -24);
  Tensor clamped = value.contiguous().clone();
  float* data = clamped.mutableData<float>();
  for (int64_t i = 0; i < clamped.numel(); ++i) {
    if (std::isfinite(data[i])) data[i] = std::clamp(data[i], -kHalfMax, kHalfMax);
    if (data[i] != 0.0f && std::fabs(data[i]) < kHalfTiniest)
      data[i] = std::copysign(kHalfTiniest, data[i]);
  }
  return clamped.to(DType::Float16);
}

// The dtype-name constants casts take, made once on first use.
struct CastNames {
  ir::Graph& graph;
  ir::Value* fp16 = nullptr;
  ir::Value* fp32 = nullptr;
  ir::Value* get(DType dtype) {
    ir::Value*& slot = dtype == DType::Float16 ? fp16 : fp32;
    if (!slot) {
      slot = mil::addConst(graph, IValue(dtype == DType::Float16 ? "fp16" : "fp32"),
                           ir::Type::strType());
    }
    return slot;
  }
};

bool isHalfTensor(const ir::Value* value) {
  return value->type()->isTensor() && value->type()->dtype() == DType::Float16;
}

// Values some node other than a kept-fp32 op reads (or a block returns): their constants must
// become fp16. A constant read only by kept ops keeps its fp32 data.
void collectHalfUses(ir::Block* block, const std::set<std::string>& fp32Kinds,
                     std::set<const ir::Value*>& used) {
  for (const ir::Value* value : block->returns()) used.insert(value);
  for (const auto& node : block->nodes()) {
    if (!fp32Kinds.count(node->kind())) {
      for (const ir::Value* input : node->inputs()) used.insert(input);
    }
    for (const auto& inner : node->blocks()) collectHalfUses(inner.get(), fp32Kinds, used);
  }
}

ir::Node* insertCast(ir::Block* block, const ir::Node* before, ir::Value* x, DType dtype,
                     CastNames& names) {
  ir::Node* cast =
      before ? block->insertNodeBefore(before, "mil.cast") : block->appendNode("mil.cast");
  cast->addInput(x, "x");
  cast->addInput(names.get(dtype), "dtype");
  cast->addOutput(ir::Type::tensor(dtype, x->type()->shape()));
  cast->setLocation(before ? before->location() : ir::SourceLocation{});
  return cast;
}

// Runs `node` (a kept op) in fp32: its fp16 inputs are cast up, its outputs cast back down.
// Returns how many nodes were inserted after it.
size_t keepInFp32(ir::Block* block, ir::Node* node, CastNames& names) {
  for (size_t k = 0; k < node->inputs().size(); ++k) {
    // Reading another kept op's result: take its fp32 value, not the fp16 copy.
    const ir::Node* producer = node->input(k)->producer();
    if (producer && producer->kind() == "mil.cast" && isHalfTensor(node->input(k)) &&
        producer->input(0)->type()->isTensor() &&
        producer->input(0)->type()->dtype() == DType::Float32) {
      node->setInput(k, producer->input(0));
      continue;
    }
    if (isHalfTensor(node->input(k))) {
      node->setInput(k, insertCast(block, node, node->input(k), DType::Float32, names)->output());
    }
  }
  size_t inserted = 0;
  for (size_t o = 0; o < node->numOutputs(); ++o) {
    ir::Value* output = node->output(o);
    if (!(output->type()->isTensor() && output->type()->dtype() == DType::Float32)) continue;
    // The cast goes right after `node` (and after casts inserted for earlier outputs).
    const auto& nodes = block->nodes();
    size_t position = 0;
    while (nodes[position].get() != node) ++position;
    position += 1 + inserted;
    const ir::Node* next = position < nodes.size() ? nodes[position].get() : nullptr;
    ir::Node* down = insertCast(block, next, output, DType::Float16, names);
    down->setLocation(node->location());
    ir::replaceAllUsesWith(block, output, down->output());
    down->setInput(0, output);
    // A model output computed in fp32 stays fp32 (rounding it to fp16 and back would only lose
    // precision); nested blocks keep fp16 results so both branches of a cond agree.
    if (!block->owner()) {
      for (size_t r = 0; r < block->returns().size(); ++r) {
        if (block->returns()[r] == down->output()) block->setReturn(r, output);
      }
    }
    ++inserted;
  }
  return inserted;
}

void convertBlock(ir::Graph& graph, ir::Block* block, CastNames& names,
                  const std::set<std::string>& fp32Kinds,
                  const std::set<const ir::Value*>& halfUses) {
  // The top block's params are the model inputs: they keep their interface type.
  if (block->owner()) {
    for (const auto& param : block->params()) param->setType(toHalf(param->type()));
  }
  for (size_t i = 0; i < block->nodes().size(); ++i) {
    ir::Node* node = block->nodes()[i].get();
    if (fp32Kinds.count(node->kind())) {
      size_t inserted = keepInFp32(block, node, names);
      while (block->nodes()[i].get() != node) ++i;  // up-casts were inserted before it
      i += inserted;                                // skip the down-casts after it
      continue;
    }
    if (node->kind() == "mil.const" && !halfUses.count(node->output())) continue;
    if (node->kind() == "mil.const") {
      IValue& val = node->attributes()["val"];
      if (val.isTensor() && val.toTensor().dtype() == DType::Float32 &&
          val.toTensor().numel() <= kConvertInPlaceLimit) {
        val = IValue(toHalfSaturated(val.toTensor()));
      }
    } else if (node->kind() == "mil.cast") {
      ir::Value* dtype = node->namedInput("dtype");
      const ir::Node* producer = dtype ? dtype->producer() : nullptr;
      if (producer && producer->attribute("val").isString() &&
          producer->attribute("val").toString() == "fp32") {
        for (size_t k = 0; k < node->inputs().size(); ++k) {
          if (node->inputNames()[k] == "dtype") node->setInput(k, names.get(DType::Float16));
        }
      }
    }
    for (size_t o = 0; o < node->numOutputs(); ++o) {
      node->output(o)->setType(toHalf(node->output(o)->type()));
    }
    for (const auto& inner : node->blocks())
      convertBlock(graph, inner.get(), names, fp32Kinds, halfUses);
  }
}

}  // namespace

void applyFp16ComputePrecision(ir::Graph& milGraph, const std::vector<std::string>& fp32OpTypes) {
  // Only ops that compute in fp16 can be kept in fp32; the pass handles the others itself (the
  // fp16 column of ir/mil_ops.def: const, cast, and control flow, whose blocks it converts).
  std::set<std::string> fp32Kinds;
  for (const std::string& type : fp32OpTypes) {
    const ir::MilOpSpec* spec = ir::findMilOpSpec(type);
    if (spec && spec->fp16 == ir::MilFp16::Computes) fp32Kinds.insert("mil." + type);
  }
  std::set<const ir::Value*> halfUses;
  collectHalfUses(milGraph.top(), fp32Kinds, halfUses);
  CastNames names{milGraph};
  ir::Block* top = milGraph.top();
  // Inputs stay fp32 in the interface: cast them once at the start.
  for (const auto& input : milGraph.inputs()) {
    if (!(input->type()->isTensor() && input->type()->dtype() == DType::Float32)) continue;
    // Insert after the leading constants so the dtype constant is defined before the cast.
    const ir::Node* firstOp = nullptr;
    for (const auto& node : top->nodes()) {
      if (node->kind() != "mil.const") {
        firstOp = node.get();
        break;
      }
    }
    ir::Node* cast =
        firstOp ? top->insertNodeBefore(firstOp, "mil.cast") : top->appendNode("mil.cast");
    ir::Value* half = cast->addOutput(toHalf(input->type()));
    ir::replaceAllUsesWith(top, input.get(), half);
    cast->addInput(input.get(), "x");
    cast->addInput(names.get(DType::Float16), "dtype");
  }
  convertBlock(milGraph, top, names, fp32Kinds, halfUses);
  // Outputs go back to fp32.
  for (size_t i = 0; i < top->returns().size(); ++i) {
    ir::Value* output = top->returns()[i];
    if (!(output->type()->isTensor() && output->type()->dtype() == DType::Float16)) continue;
    ir::Node* cast = top->appendNode("mil.cast");
    cast->addInput(output, "x");
    cast->addInput(names.get(DType::Float32), "dtype");
    top->setReturn(i, cast->addOutput(ir::Type::tensor(DType::Float32, output->type()->shape())));
  }
}

}  // namespace ts2coreml::passes
