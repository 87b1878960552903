// Parsing of real schema strings as torch 2.13 / 1.13 print them (str(FunctionSchema)).
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "torchscript/schema/schema.h"
#include "torchscript/schema/schema_registry.h"

namespace ts2coreml::torchscript::schema {
namespace {

using ir::Type;

bool same(const ir::TypePtr& a, const ir::TypePtr& b) {
  return *a == *b;
}

TEST(SchemaParse, Conv2d) {
  Schema s = parseSchema(
      "aten::conv2d(Tensor input, Tensor weight, Tensor? bias=None, SymInt[2] stride=[1, 1], "
      "SymInt[2] padding=[0, 0], SymInt[2] dilation=[1, 1], SymInt groups=1) -> Tensor");
  EXPECT_EQ(s.name, "aten::conv2d");
  EXPECT_EQ(s.overload, "");
  ASSERT_EQ(s.arguments.size(), 7u);
  EXPECT_EQ(s.arguments[0].name, "input");
  EXPECT_TRUE(same(s.arguments[0].type, Type::tensor()));
  EXPECT_FALSE(s.arguments[0].defaultValue.has_value());
  EXPECT_TRUE(same(s.arguments[2].type, Type::optional(Type::tensor())));
  EXPECT_TRUE(s.arguments[2].defaultValue->isNone());
  EXPECT_TRUE(same(s.arguments[3].type, Type::list(Type::intType())));
  EXPECT_EQ(s.arguments[3].fixedListSize, 2);
  EXPECT_EQ(*s.arguments[3].defaultValue, IValue::list({int64_t{1}, int64_t{1}}));
  EXPECT_TRUE(same(s.arguments[6].type, Type::intType()));
  EXPECT_EQ(*s.arguments[6].defaultValue, IValue(int64_t{1}));
  ASSERT_EQ(s.returns.size(), 1u);
  EXPECT_TRUE(same(s.returns[0].type, Type::tensor()));
  EXPECT_FALSE(s.varargs);
}

TEST(SchemaParse, ConvPaddingOverloadHasStringDefault) {
  Schema s = parseSchema(
      "aten::conv2d.padding(Tensor input, Tensor weight, Tensor? bias=None, SymInt[2] "
      "stride=[1, 1], str padding=\"valid\", SymInt[2] dilation=[1, 1], SymInt groups=1) -> "
      "Tensor");
  EXPECT_EQ(s.overload, "padding");
  EXPECT_EQ(s.qualifiedOverload(), "aten::conv2d.padding");
  EXPECT_EQ(*s.arguments[4].defaultValue, IValue("valid"));
}

TEST(SchemaParse, ConvolutionBothForms) {
  Schema current = parseSchema(
      "aten::_convolution(Tensor input, Tensor weight, Tensor? bias, SymInt[] stride, SymInt[] "
      "padding, SymInt[] dilation, bool transposed, SymInt[] output_padding, SymInt groups, bool "
      "benchmark, bool deterministic, bool cudnn_enabled, bool allow_tf32) -> Tensor");
  Schema deprecated = parseSchema(
      "aten::_convolution.deprecated(Tensor input, Tensor weight, Tensor? bias, int[] stride, "
      "int[] padding, int[] dilation, bool transposed, int[] output_padding, int groups, bool "
      "benchmark, bool deterministic, bool cudnn_enabled) -> Tensor");
  EXPECT_EQ(current.arguments.size(), 13u);
  EXPECT_EQ(deprecated.arguments.size(), 12u);
  EXPECT_EQ(deprecated.overload, "deprecated");
  EXPECT_EQ(current.arguments[3].fixedListSize, 0);
  EXPECT_TRUE(same(current.arguments[6].type, Type::boolType()));
  // Both forms are in the embedded table (the union over torch releases).
  const auto& registry = SchemaRegistry::instance();
  EXPECT_NE(registry.find("aten::_convolution", ""), nullptr);
  EXPECT_NE(registry.find("aten::_convolution", "deprecated"), nullptr);
}

TEST(SchemaParse, AddOverloadsKwargOnlyAndMutation) {
  Schema t =
      parseSchema("aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor");
  EXPECT_FALSE(t.arguments[1].kwargOnly);
  EXPECT_TRUE(t.arguments[2].kwargOnly);
  EXPECT_TRUE(same(t.arguments[2].type, Type::numberType()));
  EXPECT_EQ(*t.arguments[2].defaultValue, IValue(int64_t{1}));

  Schema out = parseSchema(
      "aten::add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> "
      "Tensor(a!)");
  EXPECT_TRUE(out.arguments[3].mutates);
  EXPECT_FALSE(out.arguments[0].mutates);
  EXPECT_TRUE(out.returns[0].mutates);

  Schema list = parseSchema("aten::add.t(t[] a, t[] b) -> t[]");
  EXPECT_TRUE(same(list.arguments[0].type, Type::list(Type::anyType())));
  EXPECT_EQ(typeVariableName(list.arguments[0].typeWithVars->element()), "t");

  Schema scalars = parseSchema("aten::add(Scalar a, Scalar b) -> Scalar");
  EXPECT_EQ(scalars.overload, "");
  EXPECT_TRUE(same(scalars.returns[0].type, Type::numberType()));
}

TEST(SchemaParse, FormatVarargs) {
  Schema s = parseSchema("aten::format(str self, ...) -> str");
  EXPECT_TRUE(s.varargs);
  ASSERT_EQ(s.arguments.size(), 1u);
  EXPECT_TRUE(same(s.arguments[0].type, Type::strType()));
  Schema rpc = parseSchema("prim::rpc_async(...) -> ...");
  EXPECT_TRUE(rpc.varargs);
  EXPECT_TRUE(rpc.varret);
}

TEST(SchemaParse, MaxDimTupleReturn) {
  Schema s = parseSchema(
      "aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor "
      "indices)");
  ASSERT_EQ(s.returns.size(), 2u);
  EXPECT_EQ(s.returns[0].name, "values");
  EXPECT_EQ(s.returns[1].name, "indices");
  EXPECT_EQ(*s.arguments[2].defaultValue, IValue(false));
  Schema none = parseSchema("aten::_assert_async(Tensor self) -> ()");
  EXPECT_TRUE(none.returns.empty());
}

TEST(SchemaParse, TypesOfEnumsDevicesAndContainers) {
  Schema s = parseSchema(
      "aten::zeros(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? "
      "device=None, bool? pin_memory=None) -> Tensor");
  EXPECT_TRUE(same(s.arguments[1].type, Type::optional(Type::intType())));
  EXPECT_TRUE(same(s.arguments[2].type, Type::optional(Type::intType())));
  EXPECT_TRUE(same(s.arguments[3].type, Type::optional(Type::deviceType())));
  Schema d = parseSchema("aten::__getitem__.Dict_str(Dict(str, t) self, str key) -> t(*)");
  EXPECT_TRUE(same(d.arguments[0].type, Type::dict(Type::strType(), Type::anyType())));
  EXPECT_EQ(typeVariableName(d.returns[0].typeWithVars), "t");
  Schema idx = parseSchema("aten::index.Tensor(Tensor self, Tensor?[] indices) -> Tensor");
  EXPECT_TRUE(same(idx.arguments[1].type, Type::list(Type::optional(Type::tensor()))));
  Schema app = parseSchema("aten::append.t(t[](a!) self, t(c -> *) el) -> t[](a!)");
  EXPECT_TRUE(app.arguments[0].mutates);
  EXPECT_FALSE(app.arguments[1].mutates);
  Schema outs = parseSchema(
      "aten::split_copy.Tensor_out(Tensor self, SymInt split_size, int dim=0, *, Tensor(a!)[] "
      "out) -> ()");
  EXPECT_TRUE(outs.arguments[3].mutates);
  EXPECT_TRUE(same(outs.arguments[3].type, Type::list(Type::tensor())));
  Schema mean = parseSchema(
      "aten::mean.dim(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) "
      "-> Tensor");
  EXPECT_TRUE(same(mean.arguments[1].type, Type::optional(Type::list(Type::intType()))));
  EXPECT_EQ(mean.arguments[1].fixedListSize, 1);
  Schema gen = parseSchema("aten::bernoulli(Tensor self, *, Generator? generator=None) -> Tensor");
  EXPECT_TRUE(same(gen.arguments[1].type, Type::optional(Type::anyType())));
}

TEST(SchemaParse, Defaults) {
  // Values from torch 2.13 / 1.13 schemas.
  Schema ln = parseSchema(
      "aten::layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight=None, Tensor? "
      "bias=None, float eps=1.0000000000000001e-05, bool cudnn_enable=True) -> Tensor");
  EXPECT_DOUBLE_EQ(ln.arguments[4].defaultValue->toDouble(), 1e-05);
  EXPECT_EQ(*ln.arguments[5].defaultValue, IValue(true));
  Schema drop =
      parseSchema("aten::feature_dropout(Tensor input, float p=0., bool train=True) -> Tensor");
  EXPECT_TRUE(drop.arguments[1].defaultValue->isDouble());
  // torch 1.13 wrote int[N] defaults as one int: it means N copies.
  Schema old = parseSchema(
      "aten::thnn_conv2d(Tensor self, Tensor weight, int[2] kernel_size, Tensor? bias=None, "
      "int[2] stride=1, int[2] padding=0) -> Tensor");
  EXPECT_EQ(*old.arguments[4].defaultValue, IValue::list({int64_t{1}, int64_t{1}}));
  EXPECT_EQ(*old.arguments[5].defaultValue, IValue::list({int64_t{0}, int64_t{0}}));
  Schema pool = parseSchema(
      "aten::max_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, "
      "int[2] dilation=1, bool ceil_mode=False) -> Tensor");
  EXPECT_EQ(*pool.arguments[2].defaultValue, IValue::list({}));
  Schema strip = parseSchema("aten::strip(str self, str chars=\" \\n\\t\\f\\v\") -> str");
  EXPECT_EQ(strip.arguments[1].defaultValue->toString(), " \n\t\f\v");
  Schema quotes = parseSchema("aten::f(str a='none', str b=\"\\\"\\'\\\\\") -> str");
  EXPECT_EQ(quotes.arguments[0].defaultValue->toString(), "none");
  EXPECT_EQ(quotes.arguments[1].defaultValue->toString(), "\"'\\");
  Schema inf = parseSchema("aten::f(float a=inf, float b=-inf, int c=-2) -> float");
  EXPECT_TRUE(std::isinf(inf.arguments[0].defaultValue->toDouble()));
  EXPECT_LT(inf.arguments[1].defaultValue->toDouble(), 0);
  EXPECT_EQ(*inf.arguments[2].defaultValue, IValue(int64_t{-2}));
  // Enum names (torch's schema parser accepts them; c10 numbering).
  Schema enums =
      parseSchema("aten::f(MemoryFormat m=contiguous_format, ScalarType d=long, int r=Mean) -> ()");
  EXPECT_EQ(*enums.arguments[0].defaultValue, IValue(int64_t{0}));
  EXPECT_EQ(*enums.arguments[1].defaultValue, IValue(int64_t{4}));
  EXPECT_EQ(*enums.arguments[2].defaultValue, IValue(int64_t{1}));
  Schema big = parseSchema(
      "aten::slice.Tensor(Tensor(a) self, int dim=0, SymInt? start=None, SymInt? end=None, "
      "SymInt step=1) -> Tensor(a)");
  EXPECT_FALSE(big.arguments[0].mutates);
}

TEST(SchemaParse, BadTextThrows) {
  EXPECT_THROW(parseSchema("aten::f(Tensor x"), Error);
  EXPECT_THROW(parseSchema("aten::f(Tensor x) Tensor"), Error);
}

TEST(SchemaRegistry, EmbeddedTableParsesEntirely) {
  const auto& registry = SchemaRegistry::instance();
  size_t failed = registry.unparsedLines().size();
  EXPECT_GT(registry.size(), 4000u);
  EXPECT_EQ(failed, 0u) << "first unparsed: " << (failed ? registry.unparsedLines().front() : "");
  EXPECT_TRUE(registry.lookup("aten::does_not_exist").empty());
  // Registry order of torch 2.13 (torch._C._jit_get_schemas_for_operator("aten::size")).
  const auto& size = registry.lookup("aten::size");
  ASSERT_GE(size.size(), 2u);
  EXPECT_EQ(size[0]->overload, "int");
  EXPECT_EQ(size[1]->overload, "");
}

TEST(SchemaRegistry, ParsesGivenText) {
  SchemaRegistry registry("# comment\naten::a(Tensor x) -> Tensor\nnot a schema\n");
  EXPECT_EQ(registry.size(), 1u);
  EXPECT_EQ(registry.unparsedLines().size(), 1u);
}

}  // namespace
}  // namespace ts2coreml::torchscript::schema
