// Shape manipulation and data movement: reshape, transpose, concat, stack, split, squeeze,
// expand_dims, slice_by_index, gather, scatter_along_axis, tile, shape, fill, range_1d, flatten2d.
#include <map>
#include <string>

#include "backends/neuralnetwork/nn_lowerings.h"

namespace ts2coreml::backends::nn {

namespace {

std::vector<const ir::Value*> variadic(const ir::Node& node, const std::string& param) {
  std::vector<const ir::Value*> values;
  for (size_t i = 0; i < node.inputs().size(); ++i) {
    if (i < node.inputNames().size() && node.inputNames()[i] == param)
      values.push_back(node.input(i));
  }
  return values;
}

std::vector<bool> flags(NNContext& ctx, const ir::Node& node, const std::string& param,
                        size_t rank) {
  std::vector<int64_t> values = ctx.constInts(node, param, std::vector<int64_t>(rank, 0));
  return std::vector<bool>(values.begin(), values.end());
}

}  // namespace

void lowerReshape(NNContext& ctx, const ir::Node& node) {
  const ir::Value* x = ctx.input(node, "x");
  const ir::Value* shape = ctx.input(node, "shape");
  if (!NNContext::constTensor(shape)) {
    ctx.addLayer(node, {x, shape})->mutable_reshapedynamic();
    return;
  }
  // The MIL output type already resolved 0 / -1 entries when shapes are known; prefer it.
  std::vector<int64_t> target = ctx.constInts(node, "shape", {});
  if (auto resolved = NNContext::staticShape(node.output())) {
    if (node.output()->type()->shape()->size() == target.size()) target = *resolved;
  }
  if (target.empty()) target = {1};  // a scalar is a one-element blob
  auto* params = ctx.addLayer(node, {x})->mutable_reshapestatic();
  for (int64_t d : target) params->add_targetshape(d);
}

void lowerTranspose(NNContext& ctx, const ir::Node& node) {
  auto* params = ctx.addLayer(node, {ctx.input(node, "x")})->mutable_transpose();
  for (int64_t axis : ctx.constInts(node, "perm", {}))
    params->add_axes(static_cast<uint64_t>(axis));
}

void lowerConcat(NNContext& ctx, const ir::Node& node) {
  auto* params = ctx.addLayer(node, variadic(node, "values"))->mutable_concatnd();
  params->set_axis(static_cast<int64_t>(ctx.constNumber(node, "axis", 0)));
  params->set_interleave(ctx.constFlag(node, "interleave", false));
}

void lowerStack(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, variadic(node, "values"))
      ->mutable_stack()
      ->set_axis(static_cast<int64_t>(ctx.constNumber(node, "axis", 0)));
}

void lowerSplit(NNContext& ctx, const ir::Node& node) {
  auto* params = ctx.addLayer(node, {ctx.input(node, "x")})->mutable_splitnd();
  params->set_axis(static_cast<int64_t>(ctx.constNumber(node, "axis", 0)));
  params->set_numsplits(node.numOutputs());
  for (int64_t size : ctx.constInts(node, "split_sizes", {}))
    params->add_splitsizes(static_cast<uint64_t>(size));
}

void lowerExpandDims(NNContext& ctx, const ir::Node& node) {
  auto* params = ctx.addLayer(node, {ctx.input(node, "x")})->mutable_expanddims();
  for (int64_t axis : ctx.constInts(node, "axes", {})) params->add_axes(axis);
}

void lowerSqueeze(NNContext& ctx, const ir::Node& node) {
  auto* params = ctx.addLayer(node, {ctx.input(node, "x")})->mutable_squeeze();
  if (!ctx.optionalInput(node, "axes")) {
    params->set_squeezeall(true);
    return;
  }
  for (int64_t axis : ctx.constInts(node, "axes", {})) params->add_axes(axis);
}

void lowerSliceByIndex(NNContext& ctx, const ir::Node& node) {
  const ir::Value* x = ctx.input(node, "x");
  std::vector<int64_t> begin = ctx.constInts(node, "begin", {});
  std::vector<int64_t> end = ctx.constInts(node, "end", {});
  size_t rank = begin.size();
  if (end.size() != rank) ctx.fail(node, "begin and end differ in length");
  std::vector<int64_t> stride = ctx.constInts(node, "stride", std::vector<int64_t>(rank, 1));
  std::vector<bool> beginMask = flags(ctx, node, "begin_mask", rank);
  std::vector<bool> endMask = flags(ctx, node, "end_mask", rank);
  std::vector<bool> squeezeMask = flags(ctx, node, "squeeze_mask", rank);
  auto* params = ctx.addLayer(node, {x})->mutable_slicestatic();
  for (size_t i = 0; i < rank; ++i) {
    params->add_beginids(begin[i]);
    params->add_endids(end[i]);
    params->add_strides(stride[i]);
    params->add_beginmasks(beginMask[i]);
    params->add_endmasks(endMask[i]);
    params->add_squeezemasks(squeezeMask[i]);
  }
}

void lowerGather(NNContext& ctx, const ir::Node& node) {
  if (ctx.constNumber(node, "batch_dims", 0) != 0)
    ctx.fail(node, "gather with batch_dims has no neural network layer");
  auto* params =
      ctx.addLayer(node, {ctx.input(node, "x"), ctx.input(node, "indices")})->mutable_gather();
  params->set_axis(static_cast<int64_t>(ctx.constNumber(node, "axis", 0)));
}

void lowerGatherAlongAxis(NNContext& ctx, const ir::Node& node) {
  auto* params = ctx.addLayer(node, {ctx.input(node, "x"), ctx.input(node, "indices")})
                     ->mutable_gatheralongaxis();
  params->set_axis(static_cast<int64_t>(ctx.constNumber(node, "axis", 0)));
}

void lowerScatterAlongAxis(NNContext& ctx, const ir::Node& node) {
  static const std::map<std::string, spec::ScatterMode> kModes = {
      {"update", spec::SCATTER_UPDATE}, {"add", spec::SCATTER_ADD}, {"sub", spec::SCATTER_SUB},
      {"mul", spec::SCATTER_MUL},       {"div", spec::SCATTER_DIV}, {"max", spec::SCATTER_MAX},
      {"min", spec::SCATTER_MIN}};
  const ir::Value* modeValue = ctx.optionalInput(node, "mode");
  const std::string modeName =
      modeValue ? NNContext::constString(modeValue).value_or("") : std::string("add");
  auto mode = kModes.find(modeName);
  if (mode == kModes.end()) ctx.fail(node, "unknown scatter mode '" + modeName + "'");
  auto* params = ctx.addLayer(node, {ctx.input(node, "data"), ctx.input(node, "indices"),
                                     ctx.input(node, "updates")})
                     ->mutable_scatteralongaxis();
  params->set_axis(static_cast<int64_t>(ctx.constNumber(node, "axis", 0)));
  params->set_mode(mode->second);
}

void lowerTile(NNContext& ctx, const ir::Node& node) {
  auto* params = ctx.addLayer(node, {ctx.input(node, "x")})->mutable_tile();
  for (int64_t r : ctx.constInts(node, "reps", {})) params->add_reps(static_cast<uint64_t>(r));
}

void lowerShape(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})->mutable_getshape();
}

void lowerFill(NNContext& ctx, const ir::Node& node) {
  float value = static_cast<float>(ctx.constNumber(node, "value", 0.0));
  const ir::Value* shape = ctx.input(node, "shape");
  if (!NNContext::constTensor(shape)) {
    ctx.addLayer(node, {shape})->mutable_filldynamic()->set_value(value);
    return;
  }
  auto* params = ctx.addLayer(node, {})->mutable_fillstatic();
  params->set_value(value);
  std::vector<int64_t> dims = ctx.constInts(node, "shape", {});
  if (dims.empty()) dims = {1};
  for (int64_t d : dims) params->add_targetshape(static_cast<uint64_t>(d));
}

void lowerRange1d(NNContext& ctx, const ir::Node& node) {
  const ir::Value* end = ctx.input(node, "end");
  const ir::Value* start = ctx.input(node, "start");
  const ir::Value* step = ctx.input(node, "step");
  auto e = NNContext::scalarConst(end);
  auto s = NNContext::scalarConst(start);
  auto st = NNContext::scalarConst(step);
  if (e && s && st) {
    auto* params = ctx.addLayer(node, {})->mutable_rangestatic();
    params->set_endvalue(static_cast<float>(*e));
    params->set_startvalue(static_cast<float>(*s));
    params->set_stepsizevalue(static_cast<float>(*st));
    return;
  }
  // rangeDynamic reads end, start, step from its inputs.
  ctx.addLayer(node, {end, start, step})->mutable_rangedynamic();
}

void lowerFlatten2d(NNContext& ctx, const ir::Node& node) {
  ctx.addLayer(node, {ctx.input(node, "x")})
      ->mutable_flattento2d()
      ->set_axis(static_cast<int64_t>(ctx.constNumber(node, "axis", 1)));
}

}  // namespace ts2coreml::backends::nn
