// Slicing, gathering, joining and splitting: slice_by_index, slice_by_size, gather,
// gather_along_axis, concat, stack, split, pad.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace ts2coreml::runtime::kernels {

struct SliceSpec {
  std::vector<int64_t> begin, end, stride;            // stride empty = all 1
  std::vector<bool> beginMask, endMask, squeezeMask;  // empty = all false
};
// Python slicing x[b0:e0:s0, ...] per axis (negative indices wrap, out-of-range ends clamp);
// begin_mask / end_mask ignore begin / end; squeeze_mask takes index begin and drops the axis.
Tensor sliceByIndex(const Tensor& x, const SliceSpec& spec);
// x[begin_i : begin_i + size_i] per axis; size -1 = to the end.
Tensor sliceBySize(const Tensor& x, const std::vector<int64_t>& begin,
                   const std::vector<int64_t>& size);

// out = x[..., indices, ...] along `axis`: shape x[:axis] + indices + x[axis+1:]. Negative
// indices count from the end; out-of-range ones are an Error.
Tensor gather(const Tensor& x, const Tensor& indices, int64_t axis);
// out[i_0..i_axis..] = x[i_0..indices[i]..]: indices has x's rank.
Tensor gatherAlongAxis(const Tensor& x, const Tensor& indices, int64_t axis);

// How scatter_along_axis combines an update with the value already there (MIL's modes).
enum class ScatterMode { Update, Add, Sub, Mul, Div, Max, Min };
// MIL's mode name ("update", "add", ...), or nullopt.
std::optional<ScatterMode> scatterModeNamed(const std::string& name);
// data with, for every position p of indices, out[p with p[axis] = indices[p]] combined with
// updates[p]; positions in row-major order, so with repeated indices the last update wins.
// indices and updates have one shape, equal to data's outside `axis` (as MIL requires).
Tensor scatterAlongAxis(const Tensor& data, const Tensor& indices, const Tensor& updates,
                        int64_t axis, ScatterMode mode);

// Joins along `axis`; interleave takes one slice of each input in turn (equal shapes required).
Tensor concat(const std::vector<Tensor>& values, int64_t axis, bool interleave = false);
// Joins along a new axis.
Tensor stack(const std::vector<Tensor>& values, int64_t axis);
// Cuts along `axis` into pieces of the given sizes.
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t axis);

// Pads the last pad.size()/2 dims ([before_0, after_0, ...]); mode "constant", "reflect" or
// "replicate".
Tensor pad(const Tensor& x, const std::vector<int64_t>& pad, const std::string& mode, double value);

}  // namespace ts2coreml::runtime::kernels
