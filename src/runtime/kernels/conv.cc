#include "runtime/kernels/conv.h"

#include <Eigen/Core>

#include "runtime/kernels/kernel_utils.h"

namespace ts2coreml::runtime::kernels {

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<RowMatrix>;
using ConstMatrixMap = Eigen::Map<const RowMatrix>;

// For each spatial dim d and output coordinate o, the input coordinate read by kernel tap k is
// o * stride - before + k * dilation. The im2col matrix has one row per (channel, tap) and one
// column per output position.
struct Geometry {
  Shape in, kernel, out;
  std::vector<int64_t> strides, dilations, before;
  int64_t inSize = 1, kernelSize = 1, outSize = 1;

  int64_t inputIndex(const std::vector<int64_t>& tap, const std::vector<int64_t>& outPos) const {
    int64_t flat = 0;
    for (size_t d = 0; d < in.size(); ++d) {
      int64_t coord = outPos[d] * strides[d] - before[d] + tap[d] * dilations[d];
      if (coord < 0 || coord >= in[d]) return -1;
      flat = flat * in[d] + coord;
    }
    return flat;
  }
};

bool advance(std::vector<int64_t>& index, const Shape& shape) {
  for (size_t d = shape.size(); d-- > 0;) {
    if (++index[d] < shape[d]) return true;
    index[d] = 0;
  }
  return false;
}

// Precomputed map: for every (tap, output position) the flat input offset or -1 (padding).
std::vector<int64_t> gatherTable(const Geometry& g) {
  std::vector<int64_t> table(static_cast<size_t>(g.kernelSize * g.outSize));
  std::vector<int64_t> tap(g.in.size(), 0);
  size_t i = 0;
  do {
    std::vector<int64_t> pos(g.in.size(), 0);
    do {
      table[i++] = g.inputIndex(tap, pos);
    } while (advance(pos, g.out));
  } while (advance(tap, g.kernel));
  return table;
}

void checkParams(const Tensor& x, const Tensor& weight, const ConvParams& p, size_t spatial) {
  if (x.rank() < 3 || x.rank() > 5 || weight.rank() != x.rank()) {
    throw Error("conv needs x of rank 3..5 and a weight of the same rank, got " +
                shapeToString(x.shape()) + " and " + shapeToString(weight.shape()));
  }
  if (p.strides.size() != spatial || p.dilations.size() != spatial ||
      p.padding.before.size() != spatial || p.padding.after.size() != spatial) {
    throw Error("conv strides/dilations/pad must have one entry per spatial dim (" +
                std::to_string(spatial) + ")");
  }
  if (p.groups < 1) throw Error("conv groups must be >= 1");
}

void addBias(Tensor& out, const std::optional<Tensor>& bias, int64_t channels,
             int64_t spatialSize) {
  if (!bias) return;
  Tensor b = asFloat(*bias);
  if (b.numel() != channels) {
    throw Error("conv bias has " + std::to_string(b.numel()) + " values for " +
                std::to_string(channels) + " output channels");
  }
  float* y = out.mutableData<float>();
  const int64_t batch = out.dim(0);
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t c = 0; c < channels; ++c) {
      float* row = y + (n * channels + c) * spatialSize;
      for (int64_t i = 0; i < spatialSize; ++i) row[i] += b.data<float>()[c];
    }
  }
}

}  // namespace

SpatialPadding resolvePadding(const std::string& padType, const Shape& spatialIn,
                              const std::vector<int64_t>& kernel,
                              const std::vector<int64_t>& strides,
                              const std::vector<int64_t>& dilations,
                              const std::vector<int64_t>& custom) {
  const size_t n = spatialIn.size();
  SpatialPadding p{std::vector<int64_t>(n, 0), std::vector<int64_t>(n, 0)};
  if (padType == "valid") return p;
  if (padType == "custom") {
    if (custom.size() != 2 * n) {
      throw Error("pad has " + std::to_string(custom.size()) + " values, expected " +
                  std::to_string(2 * n));
    }
    for (size_t d = 0; d < n; ++d) {
      p.before[d] = custom[2 * d];
      p.after[d] = custom[2 * d + 1];
    }
    return p;
  }
  if (padType != "same" && padType != "same_lower")
    throw Error("unknown pad_type '" + padType + "'");
  for (size_t d = 0; d < n; ++d) {
    const int64_t effective = (kernel[d] - 1) * dilations[d] + 1;
    const int64_t out = (spatialIn[d] + strides[d] - 1) / strides[d];
    const int64_t total = std::max<int64_t>(0, (out - 1) * strides[d] + effective - spatialIn[d]);
    const int64_t small = total / 2;
    p.before[d] = padType == "same" ? small : total - small;
    p.after[d] = total - p.before[d];
  }
  return p;
}

Tensor conv(const Tensor& x, const Tensor& weight, const std::optional<Tensor>& bias,
            const ConvParams& params) {
  const size_t spatial = static_cast<size_t>(x.rank() - 2);
  checkParams(x, weight, params, spatial);
  const int64_t batch = x.dim(0), cin = x.dim(1), cout = weight.dim(0), groups = params.groups;
  if (cin % groups != 0 || cout % groups != 0 || weight.dim(1) * groups != cin) {
    throw Error("conv weight " + shapeToString(weight.shape()) + " does not fit input channels " +
                std::to_string(cin) + " with groups " + std::to_string(groups));
  }
  Geometry g;
  g.strides = params.strides;
  g.dilations = params.dilations;
  g.before = params.padding.before;
  for (size_t d = 0; d < spatial; ++d) {
    g.in.push_back(x.dim(2 + static_cast<int64_t>(d)));
    g.kernel.push_back(weight.dim(2 + static_cast<int64_t>(d)));
    const int64_t effective = (g.kernel[d] - 1) * g.dilations[d] + 1;
    const int64_t span = g.in[d] + params.padding.before[d] + params.padding.after[d] - effective;
    if (span < 0 || g.strides[d] < 1) {
      throw Error("conv kernel " + shapeToString(g.kernel) + " does not fit the padded input " +
                  shapeToString(g.in));
    }
    g.out.push_back(span / g.strides[d] + 1);
    g.inSize *= g.in[d];
    g.kernelSize *= g.kernel[d];
    g.outSize *= g.out[d];
  }
  const std::vector<int64_t> table = gatherTable(g);
  const int64_t cinG = cin / groups, coutG = cout / groups;
  Tensor in = asFloat(x), w = asFloat(weight);
  Shape outShape{batch, cout};
  outShape.insert(outShape.end(), g.out.begin(), g.out.end());
  Tensor out(DType::Float32, outShape);

  RowMatrix cols(cinG * g.kernelSize, g.outSize);
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t grp = 0; grp < groups; ++grp) {
      const float* src = in.data<float>() + (n * cin + grp * cinG) * g.inSize;
      for (int64_t c = 0; c < cinG; ++c) {
        const float* plane = src + c * g.inSize;
        for (int64_t t = 0; t < g.kernelSize; ++t) {
          float* row = cols.data() + (c * g.kernelSize + t) * g.outSize;
          const int64_t* offsets = table.data() + t * g.outSize;
          for (int64_t i = 0; i < g.outSize; ++i)
            row[i] = offsets[i] < 0 ? 0.0f : plane[offsets[i]];
        }
      }
      ConstMatrixMap wg(w.data<float>() + grp * coutG * cinG * g.kernelSize, coutG,
                        cinG * g.kernelSize);
      MatrixMap yg(out.mutableData<float>() + (n * cout + grp * coutG) * g.outSize, coutG,
                   g.outSize);
      yg.noalias() = wg * cols;
    }
  }
  addBias(out, bias, cout, g.outSize);
  return out;
}

Tensor convTranspose(const Tensor& x, const Tensor& weight, const std::optional<Tensor>& bias,
                     const ConvParams& params, const std::optional<Shape>& outputSpatial) {
  const size_t spatial = static_cast<size_t>(x.rank() - 2);
  checkParams(x, weight, params, spatial);
  const int64_t batch = x.dim(0), cin = x.dim(1), groups = params.groups;
  const int64_t coutG = weight.dim(1), cout = coutG * groups;
  if (weight.dim(0) != cin || cin % groups != 0) {
    throw Error("conv_transpose weight " + shapeToString(weight.shape()) +
                " does not fit input channels " + std::to_string(cin) + " with groups " +
                std::to_string(groups));
  }
  // The transpose of a conv from the output (as "input" of the geometry) to x (as its "output"):
  // every x position scatters into the output positions that conv would have gathered from.
  Geometry g;
  g.strides = params.strides;
  g.dilations = params.dilations;
  g.before = params.padding.before;
  for (size_t d = 0; d < spatial; ++d) {
    const int64_t in = x.dim(2 + static_cast<int64_t>(d));
    const int64_t k = weight.dim(2 + static_cast<int64_t>(d));
    int64_t outDim = (in - 1) * g.strides[d] - params.padding.before[d] - params.padding.after[d] +
                     (k - 1) * g.dilations[d] + 1;
    if (outputSpatial) outDim = outputSpatial->at(d);
    g.in.push_back(outDim);  // the conv-geometry input is our output
    g.kernel.push_back(k);
    g.out.push_back(in);
    g.inSize *= outDim;
    g.kernelSize *= k;
    g.outSize *= in;
  }
  const std::vector<int64_t> table = gatherTable(g);
  const int64_t cinG = cin / groups;
  Tensor in = asFloat(x), w = asFloat(weight);
  Shape outShape{batch, cout};
  outShape.insert(outShape.end(), g.in.begin(), g.in.end());
  Tensor out(DType::Float32, outShape);
  RowMatrix cols(coutG * g.kernelSize, g.outSize);
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t grp = 0; grp < groups; ++grp) {
      // cols = W_g^T x_g with W_g viewed as [cinG, coutG * K].
      ConstMatrixMap wg(w.data<float>() + grp * cinG * coutG * g.kernelSize, cinG,
                        coutG * g.kernelSize);
      ConstMatrixMap xg(in.data<float>() + (n * cin + grp * cinG) * g.outSize, cinG, g.outSize);
      cols.noalias() = wg.transpose() * xg;
      float* dst = out.mutableData<float>() + (n * cout + grp * coutG) * g.inSize;
      for (int64_t c = 0; c < coutG; ++c) {
        float* plane = dst + c * g.inSize;
        for (int64_t t = 0; t < g.kernelSize; ++t) {
          const float* row = cols.data() + (c * g.kernelSize + t) * g.outSize;
          const int64_t* offsets = table.data() + t * g.outSize;
          for (int64_t i = 0; i < g.outSize; ++i) {
            if (offsets[i] >= 0) plane[offsets[i]] += row[i];
          }
        }
      }
    }
  }
  addBias(out, bias, cout, g.inSize);
  return out;
}

}  // namespace ts2coreml::runtime::kernels
