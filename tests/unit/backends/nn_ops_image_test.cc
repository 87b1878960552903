// conv / pooling / batch_norm / linear / matmul / layer_norm and shape ops through the file,
// against references computed here by plain loops.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "nn_run_helpers.h"
#include "nn_test_graph.h"

namespace ts2coreml {
namespace {

using namespace testing;
using Inputs = std::vector<std::pair<std::string, ir::Value*>>;

ir::TypePtr f32(Shape s) {
  return tensorType(DType::Float32, std::move(s));
}

Tensor runSingle(ir::Graph& g, ir::Value* y, const Tensor& x) {
  g.top()->addReturn(y);
  g.outputNames() = {"y"};
  g.renumber();
  return runThroughFile(g, {{"x", x}}).at("y");
}

// Direct convolution: x [1, C, H, W], w [O, C/groups, K, K], padding (top, bottom, left, right).
Tensor convRef(const Tensor& x, const Tensor& w, const Tensor* b, int64_t stride, int64_t groups,
               std::array<int64_t, 4> pad) {
  const int64_t c = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0), cg = w.dim(1),
                k = w.dim(2);
  const int64_t oh = (h + pad[0] + pad[1] - k) / stride + 1,
                ow = (wd + pad[2] + pad[3] - k) / stride + 1;
  Tensor out(DType::Float32, {1, o, oh, ow});
  const int64_t og = o / groups;
  for (int64_t oc = 0; oc < o; ++oc) {
    int64_t g = oc / og;
    for (int64_t y = 0; y < oh; ++y) {
      for (int64_t xx = 0; xx < ow; ++xx) {
        double s = b ? b->data<float>()[oc] : 0.0;
        for (int64_t ic = 0; ic < cg; ++ic) {
          for (int64_t ky = 0; ky < k; ++ky) {
            for (int64_t kx = 0; kx < k; ++kx) {
              int64_t iy = y * stride - pad[0] + ky, ix = xx * stride - pad[2] + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
              s += w.data<float>()[((oc * cg + ic) * k + ky) * k + kx] *
                   x.data<float>()[((g * cg + ic) * h + iy) * wd + ix];
            }
          }
        }
        out.mutableData<float>()[(oc * oh + y) * ow + xx] = static_cast<float>(s);
      }
    }
  }
  (void)c;
  return out;
}

TEST(NNImageOps, ConvSamePaddingStrideAndGroups) {
  // 6 -> 4 channels in 2 groups, 3x3 kernel, stride 2, "same" on a 7x7 input: out 4x4, total
  // padding 2 per axis split 1 / 1.
  Tensor x = pseudoRandom({1, 6, 7, 7}, -1.0f, 1.0f, 11);
  Tensor w = pseudoRandom({4, 3, 3, 3}, -0.5f, 0.5f, 12);
  ir::Graph g;
  ir::Value* in = g.addInput(f32({1, 6, 7, 7}), "x");
  ir::Block* t = g.top();
  ir::Value* y = milOp1(t, "conv",
                        {{"x", in},
                         {"weight", milConst(t, w)},
                         {"strides", milConst(t, intVector({2, 2}))},
                         {"pad_type", milConstString(t, "same")},
                         {"groups", milConst(t, scalarTensor(DType::Int32, 2))}},
                        f32({1, 4, 4, 4}));
  expectClose(runSingle(g, y, x), convRef(x, w, nullptr, 2, 2, {1, 1, 1, 1}),
              "conv same/stride 2/groups 2");
}

TEST(NNImageOps, PoolingAndBatchNorm) {
  Tensor x = pseudoRandom({1, 2, 4, 4}, -1.0f, 1.0f, 13);
  auto px = [&](int64_t c, int64_t y, int64_t xx) { return x.data<float>()[(c * 4 + y) * 4 + xx]; };
  {
    ir::Graph g;
    ir::Value* in = g.addInput(f32({1, 2, 4, 4}), "x");
    ir::Block* t = g.top();
    ir::Value* y = milOp1(t, "max_pool",
                          {{"x", in},
                           {"kernel_sizes", milConst(t, intVector({2, 2}))},
                           {"strides", milConst(t, intVector({2, 2}))},
                           {"pad_type", milConstString(t, "valid")}},
                          f32({1, 2, 2, 2}));
    Tensor ref(DType::Float32, {1, 2, 2, 2});
    for (int64_t c = 0; c < 2; ++c)
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 2; ++j)
          ref.mutableData<float>()[(c * 2 + i) * 2 + j] =
              std::max({px(c, 2 * i, 2 * j), px(c, 2 * i + 1, 2 * j), px(c, 2 * i, 2 * j + 1),
                        px(c, 2 * i + 1, 2 * j + 1)});
    expectClose(runSingle(g, y, x), ref, "max_pool");
  }
  {  // 3x3 average with padding 1, padding excluded from the count
    ir::Graph g;
    ir::Value* in = g.addInput(f32({1, 2, 4, 4}), "x");
    ir::Block* t = g.top();
    ir::Value* y =
        milOp1(t, "avg_pool",
               {{"x", in},
                {"kernel_sizes", milConst(t, intVector({3, 3}))},
                {"strides", milConst(t, intVector({1, 1}))},
                {"pad_type", milConstString(t, "custom")},
                {"pad", milConst(t, intVector({1, 1, 1, 1}))},
                {"exclude_padding_from_average", milConst(t, scalarTensor(DType::Bool, 1))}},
               f32({1, 2, 4, 4}));
    Tensor ref(DType::Float32, {1, 2, 4, 4});
    for (int64_t c = 0; c < 2; ++c)
      for (int64_t i = 0; i < 4; ++i)
        for (int64_t j = 0; j < 4; ++j) {
          double s = 0;
          int n = 0;
          for (int64_t a = i - 1; a <= i + 1; ++a)
            for (int64_t b = j - 1; b <= j + 1; ++b)
              if (a >= 0 && a < 4 && b >= 0 && b < 4) s += px(c, a, b), ++n;
          ref.mutableData<float>()[(c * 4 + i) * 4 + j] = static_cast<float>(s / n);
        }
    expectClose(runSingle(g, y, x), ref, "avg_pool exclude padding");
  }
  {
    Tensor mean = floatTensor({2}, {0.1f, -0.2f}), var = floatTensor({2}, {0.5f, 2.0f});
    Tensor gamma = floatTensor({2}, {1.5f, 0.5f}), beta = floatTensor({2}, {0.0f, 1.0f});
    ir::Graph g;
    ir::Value* in = g.addInput(f32({1, 2, 4, 4}), "x");
    ir::Block* t = g.top();
    ir::Value* y = milOp1(t, "batch_norm",
                          {{"x", in},
                           {"mean", milConst(t, mean)},
                           {"variance", milConst(t, var)},
                           {"gamma", milConst(t, gamma)},
                           {"beta", milConst(t, beta)},
                           {"epsilon", milConst(t, scalarTensor(DType::Float32, 1e-3))}},
                          f32({1, 2, 4, 4}));
    Tensor ref(DType::Float32, {1, 2, 4, 4});
    for (int64_t i = 0; i < 32; ++i) {
      int64_t c = i / 16;
      ref.mutableData<float>()[i] =
          static_cast<float>(gamma.data<float>()[c] * (x.data<float>()[i] - mean.data<float>()[c]) /
                                 std::sqrt(var.data<float>()[c] + 1e-3) +
                             beta.data<float>()[c]);
    }
    expectClose(runSingle(g, y, x), ref, "batch_norm");
  }
}

TEST(NNImageOps, LinearMatmulAndLayerNorm) {
  Tensor x = pseudoRandom({2, 3}, -1.0f, 1.0f, 21);
  Tensor w = pseudoRandom({4, 3}, -1.0f, 1.0f, 22);
  Tensor b = pseudoRandom({4}, -1.0f, 1.0f, 23);
  auto xw = [&](int64_t r, int64_t o, bool transposedW) {
    double s = 0;
    for (int64_t k = 0; k < 3; ++k)
      s += x.data<float>()[r * 3 + k] * (transposedW ? w.data<float>()[o * 3 + k] : 0.0);
    return s;
  };
  {
    ir::Graph g;
    ir::Value* in = g.addInput(f32({2, 3}), "x");
    ir::Value* y = milOp1(
        g.top(), "linear",
        {{"x", in}, {"weight", milConst(g.top(), w)}, {"bias", milConst(g.top(), b)}}, f32({2, 4}));
    Tensor ref(DType::Float32, {2, 4});
    for (int64_t r = 0; r < 2; ++r)
      for (int64_t o = 0; o < 4; ++o)
        ref.mutableData<float>()[r * 4 + o] =
            static_cast<float>(xw(r, o, true) + b.data<float>()[o]);
    expectClose(runSingle(g, y, x), ref, "linear");
  }
  {  // matmul with a constant right operand given as [3, 4] (not transposed)
    Tensor wt(DType::Float32, {3, 4});
    for (int64_t o = 0; o < 4; ++o)
      for (int64_t k = 0; k < 3; ++k)
        wt.mutableData<float>()[k * 4 + o] = w.data<float>()[o * 3 + k];
    ir::Graph g;
    ir::Value* in = g.addInput(f32({2, 3}), "x");
    ir::Value* y =
        milOp1(g.top(), "matmul", {{"x", in}, {"y", milConst(g.top(), wt)}}, f32({2, 4}));
    Tensor ref(DType::Float32, {2, 4});
    for (int64_t r = 0; r < 2; ++r)
      for (int64_t o = 0; o < 4; ++o)
        ref.mutableData<float>()[r * 4 + o] = static_cast<float>(xw(r, o, true));
    expectClose(runSingle(g, y, x), ref, "matmul const y");
  }
  {  // matmul of two blobs: x times x^T
    ir::Graph g;
    ir::Value* in = g.addInput(f32({2, 3}), "x");
    ir::Value* y = milOp1(g.top(), "matmul",
                          {{"x", in},
                           {"y", in},
                           {"transpose_x", milConst(g.top(), scalarTensor(DType::Bool, 0))},
                           {"transpose_y", milConst(g.top(), scalarTensor(DType::Bool, 1))}},
                          f32({2, 2}));
    Tensor ref(DType::Float32, {2, 2});
    for (int64_t r = 0; r < 2; ++r)
      for (int64_t c = 0; c < 2; ++c) {
        double s = 0;
        for (int64_t k = 0; k < 3; ++k)
          s += x.data<float>()[r * 3 + k] * x.data<float>()[c * 3 + k];
        ref.mutableData<float>()[r * 2 + c] = static_cast<float>(s);
      }
    expectClose(runSingle(g, y, x), ref, "matmul x x^T");
  }
  {
    ir::Graph g;
    ir::Value* in = g.addInput(f32({2, 3}), "x");
    ir::Value* y = milOp1(g.top(), "layer_norm",
                          {{"x", in}, {"axes", milConst(g.top(), intVector({-1}))}}, f32({2, 3}));
    Tensor ref(DType::Float32, {2, 3});
    for (int64_t r = 0; r < 2; ++r) {
      double m = 0, v = 0;
      for (int64_t k = 0; k < 3; ++k) m += x.data<float>()[r * 3 + k] / 3.0;
      for (int64_t k = 0; k < 3; ++k) v += std::pow(x.data<float>()[r * 3 + k] - m, 2) / 3.0;
      for (int64_t k = 0; k < 3; ++k)
        ref.mutableData<float>()[r * 3 + k] =
            static_cast<float>((x.data<float>()[r * 3 + k] - m) / std::sqrt(v + 1e-5));
    }
    expectClose(runSingle(g, y, x), ref, "layer_norm");
  }
}

TEST(NNImageOps, ShapeOps) {
  Tensor x = pseudoRandom({2, 3, 4}, -1.0f, 1.0f, 31);
  auto at = [&](int64_t a, int64_t b, int64_t c) { return x.data<float>()[(a * 3 + b) * 4 + c]; };
  {  // transpose (2, 0, 1) then reshape to [4, 6]
    ir::Graph g;
    ir::Value* in = g.addInput(f32({2, 3, 4}), "x");
    ir::Value* t =
        milOp1(g.top(), "transpose", {{"x", in}, {"perm", milConst(g.top(), intVector({2, 0, 1}))}},
               f32({4, 2, 3}));
    ir::Value* y =
        milOp1(g.top(), "reshape", {{"x", t}, {"shape", milConst(g.top(), intVector({4, -1}))}},
               f32({4, 6}));
    Tensor ref(DType::Float32, {4, 6});
    for (int64_t c = 0; c < 4; ++c)
      for (int64_t a = 0; a < 2; ++a)
        for (int64_t b = 0; b < 3; ++b) ref.mutableData<float>()[c * 6 + a * 3 + b] = at(a, b, c);
    Tensor out = runSingle(g, y, x);
    EXPECT_EQ(out.shape(), (Shape{4, 6}));
    expectClose(out, ref, "transpose + reshape");
  }
  {  // slice x[:, 1:, ::2], then concat with itself along axis 0, expand_dims and squeeze
    ir::Graph g;
    ir::Value* in = g.addInput(f32({2, 3, 4}), "x");
    ir::Block* t = g.top();
    ir::Value* s = milOp1(t, "slice_by_index",
                          {{"x", in},
                           {"begin", milConst(t, intVector({0, 1, 0}))},
                           {"end", milConst(t, intVector({2, 3, 4}))},
                           {"stride", milConst(t, intVector({1, 1, 2}))}},
                          f32({2, 2, 2}));
    ir::Value* c =
        milOp1(t, "concat",
               {{"values", s}, {"values", s}, {"axis", milConst(t, scalarTensor(DType::Int32, 0))}},
               f32({4, 2, 2}));
    ir::Value* e = milOp1(t, "expand_dims", {{"x", c}, {"axes", milConst(t, intVector({1}))}},
                          f32({4, 1, 2, 2}));
    ir::Value* y =
        milOp1(t, "squeeze", {{"x", e}, {"axes", milConst(t, intVector({1}))}}, f32({4, 2, 2}));
    Tensor ref(DType::Float32, {4, 2, 2});
    for (int64_t k = 0; k < 2; ++k)
      for (int64_t a = 0; a < 2; ++a)
        for (int64_t b = 0; b < 2; ++b)
          for (int64_t cc = 0; cc < 2; ++cc)
            ref.mutableData<float>()[((k * 2 + a) * 2 + b) * 2 + cc] = at(a, b + 1, cc * 2);
    expectClose(runSingle(g, y, x), ref, "slice + concat + expand/squeeze");
  }
}

}  // namespace
}  // namespace ts2coreml
