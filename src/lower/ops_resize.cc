// Interpolation (upsample_nearest2d, upsample_bilinear2d, upsample_bicubic2d, both overloads)
// as separable resampling: each output row/column is a fixed weighted sum of input rows/columns,
// so the op is two matmuls with constant weight matrices built here with torch's coordinate
// rules (align_corners either way, scale factors or output sizes). Exact, and the same in both
// formats without resize layers.
#include <cmath>

#include "lower/op_families.h"
#include "passes/shape_rules_pool.h"

namespace ts2coreml::lower {

namespace {

enum class Mode { Nearest, Bilinear, Bicubic };

Tensor zeros(int64_t rows, int64_t cols) {
  return Tensor(DType::Float32, Shape{rows, cols});
}

// torch's source coordinate of output index `dst` (area_pixel_compute_source_index).
double sourceIndex(double scale, int64_t dst, bool alignCorners, bool cubic) {
  if (alignCorners) return scale * static_cast<double>(dst);
  double src = scale * (static_cast<double>(dst) + 0.5) - 0.5;
  return (!cubic && src < 0) ? 0.0 : src;
}

// Scale from output to input coordinates (area_pixel_compute_scale).
double coordinateScale(int64_t in, int64_t out, bool alignCorners, std::optional<double> given) {
  if (alignCorners)
    return out > 1 ? static_cast<double>(in - 1) / static_cast<double>(out - 1) : 0.0;
  if (given && *given > 0) return 1.0 / *given;
  return static_cast<double>(in) / static_cast<double>(out);
}

double cubicWeight(double t, int offset) {
  const double a = -0.75;  // torch's bicubic coefficient
  double x = std::fabs(t - offset);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0.0;
}

Tensor resampling(Mode mode, int64_t in, int64_t out, bool alignCorners,
                  std::optional<double> given) {
  Tensor m = zeros(out, in);
  float* w = m.mutableData<float>();
  double scale = coordinateScale(in, out, alignCorners, given);
  for (int64_t i = 0; i < out; ++i) {
    if (mode == Mode::Nearest) {
      double s = (given && *given > 0) ? 1.0 / *given : static_cast<double>(in) / out;
      int64_t src = std::min<int64_t>(static_cast<int64_t>(std::floor(i * s)), in - 1);
      w[i * in + src] = 1.0f;
    } else if (mode == Mode::Bilinear) {
      double src = sourceIndex(scale, i, alignCorners, false);
      int64_t i0 = std::min<int64_t>(static_cast<int64_t>(src), in - 1);
      int64_t i1 = std::min<int64_t>(i0 + 1, in - 1);
      double l = src - static_cast<double>(i0);
      w[i * in + i0] += static_cast<float>(1 - l);
      w[i * in + i1] += static_cast<float>(l);
    } else {
      double src = sourceIndex(scale, i, alignCorners, true);
      int64_t base = static_cast<int64_t>(std::floor(src));
      double t = src - static_cast<double>(base);
      for (int k = -1; k <= 2; ++k) {
        int64_t idx = std::clamp<int64_t>(base + k, 0, in - 1);
        w[i * in + idx] += static_cast<float>(cubicWeight(t, k));
      }
    }
  }
  return m;
}

std::optional<double> scaleAt(const std::optional<IValue>& value, size_t index) {
  if (!value || value->isNone()) return std::nullopt;
  if (value->isDouble() || value->isInt()) return value->toNumber();
  if (value->isList() && index < value->items().size()) return value->items()[index].toNumber();
  return std::nullopt;
}

LoweringFn resize(Mode mode) {
  return [mode](LoweringContext& ctx, const ir::Node& node) {
    ir::Value* x = ctx.get(node.input(0));
    requireStaticTrailingDims(ctx, node, x, 2, "interpolation");
    ir::TypePtr type = milTypeOf(node.output()->type());
    const auto& in = x->type()->shape();
    const auto& out = type->shape();
    if (!in || !out || in->size() != 4) ctx.fail(node, "needs a 4-d input and a known output size");
    // Overloads: .vec (input, output_size?, [align_corners,] scale_factors?) and the plain form
    // (self, output_size, [align_corners,] scales_h?, scales_w?).
    bool hasAlign = mode != Mode::Nearest;
    size_t afterAlign = hasAlign ? 3 : 2;
    bool alignCorners = hasAlign && ctx.constantBool(node, 2);
    bool vec = node.inputs().size() == afterAlign + 1;
    std::optional<double> scaleH, scaleW;
    if (vec) {
      auto factors = ctx.constant(node.input(afterAlign));
      scaleH = scaleAt(factors, 0);
      scaleW = scaleAt(factors, 1);
    } else if (node.inputs().size() >= afterAlign + 2) {
      scaleH = scaleAt(ctx.constant(node.input(afterAlign)), 0);
      scaleW = scaleAt(ctx.constant(node.input(afterAlign + 1)), 0);
    }
    Tensor rows = resampling(mode, (*in)[2], (*out)[2], alignCorners, scaleH);
    Tensor cols = resampling(mode, (*in)[3], (*out)[3], alignCorners, scaleW);
    ctx.bind(node.output(), applySeparable(ctx, x, rows, cols, type));
  };
}

Tensor transposed(const Tensor& m) {
  Tensor t(DType::Float32, Shape{m.dim(1), m.dim(0)});
  for (int64_t i = 0; i < m.dim(0); ++i)
    for (int64_t j = 0; j < m.dim(1); ++j)
      t.mutableData<float>()[j * m.dim(0) + i] = m.data<float>()[i * m.dim(1) + j];
  return t;
}

}  // namespace

ir::Value* applySeparable(LoweringContext& ctx, ir::Value* x, const Tensor& rows,
                          const Tensor& cols, ir::TypePtr type) {
  auto& b = ctx.builder();
  Shape shape = *x->type()->shape();
  size_t rank = shape.size();
  auto matmul = [&](ir::Value* left, const Tensor& right, const Shape& result) {
    return b.op1("matmul",
                 {{"x", left},
                  {"y", b.constTensor(right)},
                  {"transpose_x", b.constBool(false)},
                  {"transpose_y", b.constBool(false)}},
                 ir::Type::tensor(DType::Float32, result));
  };
  auto swapLast = [&](ir::Value* v, const Shape& result) {
    std::vector<int64_t> perm;
    for (size_t d = 0; d < rank; ++d) perm.push_back(static_cast<int64_t>(d));
    std::swap(perm[rank - 1], perm[rank - 2]);
    return b.op1("transpose", {{"x", v}, {"perm", b.constIntVector(perm)}},
                 ir::Type::tensor(DType::Float32, result));
  };
  Shape s1 = shape;
  s1[rank - 1] = cols.dim(0);  // [.., H, OW]
  ir::Value* y = matmul(castTo(ctx, x, DType::Float32), transposed(cols), s1);
  Shape s2 = s1;
  std::swap(s2[rank - 1], s2[rank - 2]);  // [.., OW, H]
  y = swapLast(y, s2);
  Shape s3 = s2;
  s3[rank - 1] = rows.dim(0);  // [.., OW, OH]
  y = matmul(y, transposed(rows), s3);
  return swapLast(y, *type->shape());
}

void registerResizeOps(LoweringTable& table) {
  table["aten::upsample_nearest2d"] = resize(Mode::Nearest);
  table["aten::upsample_bilinear2d"] = resize(Mode::Bilinear);
  table["aten::upsample_bicubic2d"] = resize(Mode::Bicubic);

  // Result types (aten_op_table.h).
  for (const char* name :
       {"aten::upsample_nearest2d", "aten::upsample_bilinear2d", "aten::upsample_bicubic2d"}) {
    table.setShapeRule(name, passes::rules::upsampling());
  }
}

}  // namespace ts2coreml::lower
