// Result-type rules of tensor creation: zeros/ones/full/empty with a size list, their _like
// forms, and torch.tensor of a run-time number. Op-table rows (lower/ops_creation.cc,
// lower/ops_scalar.cc) bind them to op names.
#pragma once

#include "passes/shape_inference.h"

namespace ts2coreml::passes::rules {

// tensor(t, dtype, device, requires_grad) of a number known only at run time.
ShapeRule scalarTensor();
// zeros/ones/empty(size, dtype, layout, device, pin_memory); with `fillValue`,
// full(size, fill_value, dtype, ...).
ShapeRule sized(bool fillValue);
// zeros_like/ones_like/empty_like(self, dtype, ...); with `fillValue`, full_like(self,
// fill_value, dtype, ...).
ShapeRule sizedLike(bool fillValue);

}  // namespace ts2coreml::passes::rules
