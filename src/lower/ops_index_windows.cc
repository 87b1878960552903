// Sliding windows: Tensor.unfold (aten::unfold: windows along one dimension as a new last
// dimension), F.unfold (aten::im2col: every kernel window of an image as a column) and F.fold
// (aten::col2im: the columns summed back into an image). im2col is a grouped convolution whose
// kernels pick one window position each (a one-hot weight), and col2im the transposed
// convolution with the same weight, so both run in either backend and stay exact: each output is
// one input value (im2col) or a sum of them (col2im).
#include "lower/op_families.h"
#include "passes/shape_rules_pool.h"
#include "passes/shape_rules_shape.h"

namespace ts2coreml::lower {

namespace {

// unfold(self, dimension, size, step): a gather of the windows' positions, split into
// (windows, size) and the size moved to the end.
void lowerUnfold(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  const Shape shape = knownShape(ctx, node, x);
  const int64_t rank = static_cast<int64_t>(shape.size());
  if (rank == 0) ctx.fail(node, "unfold of a 0-dimensional tensor is not supported");
  const int64_t axis = axisOf(ctx, node, ctx.constantInt(node, 1), rank);
  const int64_t size = ctx.constantInt(node, 2), step = ctx.constantInt(node, 3);
  const int64_t length = shape[static_cast<size_t>(axis)];
  if (step <= 0) ctx.fail(node, "step must be positive, got " + std::to_string(step));
  if (size < 0 || size > length)
    ctx.fail(node, "size " + std::to_string(size) + " does not fit dimension " +
                       std::to_string(axis) + " of length " + std::to_string(length));
  const int64_t windows = (length - size) / step + 1;
  std::vector<int64_t> positions;
  for (int64_t w = 0; w < windows; ++w) {
    for (int64_t j = 0; j < size; ++j) positions.push_back(w * step + j);
  }
  Shape split = shape;
  split[static_cast<size_t>(axis)] = windows;
  split.insert(split.begin() + axis + 1, size);
  ir::Value* gathered = reshapeTo(ctx, gatherConst(ctx, x, axis, positions), split);
  std::vector<int64_t> perm;
  for (int64_t d = 0; d <= rank; ++d) {
    if (d != axis + 1) perm.push_back(d);
  }
  perm.push_back(axis + 1);
  ctx.bind(node.output(), transposeBy(ctx, gathered, perm));
}

struct WindowArgs {
  std::vector<int64_t> kernel, dilation, padding, stride;
};

// im2col(self, kernel_size, dilation, padding, stride) and col2im(self, output_size,
// kernel_size, dilation, padding, stride): the arguments from `first` on.
WindowArgs windowArgs(LoweringContext& ctx, const ir::Node& node, size_t first) {
  auto pair = [&](size_t input, const char* what) {
    std::vector<int64_t> values = ctx.constantInts(node, input);
    if (values.size() == 1) values.push_back(values[0]);
    if (values.size() != 2) ctx.fail(node, std::string(what) + " must have 2 values");
    return values;
  };
  WindowArgs args{pair(first, "kernel_size"), pair(first + 1, "dilation"),
                  pair(first + 2, "padding"), pair(first + 3, "stride")};
  for (size_t i = 0; i < 2; ++i) {
    if (args.kernel[i] <= 0 || args.dilation[i] <= 0 || args.stride[i] <= 0 || args.padding[i] < 0)
      ctx.fail(node, "kernel_size, dilation and stride must be positive, padding not negative");
  }
  return args;
}

// How many windows fit along spatial axis `i` of an input of `size` (torch's conv formula); 0 or
// less when the kernel is larger than the padded input.
int64_t windowsAlong(const WindowArgs& args, size_t i, int64_t size) {
  const int64_t reach = args.dilation[i] * (args.kernel[i] - 1) + 1;
  const int64_t padded = size + 2 * args.padding[i];
  return padded < reach ? 0 : (padded - reach) / args.stride[i] + 1;
}

// (channels * kh * kw, 1, kh, kw): output channel c * kh * kw + k has a one at window position k.
Tensor oneHotWindowWeight(int64_t channels, const WindowArgs& args) {
  const int64_t kh = args.kernel[0], kw = args.kernel[1], positions = kh * kw;
  Tensor weight(DType::Float32, {channels * positions, 1, kh, kw});
  float* data = weight.mutableData<float>();
  std::fill(data, data + weight.numel(), 0.0f);
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t k = 0; k < positions; ++k) data[(c * positions + k) * positions + k] = 1.0f;
  }
  return weight;
}

std::vector<NamedInput> windowConvInputs(MilBuilder& b, ir::Value* x, const Tensor& weight,
                                         const WindowArgs& args, int64_t groups) {
  return {{"x", x},
          {"weight", b.constTensor(weight)},
          {"strides", b.constIntVector(args.stride)},
          {"pad_type", b.constString("custom")},
          {"pad",
           b.constIntVector({args.padding[0], args.padding[0], args.padding[1], args.padding[1]})},
          {"dilations", b.constIntVector(args.dilation)},
          {"groups", b.constInt(groups)}};
}

void requireFloat(LoweringContext& ctx, const ir::Node& node, const ir::Value* x) {
  if (!isFloatingPoint(dtypeOf(x))) ctx.fail(node, "needs a floating-point input");
}

// A batched (N, C, H, W) or unbatched (C, H, W) image to (N, C * kh * kw, windows) columns.
void lowerIm2col(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  Shape shape = knownShape(ctx, node, x);
  requireFloat(ctx, node, x);
  if (shape.size() != 3 && shape.size() != 4) ctx.fail(node, "needs a 3-D or 4-D input");
  const bool unbatched = shape.size() == 3;
  if (unbatched) {
    shape.insert(shape.begin(), 1);
    x = reshapeTo(ctx, x, shape);
  }
  const WindowArgs args = windowArgs(ctx, node, 1);
  const int64_t channels = shape[1], positions = args.kernel[0] * args.kernel[1];
  Shape out{shape[0], channels * positions, 0, 0};
  for (size_t i = 0; i < 2; ++i) {
    out[2 + i] = windowsAlong(args, i, shape[2 + i]);
    if (out[2 + i] <= 0) ctx.fail(node, "the kernel is larger than the padded input");
  }
  MilBuilder& b = ctx.builder();
  ir::Value* columns =
      b.op("conv", windowConvInputs(b, x, oneHotWindowWeight(channels, args), args, channels),
           {ir::Type::tensor(dtypeOf(x), out)})
          ->output();
  Shape result{channels * positions, out[2] * out[3]};
  if (!unbatched) result.insert(result.begin(), shape[0]);
  ctx.bind(node.output(), reshapeTo(ctx, columns, result));
}

// (N, C * kh * kw, windows) or (C * kh * kw, windows) columns summed back into a (N, C, H, W) /
// (C, H, W) image of output_size.
void lowerCol2im(LoweringContext& ctx, const ir::Node& node) {
  ir::Value* x = ctx.get(node.input(0));
  Shape shape = knownShape(ctx, node, x);
  requireFloat(ctx, node, x);
  if (shape.size() != 2 && shape.size() != 3) ctx.fail(node, "needs a 2-D or 3-D input");
  const bool unbatched = shape.size() == 2;
  if (unbatched) shape.insert(shape.begin(), 1);
  std::vector<int64_t> size = ctx.constantInts(node, 1);
  if (size.size() != 2) ctx.fail(node, "output_size must have 2 values");
  const WindowArgs args = windowArgs(ctx, node, 2);
  const int64_t positions = args.kernel[0] * args.kernel[1];
  if (shape[1] % positions != 0)
    ctx.fail(node, "input dimension 1 (" + std::to_string(shape[1]) +
                       ") is not a multiple of the kernel's " + std::to_string(positions) +
                       " positions");
  const int64_t channels = shape[1] / positions;
  const int64_t blocks[2] = {windowsAlong(args, 0, size[0]), windowsAlong(args, 1, size[1])};
  if (blocks[0] <= 0 || blocks[1] <= 0 || blocks[0] * blocks[1] != shape[2])
    ctx.fail(node, "input dimension 2 (" + std::to_string(shape[2]) +
                       ") does not match the number of windows of the output size");
  x = reshapeTo(ctx, x, {shape[0], shape[1], blocks[0], blocks[1]});
  MilBuilder& b = ctx.builder();
  std::vector<NamedInput> inputs =
      windowConvInputs(b, x, oneHotWindowWeight(channels, args), args, channels);
  const Shape out{shape[0], channels, size[0], size[1]};
  // output_shape pins the size that a stride > 1 leaves ambiguous.
  inputs.emplace_back("output_shape", b.constIntVector(out));
  ir::Value* image = b.op("conv_transpose", inputs, {ir::Type::tensor(dtypeOf(x), out)})->output();
  ctx.bind(node.output(), unbatched ? reshapeTo(ctx, image, {channels, size[0], size[1]}) : image);
}

}  // namespace

void registerIndexWindowOps(LoweringTable& table) {
  table["aten::unfold"] = lowerUnfold;
  table["aten::im2col"] = lowerIm2col;
  table["aten::col2im"] = lowerCol2im;

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::im2col", passes::rules::slidingWindows(true));
  table.setShapeRule("aten::col2im", passes::rules::slidingWindows(false));
  table.setShapeRule("aten::unfold", passes::rules::windowsAlongDim());
}

}  // namespace ts2coreml::lower
