// cond -> branch layer; while_loop -> copies + loop layer (+ copies back), following the scheme
// coremltools' NN backend uses (reference coreml-format.md 7.4).
//
// Neural network blobs are not SSA and only copy layers may overwrite a name, so loop-carried
// values live in one blob per loop variable (shared by the condition and body block params):
// the initial values are copied in before the loop, the body ends with copies of its results
// into them, and after the loop they are copied to the while_loop's output names.
#include <algorithm>

#include "backends/neuralnetwork/nn_lowerings.h"

namespace ts2coreml::backends::nn {

namespace {

spec::NeuralNetwork nestedNetwork() {
  spec::NeuralNetwork net;
  net.set_arrayinputshapemapping(spec::EXACT_ARRAY_MAPPING);
  net.set_imageinputshapemapping(spec::RANK4_IMAGE_MAPPING);
  return net;
}

// True when `value` is written by a layer of the network lowered from `block` (and not a
// constant, an outer value or a block param).
bool producedInside(const ir::Value* value, const ir::Block& block) {
  const ir::Node* producer = value->producer();
  return producer && producer->owner() == &block && producer->kind() != "mil.const";
}

// Writes block.returns() into `targets` with copy layers at the end of the current network.
// A source that is itself one of the targets is saved to a temporary first, so that a swap
// such as (a, b) -> (b, a) does not read an already overwritten blob.
void copyResults(NNContext& ctx, const ir::Block& block, const std::vector<std::string>& targets) {
  std::vector<std::string> sources;
  for (const ir::Value* result : block.returns()) sources.push_back(ctx.blob(result));
  for (size_t k = 0; k < sources.size(); ++k) {
    bool clobbered = false;
    for (size_t j = 0; j < targets.size(); ++j) clobbered |= (j != k && sources[k] == targets[j]);
    if (clobbered) {
      std::string saved = ctx.freshBlobName(sources[k] + "_saved");
      ctx.addCopy(sources[k], saved);
      sources[k] = saved;
    }
  }
  for (size_t k = 0; k < sources.size(); ++k) ctx.addCopy(sources[k], targets[k]);
}

}  // namespace

void lowerCond(NNContext& ctx, const ir::Node& node) {
  if (node.blocks().size() != 2) ctx.fail(node, "cond needs a true and a false block");
  if (node.numOutputs() == 0) return;  // no results: nothing observable to compute
  std::string pred = ctx.blob(ctx.input(node, "pred"));
  std::vector<std::string> outputs;
  for (size_t i = 0; i < node.numOutputs(); ++i) outputs.push_back(ctx.outputBlob(node.output(i)));

  spec::NeuralNetwork branches[2] = {nestedNetwork(), nestedNetwork()};
  for (size_t b = 0; b < 2; ++b) {
    const ir::Block& block = *node.block(b);
    if (block.returns().size() != outputs.size())
      ctx.fail(node, "a cond block returns the wrong number of values");
    ctx.lowerBlock(block, &branches[b]);
    ctx.pushNetwork(&branches[b]);
    copyResults(ctx, block, outputs);
    ctx.popNetwork();
  }
  auto* layer = ctx.addLayer(outputs.front() + "_branch", {pred}, {});
  auto* params = layer->mutable_branch();
  *params->mutable_ifbranch() = std::move(branches[0]);
  *params->mutable_elsebranch() = std::move(branches[1]);
}

void lowerWhileLoop(NNContext& ctx, const ir::Node& node) {
  if (node.blocks().size() != 2) ctx.fail(node, "while_loop needs a condition and a body block");
  const ir::Block& condBlock = *node.block(0);
  const ir::Block& bodyBlock = *node.block(1);
  std::vector<const ir::Value*> initial;
  for (size_t i = 0; i < node.inputs().size(); ++i) {
    if (i < node.inputNames().size() && node.inputNames()[i] == "loop_vars")
      initial.push_back(node.input(i));
  }
  size_t n = initial.size();
  if (condBlock.params().size() != n || bodyBlock.params().size() != n ||
      bodyBlock.returns().size() != n || node.numOutputs() != n ||
      condBlock.returns().size() != 1) {
    ctx.fail(node, "while_loop blocks do not match its loop variables");
  }

  // (a) one blob per loop variable, holding the initial value.
  std::vector<std::string> carried;
  for (size_t k = 0; k < n; ++k) {
    std::string hint = bodyBlock.param(k)->name();
    if (hint.empty()) hint = "loop_var_" + std::to_string(k);
    std::string name = ctx.freshBlobName(hint);
    ctx.nameBlob(condBlock.param(k), name);
    ctx.nameBlob(bodyBlock.param(k), name);
    ctx.addCopy(ctx.blob(initial[k]), name);
    carried.push_back(name);
  }

  // (b) the condition network; conditionVar must be written inside it.
  spec::NeuralNetwork condNet = nestedNetwork();
  ctx.lowerBlock(condBlock, &condNet);
  const ir::Value* condValue = condBlock.returns().front();
  std::string conditionVar = ctx.blob(condValue);
  if (!producedInside(condValue, condBlock)) {
    std::string fresh = ctx.freshBlobName(conditionVar + "_cond");
    ctx.pushNetwork(&condNet);
    auto* linear =
        ctx.addLayer(fresh, {conditionVar}, {fresh})->mutable_activation()->mutable_linear();
    linear->set_alpha(1.0f);
    ctx.popNetwork();
    conditionVar = fresh;
  }

  // (c) the body network, ending with the loop-variable updates.
  spec::NeuralNetwork bodyNet = nestedNetwork();
  ctx.lowerBlock(bodyBlock, &bodyNet);
  ctx.pushNetwork(&bodyNet);
  copyResults(ctx, bodyBlock, carried);
  ctx.popNetwork();
  if (bodyNet.layers_size() == 0)
    ctx.fail(node, "while_loop body computes nothing (an endless or empty loop)");

  std::string hint =
      node.numOutputs() ? ctx.outputBlob(node.output(0)) + "_loop" : std::string("loop");
  auto* params = ctx.addLayer(hint, {}, {})->mutable_loop();
  params->set_maxloopiterations(0);  // run while conditionVar holds
  params->set_conditionvar(conditionVar);
  *params->mutable_conditionnetwork() = std::move(condNet);
  *params->mutable_bodynetwork() = std::move(bodyNet);

  // (d) the final values under the while_loop's output names.
  for (size_t k = 0; k < n; ++k) ctx.addCopy(carried[k], ctx.outputBlob(node.output(k)));
}

}  // namespace ts2coreml::backends::nn
