// End to end: a hand-built MIL-level graph (conv with a weight in weight.bin, relu, cond,
// while_loop) is written with writeMLPackage, loaded back from disk by the runtime and run; the
// numbers are compared with a direct computation written here.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "backends/mlprogram/mil_op_availability.h"
#include "backends/mlprogram/mlprogram_backend.h"
#include "core/error.h"
#include "coreml/atomic_output.h"
#include "coreml/mlpackage.h"
#include "coreml/model_file.h"
#include "coreml/weight_blob_reader.h"
#include "ts2coreml/runtime.h"

namespace ts2coreml::backends {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("ts2coreml_mlprogram_" + coreml::randomHex(8))) {
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

ir::TypePtr tensorType(DType dtype, Shape shape) {
  return ir::Type::tensor(dtype, std::move(shape));
}

ir::Value* constant(ir::Block* block, IValue value, ir::TypePtr type) {
  ir::Node* node = block->appendNode("mil.const");
  node->setAttribute("val", std::move(value));
  return node->addOutput(std::move(type));
}

ir::Value* constScalar(ir::Block* block, DType dtype, double v) {
  return constant(block, IValue(Tensor::scalar(dtype, v)), tensorType(dtype, {}));
}

ir::Value* op(ir::Block* block, const std::string& kind,
              std::vector<std::pair<std::string, ir::Value*>> inputs, ir::TypePtr type) {
  ir::Node* node = block->appendNode("mil." + kind);
  for (auto& [name, value] : inputs) node->addInput(value, name);
  return node->addOutput(std::move(type));
}

ir::Value* intVector(ir::Block* block, std::vector<int32_t> values) {
  Tensor t(DType::Int32, {static_cast<int64_t>(values.size())});
  for (size_t i = 0; i < values.size(); ++i) t.mutableData<int32_t>()[i] = values[i];
  return constant(block, IValue(t),
                  tensorType(DType::Int32, {static_cast<int64_t>(values.size())}));
}

constexpr int64_t kC = 2, kH = 5, kW = 5, kK = 5;

float weightValue(int64_t co, int64_t ci, int64_t k) {
  return 0.1f * static_cast<float>(co + 1) - 0.05f * ci + 0.02f * k;
}
const float kBias[kC] = {0.25f, -0.5f};

// x [1, 2, 5, 5] fp32 and n (int32 scalar) ->
//   r = relu(conv(x, W [2, 2, 1, 5], bias, pad 0/0 2/2));  c = cond(sum(r) > 10, r * 2, r)
//   (count, y) = while (i < n) { i + 1, t * 0.5 } from (0, c)
// outputs: y, count, relu_out = r, x_copy = x (a graph input as output needs an identity).
std::unique_ptr<ir::Graph> buildGraph() {
  auto graph = std::make_unique<ir::Graph>();
  ir::Block* top = graph->top();
  ir::Value* x = graph->addInput(tensorType(DType::Float32, {1, kC, kH, kW}), "x");
  ir::Value* n = graph->addInput(tensorType(DType::Int32, {}), "n");

  Tensor weight(DType::Float32, {kC, kC, 1, kK});  // 20 elements: goes to weight.bin
  for (int64_t co = 0; co < kC; ++co)
    for (int64_t ci = 0; ci < kC; ++ci)
      for (int64_t k = 0; k < kK; ++k)
        weight.mutableData<float>()[(co * kC + ci) * kK + k] = weightValue(co, ci, k);
  Tensor bias(DType::Float32, {kC});
  for (int64_t c = 0; c < kC; ++c) bias.mutableData<float>()[c] = kBias[c];
  ir::Value* w = constant(top, IValue(weight), tensorType(DType::Float32, {kC, kC, 1, kK}));
  ir::Value* b = constant(top, IValue(bias), tensorType(DType::Float32, {kC}));
  w->setName("conv.weight");  // not a valid identifier: the writer must sanitize it

  const auto feature = tensorType(DType::Float32, {1, kC, kH, kW});
  ir::Value* y = op(top, "conv",
                    {{"x", x},
                     {"weight", w},
                     {"bias", b},
                     {"strides", intVector(top, {1, 1})},
                     {"pad_type", constant(top, IValue("custom"), ir::Type::strType())},
                     {"pad", intVector(top, {0, 0, 2, 2})},
                     {"dilations", intVector(top, {1, 1})},
                     {"groups", constScalar(top, DType::Int32, 1)}},
                    feature);
  ir::Value* r = op(top, "relu", {{"x", y}}, feature);
  ir::Value* s = op(top, "reduce_sum", {{"x", r}}, tensorType(DType::Float32, {}));
  ir::Value* p = op(top, "greater", {{"x", s}, {"y", constScalar(top, DType::Float32, 10.0)}},
                    tensorType(DType::Bool, {}));

  // Constants used inside the nested blocks are defined before the ops that own those blocks.
  ir::Value* two = constScalar(top, DType::Float32, 2.0);
  ir::Value* half = constScalar(top, DType::Float32, 0.5);
  ir::Value* one = constScalar(top, DType::Int32, 1);
  ir::Value* zero = constScalar(top, DType::Int32, 0);
  ir::Node* cond = top->appendNode("mil.cond");
  cond->addInput(p, "pred");
  ir::Value* c = cond->addOutput(feature);
  ir::Block* thenBlock = cond->addBlock();
  thenBlock->addReturn(op(thenBlock, "mul", {{"x", r}, {"y", two}}, feature));
  ir::Block* elseBlock = cond->addBlock();
  elseBlock->addReturn(r);  // an outer value returned by an empty block

  ir::Node* loop = top->appendNode("mil.while_loop");
  loop->addInput(zero, "loop_vars");
  loop->addInput(c, "loop_vars");
  ir::Value* count = loop->addOutput(tensorType(DType::Int32, {}));
  ir::Value* result = loop->addOutput(feature);
  ir::Block* condBlock = loop->addBlock();
  ir::Value* ci = condBlock->addParam(tensorType(DType::Int32, {}), "i");
  condBlock->addParam(feature, "t");
  condBlock->addReturn(op(condBlock, "less", {{"x", ci}, {"y", n}}, tensorType(DType::Bool, {})));
  ir::Block* body = loop->addBlock();
  ir::Value* bi = body->addParam(tensorType(DType::Int32, {}));
  ir::Value* bt = body->addParam(feature);
  body->addReturn(op(body, "add", {{"x", bi}, {"y", one}}, tensorType(DType::Int32, {})));
  body->addReturn(op(body, "mul", {{"x", bt}, {"y", half}}, feature));

  top->addReturn(result);
  top->addReturn(count);
  top->addReturn(r);
  top->addReturn(x);
  graph->outputNames() = {"y", "count", "relu_out", "x_copy"};
  return graph;
}

Tensor makeInput(float scale) {
  Tensor x(DType::Float32, {1, kC, kH, kW});
  for (int64_t i = 0; i < x.numel(); ++i) {
    x.mutableData<float>()[i] = scale * std::sin(0.7f * static_cast<float>(i)) + 0.1f * scale;
  }
  return x;
}

// The same computation, written directly.
std::vector<float> reference(const Tensor& x, int n, std::vector<float>* reluOut) {
  std::vector<float> r(static_cast<size_t>(kC * kH * kW));
  for (int64_t co = 0; co < kC; ++co)
    for (int64_t h = 0; h < kH; ++h)
      for (int64_t w = 0; w < kW; ++w) {
        double acc = kBias[co];
        for (int64_t ci = 0; ci < kC; ++ci)
          for (int64_t k = 0; k < kK; ++k) {
            const int64_t col = w + k - 2;
            if (col >= 0 && col < kW)
              acc += double{x.data<float>()[(ci * kH + h) * kW + col]} * weightValue(co, ci, k);
          }
        r[(co * kH + h) * kW + w] = std::max(0.0f, static_cast<float>(acc));
      }
  *reluOut = r;
  double sum = 0;
  for (float v : r) sum += v;
  std::vector<float> y = r;
  if (sum > 10)
    for (float& v : y) v *= 2;
  for (int i = 0; i < n; ++i)
    for (float& v : y) v *= 0.5f;
  return y;
}

void expectClose(const Tensor& actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.numel(), static_cast<int64_t>(expected.size()));
  Tensor f = actual.to(DType::Float32).contiguous();
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(f.data<float>()[i], expected[i], 1e-5 + 1e-5 * std::fabs(expected[i]))
        << "element " << i;
  }
}

// With TS2COREML_ARTIFACTS_DIR set, keeps a copy of the package there for
// tests/coreml_check/test_load_mlprogram.py (coremltools reads it back).
void writeArtifact(const ir::Graph& graph, const std::string& name,
                   const MLProgramOptions& options = {}) {
  if (const char* artifacts = std::getenv("TS2COREML_ARTIFACTS_DIR")) {
    fs::create_directories(artifacts);
    writeMLPackage(graph, (fs::path(artifacts) / (name + ".mlpackage")).string(), options);
  }
}

TEST(MLProgramRoundTrip, ConvReluCondWhileLoopFromDisk) {
  TempDir dir;
  const std::string path = dir.file("model.mlpackage");
  MLProgramOptions options;
  options.metadata.author = "tests";
  options.metadata.userDefined["note"] = "roundtrip";
  writeMLPackage(*buildGraph(), path, options);

  // The weight went to weight.bin as a 20-element fp32 blob.
  coreml::WeightBlobReader weights(coreml::packageLayout(path).weightFile);
  ASSERT_EQ(weights.count(), 1u);
  EXPECT_EQ(weights.blobs()[0].sizeInBytes, 20u * 4);
  auto spec = coreml::readModel(path);
  EXPECT_EQ(spec.specificationversion(), 6);
  EXPECT_EQ(spec.mlprogram().functions().at("main").opset(), "CoreML5");
  EXPECT_EQ(spec.description().metadata().userdefined().at("note"), "roundtrip");
  EXPECT_EQ(spec.description().metadata().userdefined().count("ts2coreml.version"), 1u);

  auto model = runtime::Model::load(path);
  ASSERT_EQ(model->inputs().size(), 2u);
  ASSERT_EQ(model->outputs().size(), 4u);
  EXPECT_NE(model->summary().find("1 cond, 1 while_loop"), std::string::npos) << model->summary();

  struct Case {
    float scale;
    int n;
  };
  for (Case c : {Case{1.0f, 3}, Case{0.05f, 2}, Case{1.0f, 0}}) {
    Tensor x = makeInput(c.scale);
    Tensor n(DType::Int32, {1});  // a scalar input may come as a one-element array
    n.mutableData<int32_t>()[0] = c.n;
    auto outputs = model->predict({{"x", x}, {"n", n}});
    std::vector<float> relu;
    std::vector<float> expected = reference(x, c.n, &relu);
    SCOPED_TRACE("scale " + std::to_string(c.scale) + " n " + std::to_string(c.n));
    expectClose(outputs.at("y"), expected);
    expectClose(outputs.at("relu_out"), relu);
    EXPECT_EQ(outputs.at("count").dtype(), DType::Int32);
    EXPECT_EQ(outputs.at("count").elementAsDouble(0), c.n);
    EXPECT_EQ(std::memcmp(outputs.at("x_copy").contiguous().rawData(), x.rawData(), x.nbytes()), 0);
  }
  // Both branches were taken above: check that the inputs really straddle the threshold.
  std::vector<float> relu;
  reference(makeInput(1.0f), 0, &relu);
  double big = 0;
  for (float v : relu) big += v;
  reference(makeInput(0.05f), 0, &relu);
  double small = 0;
  for (float v : relu) small += v;
  EXPECT_GT(big, 10.0);
  EXPECT_LT(small, 10.0);

  writeArtifact(*buildGraph(), "roundtrip_control_flow", options);
}

TEST(MLProgramRoundTrip, WrongInputShapeNamesTheInputAndBothShapes) {
  TempDir dir;
  writeMLPackage(*buildGraph(), dir.file("m.mlpackage"));
  auto model = runtime::Model::load(dir.file("m.mlpackage"));
  Tensor n(DType::Int32, {});
  try {
    model->predict({{"x", Tensor(DType::Float32, {1, 2, 5, 4})}, {"n", n}});
    FAIL() << "wrong shape accepted";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'x'"), std::string::npos) << message;
    EXPECT_NE(message.find("1x2x5x4"), std::string::npos) << message;
    EXPECT_NE(message.find("1x2x5x5"), std::string::npos) << message;
  }
}

// fp16: consts typed fp16 whose data is fp32 (as the fp16 pass leaves large ones) are converted
// while streaming into weight.bin; every fp16 op output is rounded to fp16.
TEST(MLProgramRoundTrip, Fp16WeightsAndArithmetic) {
  TempDir dir;
  ir::Graph graph;
  ir::Block* top = graph.top();
  const int64_t n = 12;
  ir::Value* x = graph.addInput(tensorType(DType::Float32, {n}), "x");
  Tensor w(DType::Float32, {n});
  for (int64_t i = 0; i < n; ++i)
    w.mutableData<float>()[i] = 1.0f / 3.0f * static_cast<float>(i + 1);
  ir::Value* wc = constant(top, IValue(w), tensorType(DType::Float16, {n}));
  ir::Value* xh =
      op(top, "cast", {{"x", x}, {"dtype", constant(top, IValue("fp16"), ir::Type::strType())}},
         tensorType(DType::Float16, {n}));
  ir::Value* sum = op(top, "add", {{"x", xh}, {"y", wc}}, tensorType(DType::Float16, {n}));
  ir::Value* out =
      op(top, "cast", {{"x", sum}, {"dtype", constant(top, IValue("fp32"), ir::Type::strType())}},
         tensorType(DType::Float32, {n}));
  top->addReturn(out);
  graph.outputNames() = {"out"};
  MLProgramOptions options;
  options.specificationVersion = 7;  // opset CoreML6
  writeMLPackage(graph, dir.file("h.mlpackage"), options);
  writeArtifact(graph, "fp16_weights", options);

  coreml::WeightBlobReader weights(coreml::packageLayout(dir.file("h.mlpackage")).weightFile);
  ASSERT_EQ(weights.count(), 1u);
  EXPECT_EQ(weights.blobs()[0].dataType, 1u);  // Float16
  Tensor stored = weights.tensor(64, DType::Float16, {n});

  Tensor input(DType::Float32, {n});
  for (int64_t i = 0; i < n; ++i)
    input.mutableData<float>()[i] = 0.1f * static_cast<float>(i) + 100.0f / 7.0f;
  auto result = runtime::Model::load(dir.file("h.mlpackage"))->predict({{"x", input}}).at("out");
  for (int64_t i = 0; i < n; ++i) {
    EXPECT_EQ(stored.data<uint16_t>()[i], floatToHalf(w.data<float>()[i]));
    const float expected =
        roundToHalf(roundToHalf(input.data<float>()[i]) + roundToHalf(w.data<float>()[i]));
    EXPECT_EQ(result.data<float>()[i], expected) << i;
    // and it differs from the fp32 result for these values: the rounding is really applied
    EXPECT_NE(result.data<float>()[i], input.data<float>()[i] + w.data<float>()[i]) << i;
  }
}

TEST(MLProgramWriter, AFailingWriteLeavesNothingBehind) {
  TempDir dir;
  auto graph = buildGraph();
  // An op that was never lowered, after the weight has been streamed into weight.bin.
  ir::Node* bad = graph->top()->appendNode("aten::frobnicate");
  bad->addInput(graph->inputs()[0].get(), "x");
  bad->addOutput(tensorType(DType::Float32, {1}));
  const std::string path = dir.file("bad.mlpackage");
  EXPECT_THROW(writeMLPackage(*graph, path), Error);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(dir.path()));

  // An existing package at the target survives a failed write untouched.
  writeMLPackage(*buildGraph(), path);
  const auto before = fs::last_write_time(fs::path(path) / "Manifest.json");
  EXPECT_THROW(writeMLPackage(*graph, path), Error);
  EXPECT_EQ(fs::last_write_time(fs::path(path) / "Manifest.json"), before);
  EXPECT_NO_THROW(runtime::Model::load(path));
  size_t entries = 0;
  for (auto it = fs::directory_iterator(dir.path()); it != fs::directory_iterator(); ++it)
    ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST(MLProgramWriter, RefusesInt64ConstantsAndBadPaths) {
  TempDir dir;
  ir::Graph graph;
  ir::Value* x = graph.addInput(tensorType(DType::Float32, {2}), "x");
  ir::Value* c =
      constant(graph.top(), IValue(Tensor(DType::Int64, {2})), tensorType(DType::Int64, {2}));
  graph.top()->addReturn(
      op(graph.top(), "add", {{"x", x}, {"y", c}}, tensorType(DType::Float32, {2})));
  graph.outputNames() = {"y"};
  try {
    writeMLPackage(graph, dir.file("i.mlpackage"));
    FAIL() << "int64 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("int64"), std::string::npos) << e.what();
  }
  EXPECT_THROW(writeMLPackage(*buildGraph(), dir.file("model.mlmodel")), Error);
  MLProgramOptions tooNew;
  tooNew.opset = "CoreML7";  // iOS 17 ops in a specification version 6 (iOS 15) model
  EXPECT_THROW(writeMLPackage(*buildGraph(), dir.file("n.mlpackage"), tooNew), Error);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

// An op of a later opset is refused for an older target (naming the op and the target that has
// it) and written for a target that has it.
TEST(MLProgramWriter, OpOfALaterOpsetNeedsItsTarget) {
  TempDir dir;
  ir::Graph graph;
  ir::Value* x = graph.addInput(tensorType(DType::Float32, {2, 3}), "x");
  ir::Value* like =
      op(graph.top(), "fill_like",
         {{"ref_tensor", x},
          {"value", constant(graph.top(), IValue(1.0), tensorType(DType::Float32, {}))}},
         tensorType(DType::Float32, {2, 3}));
  graph.top()->addReturn(like);
  graph.outputNames() = {"y"};
  try {
    writeMLPackage(graph, dir.file("old.mlpackage"));  // iOS15
    FAIL() << "fill_like accepted for iOS15";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'fill_like' needs minimum deployment target iOS16"), std::string::npos)
        << message;
    EXPECT_NE(message.find("the target is iOS15"), std::string::npos) << message;
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
  MLProgramOptions ios16;
  ios16.specificationVersion = 7;
  writeMLPackage(graph, dir.file("new.mlpackage"), ios16);
  EXPECT_TRUE(fs::exists(dir.file("new.mlpackage")));
  EXPECT_EQ(firstSpecificationVersionOf("conv"), 6);
  EXPECT_EQ(firstSpecificationVersionOf("fill_like"), 7);
  // An op the table (ir/mil_ops.def) lacks has no known opset: an internal error, not a guess.
  EXPECT_THROW(firstSpecificationVersionOf("scaled_dot_product_attention"), Error);
}

}  // namespace
}  // namespace ts2coreml::backends
