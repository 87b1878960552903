// aten::einsum(equation, tensors) without ellipsis or repeated indices within one operand:
// operands are combined pairwise, each pair as one batched matmul ([batch, free_a, contracted] x
// [batch, contracted, free_b]) between transposes and reshapes; indices no later operand or the
// output needs are summed first.
#include <map>
#include <set>

#include "lower/op_families.h"
#include "passes/shape_rules_math.h"

namespace ts2coreml::lower {

namespace {

struct Term {
  ir::Value* value;
  std::string letters;
};

struct Einsum {
  LoweringContext& ctx;
  const ir::Node& node;
  std::map<char, int64_t> sizes;

  Shape shapeOf(const std::string& letters) {
    Shape s;
    for (char c : letters) s.push_back(sizes.at(c));
    return s;
  }

  // Sums the letters of `t` that are not in `keep`.
  Term sumOut(Term t, const std::set<char>& keep) {
    std::vector<int64_t> axes;
    std::string rest;
    for (size_t i = 0; i < t.letters.size(); ++i) {
      if (keep.count(t.letters[i])) {
        rest += t.letters[i];
      } else {
        axes.push_back(static_cast<int64_t>(i));
      }
    }
    if (axes.empty()) return t;
    auto& b = ctx.builder();
    ir::Value* r =
        b.op1("reduce_sum",
              {{"x", t.value}, {"axes", b.constIntVector(axes)}, {"keep_dims", b.constBool(false)}},
              ir::Type::tensor(dtypeOf(t.value), shapeOf(rest)));
    return {r, rest};
  }

  // t transposed so that its letters read `order`.
  ir::Value* arrange(const Term& t, const std::string& order) {
    std::vector<int64_t> perm;
    for (char c : order) perm.push_back(static_cast<int64_t>(t.letters.find(c)));
    return transposeBy(ctx, t.value, perm);
  }

  Term contract(Term a, Term b, const std::set<char>& keep) {
    std::set<char> inA(a.letters.begin(), a.letters.end()), inB(b.letters.begin(), b.letters.end());
    std::set<char> keepA = keep, keepB = keep;
    keepA.insert(inB.begin(), inB.end());
    keepB.insert(inA.begin(), inA.end());
    a = sumOut(a, keepA);
    b = sumOut(b, keepB);
    std::string batch, freeA, freeB, summed;
    for (char c : a.letters) {
      bool shared = b.letters.find(c) != std::string::npos;
      if (shared && keep.count(c)) {
        batch += c;
      } else if (shared) {
        summed += c;
      } else {
        freeA += c;
      }
    }
    for (char c : b.letters)
      if (a.letters.find(c) == std::string::npos) freeB += c;
    int64_t nb = shapeNumel(shapeOf(batch)), na = shapeNumel(shapeOf(freeA)),
            nk = shapeNumel(shapeOf(summed)), nf = shapeNumel(shapeOf(freeB));
    ir::Value* x = reshapeTo(ctx, arrange(a, batch + freeA + summed), {nb, na, nk});
    ir::Value* y = reshapeTo(ctx, arrange(b, batch + summed + freeB), {nb, nk, nf});
    auto& bld = ctx.builder();
    ir::Value* product = bld.op1("matmul",
                                 {{"x", x},
                                  {"y", y},
                                  {"transpose_x", bld.constBool(false)},
                                  {"transpose_y", bld.constBool(false)}},
                                 ir::Type::tensor(dtypeOf(x), Shape{nb, na, nf}));
    std::string letters = batch + freeA + freeB;
    return {reshapeTo(ctx, product, shapeOf(letters)), letters};
  }
};

void lowerEinsum(LoweringContext& ctx, const ir::Node& node) {
  auto equation = ctx.constant(node.input(0));
  if (!equation || !equation->isString()) ctx.fail(node, "the equation must be a constant string");
  std::string text;
  for (char c : equation->toString())
    if (c != ' ') text += c;
  if (text.find('.') != std::string::npos) ctx.fail(node, "einsum with '...' is not supported");
  auto operands = ctx.tupleItems(node.input(1));
  if (!operands || operands->empty()) ctx.fail(node, "needs a list of tensors");
  size_t arrow = text.find("->");
  std::string lhs = text.substr(0, arrow);
  std::vector<std::string> inputs;
  size_t start = 0;
  for (size_t i = 0; i <= lhs.size(); ++i) {
    if (i == lhs.size() || lhs[i] == ',') {
      inputs.push_back(lhs.substr(start, i - start));
      start = i + 1;
    }
  }
  if (inputs.size() != operands->size()) ctx.fail(node, "the equation does not match the operands");
  std::string output;
  if (arrow != std::string::npos) {
    output = text.substr(arrow + 2);
  } else {  // implicit output: the letters used once, sorted
    std::map<char, int> counts;
    for (const auto& in : inputs)
      for (char c : in) ++counts[c];
    for (const auto& [c, n] : counts)
      if (n == 1) output += c;
  }
  Einsum e{ctx, node, {}};
  DType dtype = *outputType(node)->dtype();
  std::vector<Term> terms;
  for (size_t i = 0; i < inputs.size(); ++i) {
    ir::Value* v = castTo(ctx, (*operands)[i], dtype);
    const Shape& shape = knownShape(ctx, node, v);
    if (shape.size() != inputs[i].size())
      ctx.fail(node,
               "operand " + std::to_string(i) + " has the wrong rank for '" + inputs[i] + "'");
    std::set<char> seen;
    for (size_t k = 0; k < shape.size(); ++k) {
      char c = inputs[i][k];
      if (!seen.insert(c).second)
        ctx.fail(node, "repeated index '" + std::string(1, c) + "' (diagonals) is not supported");
      if (e.sizes.count(c) && e.sizes[c] != shape[k])
        ctx.fail(node, "index '" + std::string(1, c) + "' has two sizes");
      e.sizes[c] = shape[k];
    }
    terms.push_back({v, inputs[i]});
  }
  std::set<char> outLetters(output.begin(), output.end());
  Term acc = terms[0];
  for (size_t i = 1; i < terms.size(); ++i) {
    std::set<char> keep = outLetters;
    for (size_t j = i + 1; j < terms.size(); ++j)
      keep.insert(terms[j].letters.begin(), terms[j].letters.end());
    acc = e.contract(acc, terms[i], keep);
  }
  acc = e.sumOut(acc, outLetters);
  ctx.bind(node.output(), reshapeTo(ctx, e.arrange(acc, output), e.shapeOf(output)));
}

}  // namespace

void registerLinalgEinsumOps(LoweringTable& table) {
  table["aten::einsum"] = lowerEinsum;

  // Result types (aten_op_table.h).
  table.setShapeRule("aten::einsum", passes::rules::einsum());
}

}  // namespace ts2coreml::lower
