// Overload resolution and binding. Every expected overload below is what torch 2.13 picked when
// scripting the same call (node.schema() of the scripted graph), e.g.
//   def f(x: Tensor): return torch.add(x, 1)  ->  aten::add.Scalar(Tensor self, Scalar other, ...)
#include <gtest/gtest.h>

#include "core/error.h"
#include "torchscript/compiler/graph_emitter.h"
#include "torchscript/compiler/operator_binding.h"
#include "torchscript/schema/overload_resolution.h"
#include "torchscript/schema/schema_registry.h"

namespace ts2coreml::torchscript {
namespace {

using ir::Type;
using Keywords = std::vector<std::pair<std::string, ir::Value*>>;

class Binding : public ::testing::Test {
 protected:
  ir::Graph graph;
  GraphEmitter emitter{graph};

  ir::Value* input(ir::TypePtr type) { return graph.addInput(std::move(type), "in"); }
  ir::Value* tensor() { return input(Type::tensor()); }
  ir::Value* constant(IValue v) { return emitter.constant(v); }

  // "add.Scalar": the overload torch's rules choose, without emitting anything.
  std::string overload(const std::string& name, const std::vector<ir::Value*>& positional,
                       const Keywords& keywords = {}) {
    auto match = schema::resolveOverload(schema::SchemaRegistry::instance().lookup(name),
                                         positional, keywords);
    if (!match) return "<none>";
    std::string op = match->schema->name.substr(match->schema->name.find("::") + 2);
    return match->schema->overload.empty() ? op : op + "." + match->schema->overload;
  }
  BoundOperator bind(const std::string& name, const std::vector<ir::Value*>& positional,
                     const Keywords& keywords = {}, int64_t version = 10) {
    return bindOperator(name, positional, keywords, version, emitter);
  }
  // The op producing `v` (or "prim::Constant"); null producer means a graph input.
  static std::string producerKind(const ir::Value* v) {
    return v->producer() ? v->producer()->kind() : "<input>";
  }
};

TEST_F(Binding, AddPicksOverloadByOperandTypes) {
  ir::Value* x = tensor();
  EXPECT_EQ(overload("aten::add", {x, constant(int64_t{1})}), "add.Scalar");
  EXPECT_EQ(overload("aten::add", {x, tensor()}), "add.Tensor");
  EXPECT_EQ(overload("aten::add", {input(Type::intType()), constant(int64_t{2})}), "add.int");
  EXPECT_EQ(overload("aten::add", {input(Type::intType()), input(Type::floatType())}),
            "add.int_float");
  EXPECT_EQ(overload("aten::add", {input(Type::floatType()), input(Type::floatType())}),
            "add.float");
  EXPECT_EQ(overload("aten::add", {x, x}, {{"alpha", constant(int64_t{2})}}), "add.Tensor");
  // bool is not int: the first pass fails, the second converts with aten::Int.
  EXPECT_EQ(overload("aten::add", {input(Type::boolType()), input(Type::intType())}), "add.int");
  auto list = input(Type::list(Type::intType()));
  EXPECT_EQ(overload("aten::add", {list, list}), "add.t");
}

TEST_F(Binding, AddBindsDefaultsAndOutputTypes) {
  ir::Value* x = tensor();
  BoundOperator add = bind("aten::add", {x, constant(int64_t{1})});
  EXPECT_EQ(add.kind, "aten::add");
  ASSERT_EQ(add.inputs.size(), 3u);  // alpha=1 filled in
  EXPECT_EQ(GraphEmitter::constantValue(add.inputs[2]), IValue(int64_t{1}));
  ASSERT_EQ(add.outputTypes.size(), 1u);
  EXPECT_TRUE(add.outputTypes[0]->isTensor());
  EXPECT_FALSE(add.inPlace);

  BoundOperator ints = bind("aten::add", {input(Type::intType()), input(Type::floatType())});
  EXPECT_EQ(ints.outputTypes[0]->kind(), ir::TypeKind::Float);

  ir::Value* flag = input(Type::boolType());
  BoundOperator converted = bind("aten::add", {flag, input(Type::intType())});
  EXPECT_EQ(producerKind(converted.inputs[0]), "aten::Int");
  EXPECT_EQ(converted.outputTypes[0]->kind(), ir::TypeKind::Int);
}

TEST_F(Binding, ComparisonOfScalarItemUsesScalarOverload) {
  // torch.lt(torch.item(avg), 0): item returns Scalar -> aten::lt(Scalar a, Scalar b) -> bool.
  ir::Value* item = input(Type::numberType());
  EXPECT_EQ(overload("aten::lt", {item, constant(int64_t{0})}), "lt");
  BoundOperator lt = bind("aten::lt", {item, constant(int64_t{0})});
  EXPECT_EQ(lt.outputTypes[0]->kind(), ir::TypeKind::Bool);
  EXPECT_EQ(overload("aten::lt", {tensor(), constant(int64_t{0})}), "lt.Scalar");
  EXPECT_EQ(overload("aten::lt", {input(Type::boolType()), constant(int64_t{1})}), "lt.int");
}

TEST_F(Binding, MeanAndSize) {
  ir::Value* x = tensor();
  EXPECT_EQ(overload("aten::mean", {x}), "mean");
  BoundOperator mean = bind("aten::mean", {x});
  ASSERT_EQ(mean.inputs.size(), 2u);  // dtype=None
  EXPECT_TRUE(GraphEmitter::constantValue(mean.inputs[1])->isNone());
  // mean(x, 1): an int passes for int[1]? as [1].
  EXPECT_EQ(overload("aten::mean", {x, constant(int64_t{1})}), "mean.dim");
  BoundOperator dim = bind("aten::mean", {x, constant(int64_t{1})});
  EXPECT_EQ(GraphEmitter::constantValue(dim.inputs[1]), IValue::list({int64_t{1}}));
  EXPECT_EQ(GraphEmitter::constantValue(dim.inputs[2]), IValue(false));

  EXPECT_EQ(overload("aten::size", {x}), "size");
  EXPECT_EQ(overload("aten::size", {x, constant(int64_t{1})}), "size.int");
  BoundOperator size = bind("aten::size", {x});
  EXPECT_TRUE(*size.outputTypes[0] == *Type::list(Type::intType()));
}

TEST_F(Binding, ZerosWithKeywordArguments) {
  // torch.zeros([2, x], dtype=6, layout=None, device=torch.device("cpu"))
  ir::Value* size = input(Type::list(Type::intType()));
  Keywords kw = {{"dtype", constant(int64_t{6})},
                 {"layout", constant(IValue())},
                 {"device", input(Type::deviceType())}};
  EXPECT_EQ(overload("aten::zeros", {size}, kw), "zeros");
  BoundOperator zeros = bind("aten::zeros", {size}, kw);
  ASSERT_EQ(zeros.inputs.size(), 5u);  // pin_memory=None filled in
  EXPECT_EQ(zeros.inputs[3], kw[2].second);
  EXPECT_TRUE(GraphEmitter::constantValue(zeros.inputs[4])->isNone());
  // device="cpu" (a str) converts through aten::device.
  Keywords strDevice = {{"dtype", constant(int64_t{6})}, {"device", input(Type::strType())}};
  BoundOperator z2 = bind("aten::zeros", {size}, strDevice);
  EXPECT_EQ(producerKind(z2.inputs[3]), "aten::device");
}

TEST_F(Binding, FormatPassesVarargsThrough) {
  ir::Value* fmt = constant(IValue("x {} {}"));
  ir::Value* n = input(Type::intType());
  ir::Value* f = input(Type::floatType());
  BoundOperator format = bind("aten::format", {fmt, n, f});
  ASSERT_EQ(format.inputs.size(), 3u);
  EXPECT_EQ(format.inputs[1], n);
  EXPECT_EQ(format.inputs[2], f);
  EXPECT_EQ(format.outputTypes[0]->kind(), ir::TypeKind::Str);
}

TEST_F(Binding, Conv2dOverloads) {
  ir::Value* x = tensor();
  ir::Value* w = tensor();
  ir::Value* b = tensor();
  ir::Value* ones = constant(IValue::list({int64_t{1}, int64_t{1}}));
  // torch.conv2d(input, weight, bias, [1, 1], [1, 1], [1, 1]): groups=1 dropped by the printer.
  EXPECT_EQ(overload("aten::conv2d", {x, w, b, ones, ones, ones}), "conv2d");
  BoundOperator conv = bind("aten::conv2d", {x, w, b, ones, ones, ones});
  ASSERT_EQ(conv.inputs.size(), 7u);
  EXPECT_EQ(GraphEmitter::constantValue(conv.inputs[6]), IValue(int64_t{1}));
  // conv2d(x, w, None, 1, "same") -> conv2d.padding; stride 1 becomes [1, 1].
  std::vector<ir::Value*> padded = {x, w, constant(IValue()), constant(int64_t{1}),
                                    constant(IValue("same"))};
  EXPECT_EQ(overload("aten::conv2d", padded), "conv2d.padding");
  BoundOperator same = bind("aten::conv2d", padded);
  EXPECT_EQ(GraphEmitter::constantValue(same.inputs[3]), IValue::list({int64_t{1}, int64_t{1}}));
  // Both _convolution forms bind (13 args: 2.x/1.13 current, 12 args: deprecated).
  std::vector<ir::Value*> args12 = {x,
                                    w,
                                    b,
                                    ones,
                                    ones,
                                    ones,
                                    constant(false),
                                    ones,
                                    constant(int64_t{1}),
                                    constant(false),
                                    constant(false),
                                    constant(true)};
  EXPECT_EQ(overload("aten::_convolution", args12), "_convolution.deprecated");
  args12.push_back(constant(true));
  EXPECT_EQ(overload("aten::_convolution", args12), "_convolution");
}

TEST_F(Binding, ImplicitConversionsOnlyInSecondPass) {
  ir::Value* x = tensor();
  // torch rejects dropout(x, 1, False): int is not float, and there is no int->float conversion.
  EXPECT_EQ(overload("aten::dropout", {x, constant(int64_t{1}), constant(false)}), "<none>");
  // A tensor passes for float / int through FloatImplicit / IntImplicit.
  BoundOperator drop = bind("aten::dropout", {x, tensor(), constant(false)});
  EXPECT_EQ(producerKind(drop.inputs[1]), "aten::FloatImplicit");
  BoundOperator sel = bind("aten::select", {x, constant(int64_t{0}), tensor()});
  EXPECT_EQ(producerKind(sel.inputs[2]), "aten::IntImplicit");
  // mul(item(x), x): no overload fits as is; the first with conversions is mul.int(int, int).
  ir::Value* item = input(Type::numberType());
  EXPECT_EQ(overload("aten::mul", {item, x}), "mul.int");
  BoundOperator mul = bind("aten::mul", {item, x});
  EXPECT_EQ(producerKind(mul.inputs[0]), "aten::Int");
  EXPECT_EQ(producerKind(mul.inputs[1]), "aten::IntImplicit");
  // Scalar accepts int: leaky_relu(x, 1), hardtanh(x, 0, 6).
  EXPECT_EQ(overload("aten::leaky_relu", {x, constant(int64_t{1})}), "leaky_relu");
  EXPECT_EQ(overload("aten::neg", {input(Type::boolType())}), "neg.int");
}

TEST_F(Binding, ReductionsAndMultipleReturns) {
  ir::Value* x = tensor();
  EXPECT_EQ(overload("aten::max", {x, constant(int64_t{1})}), "max.dim");
  BoundOperator max = bind("aten::max", {x, constant(int64_t{1})});
  ASSERT_EQ(max.outputTypes.size(), 2u);
  EXPECT_TRUE(max.outputTypes[1]->isTensor());
  EXPECT_EQ(overload("aten::max", {x, tensor()}), "max.other");
  // An empty list constant (element type unknown) fits int[1]?.
  EXPECT_EQ(overload("aten::sum", {x, constant(IValue::list({}))}), "sum.dim_IntList");
  EXPECT_EQ(overload("aten::softmax", {x, constant(int64_t{-1})}), "softmax.int");
  EXPECT_EQ(overload("aten::pow", {x, constant(int64_t{2})}), "pow.Tensor_Scalar");
  EXPECT_EQ(overload("aten::pow", {input(Type::floatType()), constant(int64_t{2})}),
            "pow.float_int");
  EXPECT_EQ(overload("aten::div", {x, tensor()}), "div.Tensor");
  EXPECT_EQ(overload("aten::div", {input(Type::intType()), input(Type::intType())}), "div.int");
  EXPECT_EQ(overload("aten::clamp", {x, constant(int64_t{0}), constant(int64_t{6})}), "clamp");
  EXPECT_EQ(overload("aten::where", {x, x, constant(0.0)}), "where.ScalarOther");
}

TEST_F(Binding, ListsTuplesAndTypeVariables) {
  ir::Value* x = tensor();
  // List[Tensor] is not Tensor?[] (lists are invariant): torch picks index.Tensor_hacked_twin.
  EXPECT_EQ(overload("aten::index", {x, input(Type::list(Type::tensor()))}),
            "index.Tensor_hacked_twin");
  // view(x, (b, -1)): a homogeneous tuple converts to int[].
  ir::Value* shape = input(Type::tuple({Type::intType(), Type::intType()}));
  EXPECT_EQ(overload("aten::view", {x, shape}), "view");
  BoundOperator view = bind("aten::view", {x, shape});
  EXPECT_EQ(producerKind(view.inputs[1]), "prim::ListConstruct");
  // t binds to the element / value type and flows into the return type.
  ir::Value* dict = input(Type::dict(Type::strType(), Type::intType()));
  EXPECT_EQ(overload("aten::__getitem__", {dict, constant(IValue("a"))}), "__getitem__.Dict_str");
  BoundOperator get = bind("aten::__getitem__", {dict, constant(IValue("a"))});
  EXPECT_EQ(get.outputTypes[0]->kind(), ir::TypeKind::Int);
  ir::Value* list = input(Type::list(Type::floatType()));
  EXPECT_EQ(overload("aten::__getitem__", {list, constant(int64_t{0})}), "__getitem__.t");
  EXPECT_EQ(bind("aten::__getitem__", {list, constant(int64_t{0})}).outputTypes[0]->kind(),
            ir::TypeKind::Float);
  EXPECT_EQ(overload("aten::len", {list}), "len.t");
  EXPECT_EQ(overload("aten::append", {list, input(Type::floatType())}), "append.t");
  EXPECT_EQ(overload("aten::__is__", {input(Type::optional(Type::intType())), constant(IValue())}),
            "__is__");
}

TEST_F(Binding, BlockListedOverloadsAreNeverPicked) {
  ir::Value* x = tensor();
  // torch 2.13 scripts x.view(torch.int32) to aten::view(Tensor self, SymInt[] size), never
  // view.dtype (ScalarType is an int to TorchScript).
  EXPECT_NE(overload("aten::view", {x, constant(int64_t{3})}), "view.dtype");
  // max(x, out=y) would be max.unary_out; torch skips it and torch 2.13 rejects the call.
  EXPECT_EQ(overload("aten::max", {x}, {{"out", tensor()}}), "<none>");
}

TEST_F(Binding, KeywordInputNamesSelf) {
  ir::Value* x = tensor();
  BoundOperator relu = bind("aten::relu", {}, {{"input", x}});
  ASSERT_EQ(relu.inputs.size(), 1u);
  EXPECT_EQ(relu.inputs[0], x);
  EXPECT_EQ(bind("aten::relu", {}, {{"self", x}}).inputs[0], x);
}

TEST_F(Binding, InPlaceOpsNameTheirFunctionalForm) {
  ir::Value* x = tensor();
  BoundOperator relu = bind("aten::relu_", {x});
  EXPECT_EQ(relu.kind, "aten::relu");
  EXPECT_TRUE(relu.inPlace);
  EXPECT_EQ(overload("aten::add_", {x, constant(int64_t{1})}), "add_.Scalar");
  BoundOperator add = bind("aten::add_", {x, constant(int64_t{1})});
  EXPECT_EQ(add.kind, "aten::add");
  EXPECT_TRUE(add.inPlace);
  EXPECT_EQ(add.inputs.size(), 3u);
  EXPECT_FALSE(bind("aten::__and__", {constant(true), constant(false)}).inPlace);
}

TEST_F(Binding, GeluGetsApproximateDefault) {
  BoundOperator gelu = bind("aten::gelu", {tensor()}, {}, /*version=*/3);
  ASSERT_EQ(gelu.inputs.size(), 2u);
  EXPECT_EQ(GraphEmitter::constantValue(gelu.inputs[1]), IValue("none"));
}

TEST_F(Binding, UpgraderTruncatesIntegerDivisionInOldArchives) {
  ir::Value* a = input(Type::tensor(DType::Int64));
  ir::Value* b = input(Type::tensor(DType::Int32));
  BoundOperator old = bind("aten::div", {a, b}, {}, /*version=*/3);
  EXPECT_EQ(old.kind, "aten::div");
  ASSERT_EQ(old.inputs.size(), 3u);
  EXPECT_EQ(GraphEmitter::constantValue(old.inputs[2]), IValue("trunc"));
  EXPECT_EQ(bind("aten::div", {a, b}, {}, 4).inputs.size(), 2u);
  // Not when an operand is floating point; a Python int scalar counts as integral.
  EXPECT_EQ(bind("aten::div", {a, input(Type::tensor(DType::Float32))}, {}, 3).inputs.size(), 2u);
  BoundOperator scalar = bind("aten::div", {a, constant(int64_t{2})}, {}, 3);
  EXPECT_EQ(scalar.inputs.size(), 3u);
  BoundOperator inPlace = bind("aten::div_", {a, b}, {}, 3);
  EXPECT_TRUE(inPlace.inPlace);
  EXPECT_EQ(inPlace.inputs.size(), 3u);
}

TEST_F(Binding, UpgraderMakesFullFillValueFloatInOldArchives) {
  ir::Value* size = constant(IValue::list({int64_t{2}}));
  BoundOperator old = bind("aten::full", {size, constant(int64_t{1})}, {}, /*version=*/4);
  EXPECT_EQ(GraphEmitter::constantValue(old.inputs[1]), IValue(1.0));
  BoundOperator current = bind("aten::full", {size, constant(int64_t{1})}, {}, 5);
  EXPECT_EQ(GraphEmitter::constantValue(current.inputs[1]), IValue(int64_t{1}));
  BoundOperator typed =
      bind("aten::full", {size, constant(int64_t{1})}, {{"dtype", constant(int64_t{4})}}, 4);
  EXPECT_EQ(GraphEmitter::constantValue(typed.inputs[1]), IValue(int64_t{1}));
}

TEST_F(Binding, UpgraderGivesLinspaceAndLogspaceTheirOldDefaultSteps) {
  ir::Value* start = constant(0.0);
  ir::Value* end = constant(1.0);
  BoundOperator omitted = bind("aten::linspace", {start, end}, {}, /*version=*/7);
  EXPECT_EQ(GraphEmitter::constantValue(omitted.inputs[2]), IValue(int64_t{100}));
  BoundOperator none = bind("aten::logspace", {start, end, constant(IValue())}, {}, 8);
  EXPECT_EQ(GraphEmitter::constantValue(none.inputs[2]), IValue(int64_t{100}));
  BoundOperator keyword = bind("aten::linspace", {start, end}, {{"steps", constant(IValue())}}, 7);
  EXPECT_EQ(GraphEmitter::constantValue(keyword.inputs[2]), IValue(int64_t{100}));
  // Current archives must give steps; an explicit value is kept in old ones.
  EXPECT_THROW(bind("aten::linspace", {start, end}, {}, 8), Error);
  BoundOperator given = bind("aten::linspace", {start, end, constant(int64_t{5})}, {}, 7);
  EXPECT_EQ(GraphEmitter::constantValue(given.inputs[2]), IValue(int64_t{5}));
}

TEST_F(Binding, ErrorsNameTheOpTheTypesAndCandidates) {
  ir::Value* x = tensor();
  try {
    bind("aten::dropout", {x, constant(IValue("p")), constant(false)});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("no overload of aten::dropout matches (Tensor, str, bool)"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("candidates: aten::dropout(Tensor input, float p, bool train)"),
              std::string::npos)
        << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
  try {
    bind("aten::no_such_op", {x});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "unknown operator aten::no_such_op (not in the schema table)");
  }
  // Unknown keyword, too many positionals.
  EXPECT_THROW(bind("aten::relu", {x}, {{"alpha", x}}), Error);
  EXPECT_THROW(bind("aten::relu", {x, x}), Error);
}

}  // namespace
}  // namespace ts2coreml::torchscript
