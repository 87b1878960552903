// The options dict python/ts2coreml/_options.py prepares -> ConvertOptions.
#pragma once

#include <pybind11/pybind11.h>

#include "ts2coreml/convert.h"

namespace ts2coreml::python {

// Keys: format ("mlprogram"/"neuralnetwork"), precision ("float16"/"float32"/None),
// target ("iOS15"... or None), fp32_ops [str], source_torch_version (str),
// inputs [{name, shape, dtype, ranges [(lower, upper)] | None, enumerated [[dims]] | None,
//          image {layout, scale, bias [float]} | None}],
// outputs [{name, dtype}]. Raises ValueError (pybind11::value_error) for unknown values.
ConvertOptions optionsFromDict(const pybind11::dict& options);

}  // namespace ts2coreml::python
