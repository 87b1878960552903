// Result-type rules of the ops that move data around or make it: expand, repeat, squeeze,
// narrow, unflatten, pixel shuffles, padding, gathers, arange and new_*, transposed
// convolutions and 1-D pooling. Op-table rows (lower/ops_shape.cc, ops_pad.cc,
// ops_index_tensor.cc, ops_creation.cc, ops_conv_transpose.cc, ...) bind them to op names.
#pragma once

#include "passes/shape_inference.h"

namespace ts2coreml::passes::rules {

// arange(end, dtype...) / arange.start(start, end, ...) / arange.start_step(...) of constants.
ShapeRule arange();
// conv_transpose{1,2,3}d(input, weight, bias, stride, padding, output_padding, groups, dilation).
ShapeRule transposedConvolution();
// embedding(weight [N, D], indices [...]) -> [..., D].
ShapeRule embedding();
// new_zeros/new_ones/new_empty(self, size, dtype, ...) (dtype at 2); new_full (dtype at 3).
ShapeRule newSized(size_t dtypeIndex);
// expand_as/view_as/reshape_as(self, other): other's shape, self's dtype.
ShapeRule shapeOfSecond();

// The rules below need the input's shape.
ShapeRule expanded();                  // expand(self, size)
ShapeRule repeat();                    // repeat(self, repeats)
ShapeRule squeezed();                  // squeeze(self) / squeeze(self, dim or dims)
ShapeRule transposed2d();              // t(self)
ShapeRule reversedDims();              // numpy_T(self)
ShapeRule windowsAlongDim();           // unfold(self, dimension, size, step)
ShapeRule narrowed();                  // narrow(self, dim, start, length)
ShapeRule unflattened();               // unflatten(self, dim, sizes)
ShapeRule pixelShuffle(bool shuffle);  // pixel_shuffle / pixel_unshuffle(self, factor)
ShapeRule indexSelect();               // index_select(self, dim, index [K])
ShapeRule indexByOneTensor();   // index(self, [None, ..., idx]): idx's shape replaces the axis
ShapeRule repeatInterleave();   // repeat_interleave(self, repeats, dim)
ShapeRule cosineSimilarity();   // cosine_similarity(a, b, dim, eps)
ShapeRule gathered();           // gather(self, dim, index): index's shape
ShapeRule adaptiveAvgPool1d();  // adaptive_avg_pool1d(self, output_size)
ShapeRule padded();             // pad / constant_pad_nd(self, pads, ...)
// max_pool1d(self, kernel, stride, padding, dilation, ceil) / avg_pool1d(self, kernel, stride,
// padding, ceil, count_include_pad).
ShapeRule pooling1d(bool isMax);

}  // namespace ts2coreml::passes::rules
