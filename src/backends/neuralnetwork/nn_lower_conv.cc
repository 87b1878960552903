// conv, pooling and batch_norm: the rank-4 image layers, with their constants stored inline.
#include <algorithm>
#include <optional>

#include "backends/neuralnetwork/nn_lowerings.h"

namespace ts2coreml::backends::nn {

namespace {

// Rank of `x` must be 4 (N, C, H, W): the NN convolution / pooling layers are 2-D only.
void requireRank4(NNContext& ctx, const ir::Node& node, const ir::Value* x) {
  int64_t rank = NNContext::rankOf(x);
  if (rank != 4) {
    ctx.fail(node, "the neural network backend supports 2-D (rank-4 input) only, got rank " +
                       std::to_string(rank) + " (use .mlpackage / ML Program)");
  }
}

std::vector<uint64_t> unsignedOf(const std::vector<int64_t>& values) {
  return std::vector<uint64_t>(values.begin(), values.end());
}

// Sets valid / same padding from MIL's pad_type and pad (the layer types share the messages).
template <typename Params>
void setPadding(NNContext& ctx, const ir::Node& node, Params* params) {
  std::string padType = ctx.constStr(node, "pad_type", "valid");
  if (padType == "valid") {
    params->mutable_valid();
  } else if (padType == "custom") {
    std::vector<int64_t> pad = ctx.constInts(node, "pad", {0, 0, 0, 0});
    if (pad.size() != 4) ctx.fail(node, "custom pad must have 4 entries");
    setBorderAmounts(params->mutable_valid()->mutable_paddingamounts(), pad);
  } else if (padType == "same") {
    params->mutable_same()->set_asymmetrymode(spec::SamePadding::BOTTOM_RIGHT_HEAVY);
  } else if (padType == "same_lower") {
    params->mutable_same()->set_asymmetrymode(spec::SamePadding::TOP_LEFT_HEAVY);
  } else {
    ctx.fail(node, "unknown pad_type '" + padType + "'");
  }
}

}  // namespace

namespace {

// conv / conv_transpose over [N, C, D, H, W] -> the Convolution3D layer (iOS14, specification
// version 5). Transposed weights are [C_in, C_out / groups, kD, kH, kW].
void lowerConv3d(NNContext& ctx, const ir::Node& node, const Tensor& weight, bool transposed) {
  const ir::Value* x = ctx.input(node, "x");
  ctx.requireSpecVersion(5, node, "a 3-d convolution");
  const int64_t groups = static_cast<int64_t>(ctx.constNumber(node, "groups", 1));
  auto* conv = ctx.addLayer(node, {x})->mutable_convolution3d();
  auto narrow = [](int64_t v) { return static_cast<int32_t>(v); };
  if (transposed) {
    const auto& out = node.output()->type()->shape();
    if (!out || out->size() != 5) ctx.fail(node, "conv_transpose needs a known output shape");
    conv->set_isdeconvolution(true);
    conv->set_outputchannels(narrow(weight.dim(1) * groups));
    conv->set_inputchannels(narrow(weight.dim(0)));
    for (size_t i = 2; i < 5; ++i) conv->add_outputshape(static_cast<uint64_t>((*out)[i]));
  } else {
    conv->set_outputchannels(narrow(weight.dim(0)));
    conv->set_inputchannels(narrow(weight.dim(1) * groups));
  }
  conv->set_ngroups(narrow(groups));
  conv->set_kerneldepth(narrow(weight.dim(2)));
  conv->set_kernelheight(narrow(weight.dim(3)));
  conv->set_kernelwidth(narrow(weight.dim(4)));
  std::vector<int64_t> strides = ctx.constInts(node, "strides", {1, 1, 1});
  std::vector<int64_t> dilations = ctx.constInts(node, "dilations", {1, 1, 1});
  if (strides.size() != 3 || dilations.size() != 3)
    ctx.fail(node, "a 3-d convolution needs 3 strides and 3 dilations");
  conv->set_stridedepth(narrow(strides[0]));
  conv->set_strideheight(narrow(strides[1]));
  conv->set_stridewidth(narrow(strides[2]));
  conv->set_dilationdepth(narrow(dilations[0]));
  conv->set_dilationheight(narrow(dilations[1]));
  conv->set_dilationwidth(narrow(dilations[2]));
  const std::string padType = ctx.constStr(node, "pad_type", "valid");
  if (padType == "valid") {
    conv->set_paddingtype(spec::Convolution3DLayerParams::VALID);
  } else if (padType == "same") {
    conv->set_paddingtype(spec::Convolution3DLayerParams::SAME);
  } else if (padType == "custom") {
    // MIL order: [front, back, top, bottom, left, right].
    std::vector<int64_t> pad = ctx.constInts(node, "pad", {0, 0, 0, 0, 0, 0});
    if (pad.size() != 6) ctx.fail(node, "custom pad of a 3-d convolution must have 6 entries");
    conv->set_paddingtype(spec::Convolution3DLayerParams::CUSTOM);
    conv->set_custompaddingfront(narrow(pad[0]));
    conv->set_custompaddingback(narrow(pad[1]));
    conv->set_custompaddingtop(narrow(pad[2]));
    conv->set_custompaddingbottom(narrow(pad[3]));
    conv->set_custompaddingleft(narrow(pad[4]));
    conv->set_custompaddingright(narrow(pad[5]));
  } else {
    ctx.fail(node, "pad_type '" + padType + "' has no 3-d convolution equivalent");
  }
  ctx.fillWeights(conv->mutable_weights(), weight);
  if (ctx.optionalInput(node, "bias")) {
    conv->set_hasbias(true);
    ctx.fillWeights(conv->mutable_bias(), ctx.constFloatTensor(node, "bias"));
  }
}

}  // namespace

void lowerConv(NNContext& ctx, const ir::Node& node) {
  const ir::Value* x = ctx.input(node, "x");
  const ir::Value* weightValue = ctx.input(node, "weight");
  // Weights computed at run time (CondConv's per-sample mixture of experts) are the layer's
  // second input, which the convolution layer takes from specification version 4 on.
  const bool runTimeWeight = NNContext::constTensor(weightValue) == nullptr;
  std::optional<Tensor> weight;
  Shape weightShape;
  if (runTimeWeight) {
    auto shape = NNContext::staticShape(weightValue);
    if (!shape || shape->size() != 4)
      ctx.fail(node,
               "a convolution whose weights are computed at run time needs them rank 4 "
               "with a known shape");
    weightShape = *shape;
  } else {
    weight = ctx.constFloatTensor(node, "weight");
    if (weight->rank() == 5) return lowerConv3d(ctx, node, *weight, /*transposed=*/false);
    weightShape = weight->shape();
  }
  requireRank4(ctx, node, x);
  if (weightShape.size() != 4) ctx.fail(node, "conv weight must be rank 4");
  int64_t groups = static_cast<int64_t>(ctx.constNumber(node, "groups", 1));
  if (runTimeWeight) ctx.requireSpecVersion(4, node, "a convolution with run-time weights");

  auto* layer = runTimeWeight ? ctx.addLayer(node, {x, weightValue}) : ctx.addLayer(node, {x});
  auto* conv = layer->mutable_convolution();
  conv->set_outputchannels(static_cast<uint64_t>(weightShape[0]));
  conv->set_kernelchannels(static_cast<uint64_t>(weightShape[1]));
  conv->set_ngroups(static_cast<uint64_t>(groups));
  conv->add_kernelsize(static_cast<uint64_t>(weightShape[2]));
  conv->add_kernelsize(static_cast<uint64_t>(weightShape[3]));
  for (uint64_t s : unsignedOf(ctx.constInts(node, "strides", {1, 1}))) conv->add_stride(s);
  for (uint64_t d : unsignedOf(ctx.constInts(node, "dilations", {1, 1})))
    conv->add_dilationfactor(d);
  setPadding(ctx, node, conv);
  if (weight) ctx.fillWeights(conv->mutable_weights(), *weight);
  if (ctx.optionalInput(node, "bias")) {
    conv->set_hasbias(true);
    ctx.fillWeights(conv->mutable_bias(), ctx.constFloatTensor(node, "bias"));
  }
}

// conv_transpose -> a convolution layer with isDeconvolution. Its weight layout is torch's
// [C_in, C_out / groups, kH, kW]; the explicit output shape pins the size output_padding adds.
void lowerConvTranspose(NNContext& ctx, const ir::Node& node) {
  const ir::Value* x = ctx.input(node, "x");
  Tensor weight = ctx.constFloatTensor(node, "weight");
  if (weight.rank() == 5) return lowerConv3d(ctx, node, weight, /*transposed=*/true);
  requireRank4(ctx, node, x);
  if (weight.rank() != 4) ctx.fail(node, "conv_transpose weight must be rank 4");
  int64_t groups = static_cast<int64_t>(ctx.constNumber(node, "groups", 1));
  const auto& out = node.output()->type()->shape();
  if (!out || out->size() != 4) ctx.fail(node, "conv_transpose needs a known output shape");
  auto* conv = ctx.addLayer(node, {x})->mutable_convolution();
  conv->set_isdeconvolution(true);
  conv->set_outputchannels(static_cast<uint64_t>(weight.dim(1) * groups));
  conv->set_kernelchannels(static_cast<uint64_t>(weight.dim(0)));
  conv->set_ngroups(static_cast<uint64_t>(groups));
  conv->add_kernelsize(static_cast<uint64_t>(weight.dim(2)));
  conv->add_kernelsize(static_cast<uint64_t>(weight.dim(3)));
  for (uint64_t s : unsignedOf(ctx.constInts(node, "strides", {1, 1}))) conv->add_stride(s);
  for (uint64_t d : unsignedOf(ctx.constInts(node, "dilations", {1, 1})))
    conv->add_dilationfactor(d);
  conv->add_outputshape(static_cast<uint64_t>((*out)[2]));
  conv->add_outputshape(static_cast<uint64_t>((*out)[3]));
  setPadding(ctx, node, conv);
  ctx.fillWeights(conv->mutable_weights(), weight);
  if (ctx.optionalInput(node, "bias")) {
    conv->set_hasbias(true);
    ctx.fillWeights(conv->mutable_bias(), ctx.constFloatTensor(node, "bias"));
  }
}

namespace {

void lowerPool(NNContext& ctx, const ir::Node& node, spec::PoolingLayerParams::PoolingType type) {
  const ir::Value* x = ctx.input(node, "x");
  requireRank4(ctx, node, x);
  bool ceil = ctx.constFlag(node, "ceil_mode", false);
  const std::vector<int64_t> realPad = ctx.constStr(node, "pad_type", "valid") == "custom"
                                           ? ctx.constInts(node, "pad", {0, 0, 0, 0})
                                           : std::vector<int64_t>{0, 0, 0, 0};
  bool excludePadding = ctx.constFlag(node, "exclude_padding_from_average", false);
  if (ceil && type == spec::PoolingLayerParams::AVERAGE) {
    // torch never counts the part of a ceil_mode window beyond the padded input; the layer's
    // exclude-padding mode leaves out the extra padding below (and the real padding). That is
    // torch's average when the real padding is not counted either: count_include_pad=False, or
    // no padding at all.
    bool padded = std::any_of(realPad.begin(), realPad.end(), [](int64_t p) { return p > 0; });
    if (padded && !excludePadding) {
      ctx.fail(node,
               "average pooling with ceil_mode, padding and count_include_pad=True has no exact "
               "neural network layer (use .mlpackage / ML Program)");
    }
    excludePadding = true;
  }
  std::vector<int64_t> kernel = ctx.constInts(node, "kernel_sizes", {});
  if (kernel.size() != 2) ctx.fail(node, "kernel_sizes must have 2 entries");
  std::vector<int64_t> strides = ctx.constInts(node, "strides", {1, 1});
  auto* pool = ctx.addLayer(node, {x})->mutable_pooling();
  pool->set_type(type);
  for (uint64_t k : unsignedOf(kernel)) pool->add_kernelsize(k);
  for (uint64_t s : unsignedOf(strides)) pool->add_stride(s);
  setPadding(ctx, node, pool);
  if (ceil) {
    // ceil_mode: extra padding at the bottom/right (ignored by the max, left out of the average)
    // makes the floor formula give the ceil output size the MIL op declares.
    const auto& in = x->type()->shape();
    const auto& out = node.output()->type()->shape();
    if (!in || !out) ctx.fail(node, "ceil_mode needs known input and output shapes");
    std::vector<int64_t> pad = realPad;
    for (size_t i = 0; i < 2; ++i) {
      int64_t size = (*in)[in->size() - 2 + i], produced = (*out)[out->size() - 2 + i];
      int64_t needed =
          (produced - 1) * strides[i] + kernel[i] - (size + pad[2 * i] + pad[2 * i + 1]);
      if (needed > 0) pad[2 * i + 1] += needed;
    }
    pool->mutable_valid()->mutable_paddingamounts()->clear_borderamounts();
    setBorderAmounts(pool->mutable_valid()->mutable_paddingamounts(), pad);
  }
  pool->set_avgpoolexcludepadding(excludePadding);
}

}  // namespace

void lowerMaxPool(NNContext& ctx, const ir::Node& node) {
  lowerPool(ctx, node, spec::PoolingLayerParams::MAX);
}
void lowerAvgPool(NNContext& ctx, const ir::Node& node) {
  lowerPool(ctx, node, spec::PoolingLayerParams::AVERAGE);
}

void lowerBatchNorm(NNContext& ctx, const ir::Node& node) {
  const ir::Value* x = ctx.input(node, "x");
  int64_t rank = NNContext::rankOf(x);
  if (rank != 4 && rank != 3 && rank != 2)
    ctx.fail(node, "batch_norm needs a rank 2, 3 or 4 input for the neural network backend");
  Tensor mean = ctx.constFloatTensor(node, "mean");
  Tensor variance = ctx.constFloatTensor(node, "variance");
  int64_t channels = mean.numel();
  spec::BatchnormLayerParams* bn = nullptr;
  if (rank == 2) {
    // BatchNorm1d on (N, C) (levit's flattened tokens): the layer reads channels at axis -3,
    // so it runs on (N, C, 1, 1) between an expand and a squeeze.
    const std::string in = ctx.blob(x), out = ctx.outputBlob(node.output(0));
    const std::string expanded = ctx.freshBlobName(in + "_nchw"),
                      normalized = ctx.freshBlobName(out + "_nchw");
    auto* expand = ctx.addLayer(out + "_expand", {in}, {expanded})->mutable_expanddims();
    expand->add_axes(2);
    expand->add_axes(3);
    bn = ctx.addLayer(out, {expanded}, {normalized})->mutable_batchnorm();
    auto* squeeze = ctx.addLayer(out + "_squeeze", {normalized}, {out})->mutable_squeeze();
    squeeze->add_axes(2);
    squeeze->add_axes(3);
  } else {
    bn = ctx.addLayer(node, {x})->mutable_batchnorm();
  }
  bn->set_channels(static_cast<uint64_t>(channels));
  bn->set_epsilon(static_cast<float>(ctx.constNumber(node, "epsilon", 1e-5)));
  Tensor ones(DType::Float32, {channels});
  Tensor zeros(DType::Float32, {channels});
  for (int64_t i = 0; i < channels; ++i) ones.mutableData<float>()[i] = 1.0f;
  ctx.fillWeights(bn->mutable_gamma(),
                  ctx.optionalInput(node, "gamma") ? ctx.constFloatTensor(node, "gamma") : ones);
  ctx.fillWeights(bn->mutable_beta(),
                  ctx.optionalInput(node, "beta") ? ctx.constFloatTensor(node, "beta") : zeros);
  ctx.fillWeights(bn->mutable_mean(), mean);
  ctx.fillWeights(bn->mutable_variance(), variance);
}

}  // namespace ts2coreml::backends::nn
