// Per-op checks through the file: each MIL op family is lowered to layers, written, read back
// and run, and the result is compared with a reference computed here by plain loops.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "nn_run_helpers.h"
#include "nn_test_graph.h"

namespace ts2coreml {
namespace {

using namespace testing;

ir::TypePtr f32(Shape s) {
  return tensorType(DType::Float32, std::move(s));
}

// y = f(x) over every element, for one-input ops.
Tensor mapRef(const Tensor& x, const std::function<double(double)>& f) {
  Tensor out(DType::Float32, x.shape());
  for (int64_t i = 0; i < x.numel(); ++i)
    out.mutableData<float>()[i] = static_cast<float>(f(x.elementAsDouble(i)));
  return out;
}

// A graph with input x of `shape` and one op applied to it (extra named inputs given).
struct OneOp {
  ir::Graph g;
  ir::Value* x;
  explicit OneOp(Shape shape) { x = g.addInput(f32(std::move(shape)), "x"); }
  void finish(ir::Value* y) {
    g.top()->addReturn(y);
    g.outputNames() = {"y"};
    g.renumber();
  }
  Tensor run(const Tensor& input, const std::string& artifact = {}) {
    return runThroughFile(g, {{"x", input}}, artifact).at("y");
  }
};

TEST(NNOps, ArithmeticWithScalarConstantsUsesAlpha) {
  struct Case {
    const char* op;
    double c;
    bool constFirst;
    std::function<double(double, double)> f;
  };
  std::vector<Case> cases = {
      {"add", 1.5, false, [](double a, double b) { return a + b; }},
      {"add", -2.0, true, [](double a, double b) { return a + b; }},
      {"sub", 0.25, false, [](double a, double b) { return a - b; }},
      {"mul", 3.0, true, [](double a, double b) { return a * b; }},
      {"real_div", 4.0, false, [](double a, double b) { return a / b; }},
      {"pow", 2.0, false, [](double a, double b) { return std::pow(a, b); }},
  };
  Tensor x = pseudoRandom({2, 3}, 0.1f, 2.0f, 1);
  for (const auto& c : cases) {
    OneOp m({2, 3});
    ir::Value* k = milConst(m.g.top(), scalarTensor(DType::Float32, c.c));
    auto inputs = c.constFirst
                      ? std::vector<std::pair<std::string, ir::Value*>>{{"x", k}, {"y", m.x}}
                      : std::vector<std::pair<std::string, ir::Value*>>{{"x", m.x}, {"y", k}};
    m.finish(milOp1(m.g.top(), c.op, inputs, f32({2, 3})));
    Tensor ref = mapRef(x, [&](double v) { return c.constFirst ? c.f(c.c, v) : c.f(v, c.c); });
    expectClose(m.run(x), ref, c.op);
  }
}

TEST(NNOps, BroadcastingBinaryOpsOnTwoBlobs) {
  struct Case {
    const char* op;
    std::function<double(double, double)> f;
  };
  std::vector<Case> cases = {
      {"add", [](double a, double b) { return a + b; }},
      {"sub", [](double a, double b) { return a - b; }},
      {"mul", [](double a, double b) { return a * b; }},
      {"real_div", [](double a, double b) { return a / b; }},
      {"maximum", [](double a, double b) { return std::max(a, b); }},
      {"minimum", [](double a, double b) { return std::min(a, b); }},
      {"floor_div", [](double a, double b) { return std::floor(a / b); }},
      {"mod", [](double a, double b) { return a - std::floor(a / b) * b; }},
      {"less", [](double a, double b) { return a < b ? 1.0 : 0.0; }},
      {"greater_equal", [](double a, double b) { return a >= b ? 1.0 : 0.0; }},
      {"not_equal", [](double a, double b) { return a != b ? 1.0 : 0.0; }},
  };
  Tensor x = pseudoRandom({2, 3}, -2.0f, 2.0f, 2);
  Tensor row = pseudoRandom({3}, 0.5f, 1.5f, 3);  // a [3] constant broadcast over the rows
  for (const auto& c : cases) {
    OneOp m({2, 3});
    ir::Value* k = milConst(m.g.top(), row);
    m.finish(milOp1(m.g.top(), c.op, {{"x", m.x}, {"y", k}}, f32({2, 3})));
    Tensor ref(DType::Float32, {2, 3});
    for (int64_t i = 0; i < 6; ++i) {
      ref.mutableData<float>()[i] =
          static_cast<float>(c.f(x.data<float>()[i], row.data<float>()[i % 3]));
    }
    expectClose(m.run(x), ref, c.op);
  }
}

TEST(NNOps, ComparisonsWithConstantsOnEitherSide) {
  Tensor x = floatTensor({5}, {-1.0f, 0.0f, 0.5f, 1.0f, 2.0f});
  struct Case {
    const char* op;
    bool constFirst;
    std::function<bool(double, double)> f;
  };
  std::vector<Case> cases = {
      {"less", false, [](double a, double b) { return a < b; }},
      {"less", true, [](double a, double b) { return a < b; }},
      {"less_equal", true, [](double a, double b) { return a <= b; }},
      {"greater", true, [](double a, double b) { return a > b; }},
      {"greater_equal", false, [](double a, double b) { return a >= b; }},
      {"equal", true, [](double a, double b) { return a == b; }},
      {"not_equal", false, [](double a, double b) { return a != b; }},
  };
  for (const auto& c : cases) {
    OneOp m({5});
    ir::Value* k = milConst(m.g.top(), scalarTensor(DType::Float32, 1.0));
    auto inputs = c.constFirst
                      ? std::vector<std::pair<std::string, ir::Value*>>{{"x", k}, {"y", m.x}}
                      : std::vector<std::pair<std::string, ir::Value*>>{{"x", m.x}, {"y", k}};
    m.finish(milOp1(m.g.top(), c.op, inputs, tensorType(DType::Bool, {5})));
    Tensor ref =
        mapRef(x, [&](double v) { return (c.constFirst ? c.f(1.0, v) : c.f(v, 1.0)) ? 1.0 : 0.0; });
    expectClose(m.run(x), ref, std::string(c.op) + (c.constFirst ? " (const first)" : ""));
  }
}

TEST(NNOps, LogicalOpsAndSelect) {
  OneOp m({4});
  ir::Value* zero = milConst(m.g.top(), scalarTensor(DType::Float32, 0.0));
  ir::Value* other = milConst(m.g.top(), floatTensor({4}, {10, 20, 30, 40}));
  ir::Value* positive =
      milOp1(m.g.top(), "greater", {{"x", m.x}, {"y", zero}}, tensorType(DType::Bool, {4}));
  ir::Value* small =
      milOp1(m.g.top(), "less",
             {{"x", m.x}, {"y", milConst(m.g.top(), scalarTensor(DType::Float32, 2.0))}},
             tensorType(DType::Bool, {4}));
  ir::Value* both = milOp1(m.g.top(), "logical_and", {{"x", positive}, {"y", small}},
                           tensorType(DType::Bool, {4}));
  ir::Value* notBoth =
      milOp1(m.g.top(), "logical_not", {{"x", both}}, tensorType(DType::Bool, {4}));
  ir::Value* either = milOp1(m.g.top(), "logical_or", {{"x", notBoth}, {"y", positive}},
                             tensorType(DType::Bool, {4}));
  ir::Value* picked =
      milOp1(m.g.top(), "select", {{"cond", both}, {"a", m.x}, {"b", other}}, f32({4}));
  ir::Value* sum = milOp1(
      m.g.top(), "add",
      {{"x", picked},
       {"y", milOp1(m.g.top(), "cast",
                    {{"x", either}, {"dtype", milConstString(m.g.top(), "fp32")}}, f32({4}))}},
      f32({4}));
  m.finish(sum);
  Tensor x = floatTensor({4}, {-1.0f, 0.5f, 1.5f, 3.0f});
  // both = (0 < x < 2): F T T F; either = !both || x > 0 = T T T T.
  expectClose(m.run(x), floatTensor({4}, {11.0f, 1.5f, 2.5f, 41.0f}), "logic + select");
}

TEST(NNOps, CastTruncatesTowardZeroAndTestsNonZero) {
  Tensor x = floatTensor({6}, {-2.7f, -1.0f, -0.3f, 0.0f, 0.6f, 3.9f});
  {
    OneOp m({6});
    m.finish(milOp1(m.g.top(), "cast", {{"x", m.x}, {"dtype", milConstString(m.g.top(), "int32")}},
                    tensorType(DType::Int32, {6})));
    expectClose(m.run(x), mapRef(x, [](double v) { return std::trunc(v); }), "cast int32");
  }
  {
    OneOp m({6});
    m.finish(milOp1(m.g.top(), "cast", {{"x", m.x}, {"dtype", milConstString(m.g.top(), "bool")}},
                    tensorType(DType::Bool, {6})));
    expectClose(m.run(x), mapRef(x, [](double v) { return v != 0.0 ? 1.0 : 0.0; }), "cast bool");
  }
}

TEST(NNOps, ActivationsAndUnaryMath) {
  struct Case {
    const char* op;
    std::function<double(double)> f;
    double alpha = 0.0;
  };
  std::vector<Case> cases = {
      {"relu", [](double v) { return std::max(0.0, v); }},
      {"sigmoid", [](double v) { return 1.0 / (1.0 + std::exp(-v)); }},
      {"tanh", [](double v) { return std::tanh(v); }},
      {"softplus", [](double v) { return std::log1p(std::exp(v)); }},
      {"softsign", [](double v) { return v / (1.0 + std::fabs(v)); }},
      {"silu", [](double v) { return v / (1.0 + std::exp(-v)); }},
      {"relu6", [](double v) { return std::min(6.0, std::max(0.0, v)); }},
      {"identity", [](double v) { return v; }},
      {"exp", [](double v) { return std::exp(v); }},
      {"abs", [](double v) { return std::fabs(v); }},
      {"floor", [](double v) { return std::floor(v); }},
      {"ceil", [](double v) { return std::ceil(v); }},
      {"sign", [](double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }},
      {"sin", [](double v) { return std::sin(v); }},
      {"erf", [](double v) { return std::erf(v); }},
      {"gelu", [](double v) { return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))); }},
      {"leaky_relu", [](double v) { return v >= 0 ? v : 0.2 * v; }, 0.2},
      {"elu", [](double v) { return v >= 0 ? v : 0.7 * (std::exp(v) - 1.0); }, 0.7},
  };
  Tensor x = pseudoRandom({2, 5}, -7.0f, 7.0f, 4);
  for (const auto& c : cases) {
    OneOp m({2, 5});
    std::vector<std::pair<std::string, ir::Value*>> inputs = {{"x", m.x}};
    if (c.alpha != 0.0)
      inputs.emplace_back("alpha", milConst(m.g.top(), scalarTensor(DType::Float32, c.alpha)));
    m.finish(milOp1(m.g.top(), c.op, inputs, f32({2, 5})));
    expectClose(m.run(x), mapRef(x, c.f), c.op);
  }
  Tensor positive = pseudoRandom({2, 5}, 0.5f, 4.0f, 5);
  for (const char* op : {"sqrt", "log", "rsqrt", "inverse"}) {
    OneOp m({2, 5});
    m.finish(milOp1(m.g.top(), op, {{"x", m.x}}, f32({2, 5})));
    std::function<double(double)> f =
        std::string(op) == "sqrt"  ? [](double v) { return std::sqrt(v); }
        : std::string(op) == "log" ? [](double v) { return std::log(v); }
        : std::string(op) == "rsqrt"
            ? std::function<double(double)>([](double v) { return 1.0 / std::sqrt(v); })
            : std::function<double(double)>([](double v) { return 1.0 / v; });
    expectClose(m.run(positive), mapRef(positive, f), op);
  }
  {
    OneOp m({2, 5});
    m.finish(milOp1(m.g.top(), "clip",
                    {{"x", m.x},
                     {"alpha", milConst(m.g.top(), scalarTensor(DType::Float32, -1.0))},
                     {"beta", milConst(m.g.top(), scalarTensor(DType::Float32, 2.5))}},
                    f32({2, 5})));
    expectClose(m.run(x), mapRef(x, [](double v) { return std::min(2.5, std::max(-1.0, v)); }),
                "clip");
  }
}

TEST(NNOps, SoftmaxAlongAnAxis) {
  OneOp m({2, 3});
  m.finish(milOp1(m.g.top(), "softmax",
                  {{"x", m.x}, {"axis", milConst(m.g.top(), scalarTensor(DType::Int32, 0))}},
                  f32({2, 3})));
  Tensor x = pseudoRandom({2, 3}, -2.0f, 2.0f, 6);
  Tensor ref(DType::Float32, {2, 3});
  for (int c = 0; c < 3; ++c) {
    double a = std::exp(x.data<float>()[c]), b = std::exp(x.data<float>()[3 + c]);
    ref.mutableData<float>()[c] = static_cast<float>(a / (a + b));
    ref.mutableData<float>()[3 + c] = static_cast<float>(b / (a + b));
  }
  expectClose(m.run(x), ref, "softmax axis 0");
}

TEST(NNOps, Reductions) {
  Tensor x = pseudoRandom({2, 3, 4}, -1.0f, 1.0f, 7);
  auto at = [&](int a, int b, int c) {
    return static_cast<double>(x.data<float>()[(a * 3 + b) * 4 + c]);
  };
  {  // reduce_mean over axis 1, keep_dims
    OneOp m({2, 3, 4});
    m.finish(milOp1(m.g.top(), "reduce_mean",
                    {{"x", m.x},
                     {"axes", milConst(m.g.top(), intVector({1}))},
                     {"keep_dims", milConst(m.g.top(), scalarTensor(DType::Bool, 1))}},
                    f32({2, 1, 4})));
    Tensor ref(DType::Float32, {2, 1, 4});
    for (int a = 0; a < 2; ++a)
      for (int c = 0; c < 4; ++c)
        ref.mutableData<float>()[a * 4 + c] =
            static_cast<float>((at(a, 0, c) + at(a, 1, c) + at(a, 2, c)) / 3);
    Tensor y = m.run(x);
    EXPECT_EQ(y.shape(), (Shape{2, 1, 4}));
    expectClose(y, ref, "reduce_mean keep_dims");
  }
  {  // reduce_sum over axes [-1, 0]
    OneOp m({2, 3, 4});
    m.finish(milOp1(m.g.top(), "reduce_sum",
                    {{"x", m.x}, {"axes", milConst(m.g.top(), intVector({-1, 0}))}}, f32({3})));
    Tensor ref(DType::Float32, {3});
    for (int b = 0; b < 3; ++b) {
      double s = 0;
      for (int a = 0; a < 2; ++a)
        for (int c = 0; c < 4; ++c) s += at(a, b, c);
      ref.mutableData<float>()[b] = static_cast<float>(s);
    }
    expectClose(m.run(x), ref, "reduce_sum");
  }
  {  // reduce_max over everything
    OneOp m({2, 3, 4});
    m.finish(milOp1(m.g.top(), "reduce_max", {{"x", m.x}}, f32({})));
    double best = -1e9;
    for (int64_t i = 0; i < x.numel(); ++i) best = std::max(best, x.elementAsDouble(i));
    expectClose(m.run(x), floatTensor({1}, {static_cast<float>(best)}), "reduce_max");
  }
}

}  // namespace
}  // namespace ts2coreml
