// Result-type rules of joining and indexing ops: cat, stack, unsqueeze, transpose, permute,
// movedim, reshape/view, select, slice and advanced indexing. Op-table rows
// (lower/ops_index.cc, ops_shape.cc, ops_index_tensor.cc) bind them to op names.
#pragma once

#include "passes/shape_inference.h"

namespace ts2coreml::passes::rules {

ShapeRule concatenated();  // cat/concat(tensors, dim)
ShapeRule stacked();       // stack(tensors, dim)
// index(self, Tensor?[] indices), torch's advanced indexing (index tensors broadcast; adjacent
// ones take the place of their dims, else the result's dims come first).
ShapeRule advancedIndexing();
ShapeRule unsqueezed();  // unsqueeze(self, dim)
ShapeRule transposed();  // transpose(self, dim0, dim1)
ShapeRule permuted();    // permute(self, dims)
ShapeRule movedDim();    // movedim(self, source, destination) with ints
ShapeRule reshaped();    // reshape/view(self, shape) with one -1 at most
ShapeRule selected();    // select(self, dim, index)
ShapeRule sliced();      // slice(self, dim, start, end, step)

}  // namespace ts2coreml::passes::rules
