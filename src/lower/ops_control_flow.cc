// prim::If -> mil.cond, prim::Loop -> mil.while_loop. Loops stay loops: the trip count is a
// runtime value, never unrolled here.
#include <limits>

#include "lower/op_families.h"

namespace ts2coreml::lower {

namespace {

void lowerIf(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* pred = ctx.get(node.input(0));
  std::vector<ir::TypePtr> types;
  for (size_t i = 0; i < node.numOutputs(); ++i) types.push_back(milTypeOf(node.output(i)->type()));
  ir::Node* cond = ctx.builder().op("cond", {{"pred", pred}}, types);
  for (size_t b = 0; b < 2; ++b) {
    const ir::Block& torchBlock = *node.block(b);
    ir::Block* milBlock = cond->addBlock();
    ir::Block* saved = ctx.builder().block();
    ctx.builder().setBlock(milBlock);
    ctx.lowerBlock(torchBlock);
    for (ir::Value* ret : torchBlock.returns()) milBlock->addReturn(ctx.get(ret));
    ctx.builder().setBlock(saved);
  }
  for (size_t i = 0; i < node.numOutputs(); ++i) ctx.bind(node.output(i), cond->output(i));
}

// prim::Loop(trip_count, initial_cond, carried...) with block (i, carried...) -> (cond, carried...)
// becomes while_loop(loop_vars = (i, [cond], carried...)).
void lowerLoop(LoweringContext& ctx, const ir::Node& node) {
  MilBuilder& b = ctx.builder();
  const ir::Block& body = *node.block(0);
  auto tripConst = ctx.constant(node.input(0));
  bool hasTrip = !(tripConst && tripConst->isInt() &&
                   tripConst->toInt() == std::numeric_limits<int64_t>::max());
  auto initialCond = ctx.constant(node.input(1));
  auto bodyCond = ctx.constant(body.returns()[0]);
  bool dynamicCond = !(initialCond && initialCond->isBool() && initialCond->toBool() && bodyCond &&
                       bodyCond->isBool() && bodyCond->toBool());
  const size_t carried = node.inputs().size() - 2;

  std::vector<ir::Value*> loopVars{b.constInt(0)};
  if (dynamicCond) loopVars.push_back(ctx.get(node.input(1)));
  for (size_t i = 0; i < carried; ++i) loopVars.push_back(ctx.get(node.input(2 + i)));
  ir::Value* trip = hasTrip ? ctx.get(node.input(0)) : nullptr;

  std::vector<NamedInput> inputs;
  std::vector<ir::TypePtr> types;
  for (size_t k = 0; k < loopVars.size(); ++k) {
    inputs.emplace_back("loop_vars", loopVars[k]);
    // Carried values take the loop's own (generalised) type: a list grown in the loop has a
    // first dimension that changes every iteration, unlike its initial value.
    size_t carriedIndex = k - (dynamicCond ? 2 : 1);
    bool isCarried = k >= (dynamicCond ? 2u : 1u);
    types.push_back(isCarried ? milTypeOf(body.param(1 + carriedIndex)->type())
                              : loopVars[k]->type());
  }
  ir::Node* loop = b.op("while_loop", inputs, types);
  ir::Block* condBlock = loop->addBlock();
  ir::Block* bodyBlock = loop->addBlock();
  std::vector<ir::Value*> condParams, bodyParams;
  for (const ir::TypePtr& type : types) {
    condParams.push_back(condBlock->addParam(type));
    bodyParams.push_back(bodyBlock->addParam(type));
  }

  // Condition: i < trip_count [and cond].
  ir::Block* saved = b.block();
  b.setBlock(condBlock);
  ir::Value* keepGoing = nullptr;
  if (hasTrip)
    keepGoing = b.op1("less", {{"x", condParams[0]}, {"y", trip}}, milScalar(DType::Bool));
  if (dynamicCond) {
    keepGoing = keepGoing ? b.op1("logical_and", {{"x", keepGoing}, {"y", condParams[1]}},
                                  milScalar(DType::Bool))
                          : condParams[1];
  }
  condBlock->addReturn(keepGoing);

  // Body: the torch block with its params bound, then i + 1.
  b.setBlock(bodyBlock);
  const size_t firstCarried = dynamicCond ? 2 : 1;
  ctx.bind(body.param(0), bodyParams[0]);
  for (size_t i = 0; i < carried; ++i) ctx.bind(body.param(1 + i), bodyParams[firstCarried + i]);
  ctx.lowerBlock(body);
  bodyBlock->addReturn(
      b.op1("add", {{"x", bodyParams[0]}, {"y", b.constInt(1)}}, milScalar(DType::Int32)));
  if (dynamicCond) bodyBlock->addReturn(ctx.get(body.returns()[0]));
  for (size_t i = 0; i < carried; ++i) bodyBlock->addReturn(ctx.get(body.returns()[1 + i]));
  b.setBlock(saved);

  for (size_t i = 0; i < carried; ++i) ctx.bind(node.output(i), loop->output(firstCarried + i));
}

}  // namespace

void registerControlFlowOps(LoweringTable& table) {
  table["prim::If"] = lowerIf;
  table["prim::Loop"] = lowerLoop;
}

}  // namespace ts2coreml::lower
