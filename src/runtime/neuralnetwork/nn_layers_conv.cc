// convolution, pooling and batchnorm: the image layers over the trailing [C, H, W] axes (any
// leading axes are batch; they are folded into one for the kernels).
#include "runtime/kernels/conv.h"
#include "runtime/kernels/norm.h"
#include "runtime/kernels/pool.h"
#include "runtime/neuralnetwork/nn_layers.h"

namespace ts2coreml::runtime::nn {

namespace {

int64_t at(const google::protobuf::RepeatedField<uint64_t>& values, int i, int64_t fallback) {
  return values.size() > i ? static_cast<int64_t>(values.Get(i)) : fallback;
}

// [..., C, H, W] -> [B, C, H, W] with B the product of the leading axes.
Tensor asBatchCHW(const Tensor& x) {
  int64_t batch = 1;
  for (int64_t i = 0; i + 3 < x.rank(); ++i) batch *= x.dim(i);
  return x.contiguous().reshaped({batch, x.dim(-3), x.dim(-2), x.dim(-1)});
}

// The result's [C, H, W] behind x's leading axes.
Tensor withLeadingAxes(const Tensor& y, const Tensor& x) {
  Shape shape(x.shape().begin(), x.shape().end() - 3);
  shape.insert(shape.end(), y.shape().end() - 3, y.shape().end());
  return y.reshaped(shape);
}

// Padding from valid (explicit border amounts, [H, W] order) or same padding.
template <typename Params>
kernels::SpatialPadding padding(LayerIO& io, const Params& params, const Tensor& x,
                                const std::vector<int64_t>& kernel,
                                const std::vector<int64_t>& strides,
                                const std::vector<int64_t>& dilations) {
  Shape spatial = {x.dim(-2), x.dim(-1)};
  if (params.has_same()) {
    bool topLeft = params.same().asymmetrymode() == spec::SamePadding::TOP_LEFT_HEAVY;
    return kernels::resolvePadding(topLeft ? "same_lower" : "same", spatial, kernel, strides,
                                   dilations, {});
  }
  const auto& borders = params.valid().paddingamounts().borderamounts();
  if (borders.size() == 0)
    return kernels::resolvePadding("valid", spatial, kernel, strides, dilations, {});
  if (borders.size() != 2) io.fail("border amounts need 2 entries ([H, W])");
  std::vector<int64_t> custom;
  for (const auto& edge : borders) {
    custom.push_back(static_cast<int64_t>(edge.startedgesize()));
    custom.push_back(static_cast<int64_t>(edge.endedgesize()));
  }
  return kernels::resolvePadding("custom", spatial, kernel, strides, dilations, custom);
}

}  // namespace

void runConvolution(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.convolution();
  if (io.numInputs() != 1 && (io.numInputs() != 2 || p.isdeconvolution()))
    io.fail("a convolution takes one input, or two when its weights are the second");
  const Tensor& x = io.input(0);
  if (x.rank() < 4)
    io.fail("convolution needs an input of rank >= 4, got " + shapeToString(x.shape()));
  std::vector<int64_t> kernel = {at(p.kernelsize(), 0, 3), at(p.kernelsize(), 1, 3)};
  kernels::ConvParams params;
  params.strides = {at(p.stride(), 0, 1), at(p.stride(), 1, 1)};
  params.dilations = {at(p.dilationfactor(), 0, 1), at(p.dilationfactor(), 1, 1)};
  params.groups = p.ngroups() == 0 ? 1 : static_cast<int64_t>(p.ngroups());
  params.padding = padding(io, p, x, kernel, params.strides, params.dilations);
  const int64_t cout = static_cast<int64_t>(p.outputchannels());
  const int64_t kc = static_cast<int64_t>(p.kernelchannels());
  if (p.isdeconvolution()) {
    // Deconvolution weights are [C_in, C_out / groups, kH, kW].
    const int64_t perGroup = cout / params.groups;
    Tensor weight = io.weights(p.weights(), kc * perGroup * kernel[0] * kernel[1], "weights")
                        .reshaped({kc, perGroup, kernel[0], kernel[1]});
    std::optional<Tensor> bias;
    if (p.hasbias()) bias = io.weights(p.bias(), cout, "bias");
    std::optional<Shape> outputSpatial;
    if (p.outputshape_size() == 2)
      outputSpatial =
          Shape{static_cast<int64_t>(p.outputshape(0)), static_cast<int64_t>(p.outputshape(1))};
    io.setOutput(
        0, withLeadingAxes(
               kernels::convTranspose(asBatchCHW(x), weight, bias, params, outputSpatial), x));
    return;
  }
  const Shape weightShape = {cout, kc, kernel[0], kernel[1]};
  Tensor weight;
  if (io.numInputs() == 2) {
    // Weights computed by the network (specification version 4 on).
    weight = io.input(1).contiguous().to(DType::Float32);
    if (weight.shape() != weightShape)
      io.fail("the weights input has shape " + shapeToString(weight.shape()) +
              ", the layer's parameters give " + shapeToString(weightShape));
  } else {
    weight =
        io.weights(p.weights(), cout * kc * kernel[0] * kernel[1], "weights").reshaped(weightShape);
  }
  std::optional<Tensor> bias;
  if (p.hasbias()) bias = io.weights(p.bias(), cout, "bias");
  io.setOutput(0, withLeadingAxes(kernels::conv(asBatchCHW(x), weight, bias, params), x));
}

void runConvolution3D(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.convolution3d();
  const Tensor& x = io.input(0);
  if (x.rank() != 5)
    io.fail("convolution3d needs an [N, C, D, H, W] input, got " + shapeToString(x.shape()));
  auto orOne = [](int32_t v) { return v == 0 ? int64_t{1} : int64_t{v}; };
  const std::vector<int64_t> kernel = {p.kerneldepth(), p.kernelheight(), p.kernelwidth()};
  kernels::ConvParams params;
  params.strides = {orOne(p.stridedepth()), orOne(p.strideheight()), orOne(p.stridewidth())};
  params.dilations = {orOne(p.dilationdepth()), orOne(p.dilationheight()),
                      orOne(p.dilationwidth())};
  params.groups = orOne(p.ngroups());
  const Shape spatial = {x.dim(2), x.dim(3), x.dim(4)};
  switch (p.paddingtype()) {
    case spec::Convolution3DLayerParams::VALID:
      params.padding =
          kernels::resolvePadding("valid", spatial, kernel, params.strides, params.dilations, {});
      break;
    case spec::Convolution3DLayerParams::SAME:
      params.padding =
          kernels::resolvePadding("same", spatial, kernel, params.strides, params.dilations, {});
      break;
    default:
      params.padding = kernels::resolvePadding(
          "custom", spatial, kernel, params.strides, params.dilations,
          {p.custompaddingfront(), p.custompaddingback(), p.custompaddingtop(),
           p.custompaddingbottom(), p.custompaddingleft(), p.custompaddingright()});
  }
  const int64_t cout = p.outputchannels();
  const int64_t volume = kernel[0] * kernel[1] * kernel[2];
  std::optional<Tensor> bias;
  if (p.hasbias()) bias = io.weights(p.bias(), cout, "bias");
  if (p.isdeconvolution()) {
    // Deconvolution weights are [C_in, C_out / groups, kD, kH, kW].
    const int64_t cin = p.inputchannels(), perGroup = cout / params.groups;
    Tensor weight = io.weights(p.weights(), cin * perGroup * volume, "weights")
                        .reshaped({cin, perGroup, kernel[0], kernel[1], kernel[2]});
    std::optional<Shape> outputSpatial;
    if (p.outputshape_size() == 3)
      outputSpatial =
          Shape{static_cast<int64_t>(p.outputshape(0)), static_cast<int64_t>(p.outputshape(1)),
                static_cast<int64_t>(p.outputshape(2))};
    io.setOutput(0, kernels::convTranspose(x.contiguous().to(DType::Float32), weight, bias, params,
                                           outputSpatial));
    return;
  }
  const int64_t perGroup = p.inputchannels() / params.groups;
  Tensor weight = io.weights(p.weights(), cout * perGroup * volume, "weights")
                      .reshaped({cout, perGroup, kernel[0], kernel[1], kernel[2]});
  io.setOutput(0, kernels::conv(x.contiguous().to(DType::Float32), weight, bias, params));
}

void runPooling(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.pooling();
  const Tensor& x = io.input(0);
  if (x.rank() < 4) io.fail("pooling needs an input of rank >= 4, got " + shapeToString(x.shape()));
  if (p.has_includelastpixel()) io.fail("includeLastPixel padding is not supported by the runtime");
  kernels::PoolParams params;
  if (p.globalpooling()) {
    params.kernel = {x.dim(-2), x.dim(-1)};
    params.strides = {1, 1};
    params.padding = kernels::resolvePadding("valid", {x.dim(-2), x.dim(-1)}, params.kernel,
                                             params.strides, {1, 1}, {});
  } else {
    params.kernel = {at(p.kernelsize(), 0, 3), at(p.kernelsize(), 1, 3)};
    params.strides = {at(p.stride(), 0, 1), at(p.stride(), 1, 1)};
    params.padding = padding(io, p, x, params.kernel, params.strides, {1, 1});
  }
  params.excludePaddingFromAverage = p.avgpoolexcludepadding();
  kernels::PoolOp op = p.type() == spec::PoolingLayerParams::MAX       ? kernels::PoolOp::Max
                       : p.type() == spec::PoolingLayerParams::AVERAGE ? kernels::PoolOp::Average
                                                                       : kernels::PoolOp::L2;
  io.setOutput(0, withLeadingAxes(kernels::pool(op, asBatchCHW(x), params), x));
}

// Per channel (axis -3): gamma * (x - mean) / sqrt(variance + epsilon) + beta. computeMeanVar
// is supported for instance normalization (statistics per image and channel).
void runBatchnorm(LayerIO& io, const spec::NeuralNetworkLayer& layer) {
  const auto& p = layer.batchnorm();
  const Tensor& x = io.input(0);
  if (x.rank() < 3) io.fail("batchnorm needs an input of rank >= 3");
  const int64_t channels = static_cast<int64_t>(p.channels());
  if (x.dim(-3) != channels) {
    io.fail("input has " + std::to_string(x.dim(-3)) + " channels, the layer " +
            std::to_string(channels));
  }
  const float eps = p.epsilon() == 0.0f ? 1e-5f : p.epsilon();
  Tensor gamma = io.weights(p.gamma(), channels, "gamma");
  Tensor beta = io.weights(p.beta(), channels, "beta");
  // [..., C, H, W] -> [B, C, H * W]: channel on axis 1 as the kernels expect.
  Tensor folded = x.contiguous().reshaped(
      {x.numel() / (channels * x.dim(-2) * x.dim(-1)), channels, x.dim(-2) * x.dim(-1)});
  Tensor y;
  if (p.computemeanvar()) {
    if (!p.instancenormalization())
      io.fail("computeMeanVar without instanceNormalization is not supported by the runtime");
    y = kernels::instanceNorm(folded, gamma, beta, eps);
  } else {
    y = kernels::batchNorm(folded, io.weights(p.mean(), channels, "mean"),
                           io.weights(p.variance(), channels, "variance"), gamma, beta, eps);
  }
  io.setOutput(0, y.reshaped(x.shape()));
}

}  // namespace ts2coreml::runtime::nn
