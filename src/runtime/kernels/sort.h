// Top-k along one axis (MIL topk, the neural-network topK layer; torch's sort and argsort are
// topk with k = the axis size).
#pragma once

#include <utility>

#include "core/tensor.h"

namespace ts2coreml::runtime::kernels {

// The k largest (or, with `ascending`, smallest) items along `axis`, in that order, and their
// int32 indices. Equal items keep their original order.
std::pair<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t axis, bool ascending);

}  // namespace ts2coreml::runtime::kernels
