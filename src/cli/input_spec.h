// Parsing of the CLI's input descriptions:
//   convert/inspect --input [NAME:]DIMS[:DTYPE]   e.g. 1x3x64x64, x:1x3x64x64, mask:1x10:bool
//     or NAME=VALUE: a parameter that is no tensor fixed at conversion (sr=16000, mode='fast',
//     scale=0.5, flag=True, mask=None)
//     flexible: a dimension may be a range (LOWER..UPPER) or (LOWER..), e.g.
//     1x3x(64..512)x(64..512), or DIMS may be several shapes joined by ',' (enumerated shapes; the
//     first is the default); image inputs: DTYPE image (RGB), image-rgb, image-bgr or image-gray
//   run --input [NAME=]FILE.npy
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "ts2coreml/convert.h"

namespace ts2coreml::cli {

// The dtypes an --input spec may name, in the order the help text lists them.
inline constexpr const char* kSpecDtypes =
    "float32 (default), float16, int32, int64, bool, or image, image-rgb, image-bgr, image-gray";

// Parses one `[NAME:]DIMS[:DTYPE]` or `NAME=VALUE`. DIMS are positive integers joined by 'x'.
// Throws ts2coreml::Error with a one-line message quoting the spec and the offending part.
InputSpec parseInputSpec(const std::string& text);

// Parses `[NAME=]FILE` of `run --input`. NAME must be an identifier; anything else before '='
// is taken as part of the file name (write ./a=b.npy for a file really named that way).
struct InputFileBinding {
  std::optional<std::string> name;
  std::string path;
};
InputFileBinding parseInputFileBinding(const std::string& text);

// Parses `--output-spec [NAME][:DTYPE]` (DTYPE float32, float16 or int32).
OutputSpec parseOutputSpec(const std::string& text);

// Splits KEY=VALUE; throws Error naming `option` when there is no '=' or the key is empty.
std::pair<std::string, std::string> splitAssignment(const std::string& text,
                                                    const std::string& option);

// A finite float; throws Error quoting `where`.
float parseFloat(const std::string& text, const std::string& where);

// True for [A-Za-z_][A-Za-z0-9_]*, the names TorchScript parameters and Core ML features have.
bool isIdentifier(const std::string& text);

}  // namespace ts2coreml::cli
