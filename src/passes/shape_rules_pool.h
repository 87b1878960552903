// Result-type rules of the CNN ops around convolutions: pooling, adaptive pooling, resizing,
// flatten, sliding windows. Op-table rows (lower/ops_<family>.cc) bind them to op names.
#pragma once

#include "passes/shape_inference.h"

namespace ts2coreml::passes::rules {

// max_pool2d / avg_pool2d(input, kernel, stride, padding, [dilation,] ceil_mode, ...).
ShapeRule pooling(bool isMax);
// adaptive_{avg,max}_pool2d(input, output_size).
ShapeRule adaptivePooling();
// upsample_*2d(input, output_size, ...) or the .vec form with scale factors last.
ShapeRule upsampling();
// flatten(input, start_dim, end_dim).
ShapeRule flatten();
// im2col(self, kernel, dilation, padding, stride) when `im2col`, else col2im(self, output_size,
// kernel, dilation, padding, stride).
ShapeRule slidingWindows(bool im2col);
// The input's type when it is a tensor (elementwise ops with extra non-tensor arguments).
ShapeRule sameAsTensorInput();

}  // namespace ts2coreml::passes::rules
