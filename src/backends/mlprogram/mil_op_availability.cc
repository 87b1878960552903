#include "backends/mlprogram/mil_op_availability.h"

#include <map>

#include "core/error.h"

namespace ts2coreml::backends {

int firstSpecificationVersionOf(const std::string& milOp) {
  // Ops of later opsets (coremltools' mil/ops/defs/iOS16 ... iOS18); everything else is CoreML5.
  static const std::map<std::string, int> later = {
      {"fill_like", 7},
      {"reshape_like", 7},
      {"pixel_unshuffle", 7},
      {"constexpr_affine_dequantize", 7},
      {"constexpr_cast", 7},
      {"constexpr_lut_to_dense", 7},
      {"constexpr_sparse_to_dense", 7},
      {"quantize", 8},
      {"dequantize", 8},
      {"scaled_dot_product_attention", 9},
      {"slice_update", 9},
      {"read_state", 9},
      {"coreml_update_state", 9},
      {"constexpr_blockwise_shift_scale", 9},
      {"constexpr_lut_to_sparse", 9},
      {"constexpr_sparse_blockwise_shift_scale", 9},
      {"constexpr_cpalettize", 9},
  };
  auto it = later.find(milOp);
  return it == later.end() ? 6 : it->second;
}

void checkOpsAvailable(const ir::Graph& milGraph, int specificationVersion) {
  ir::forEachNode(milGraph.top(), [&](ir::Node* node) {
    const std::string& kind = node->kind();
    if (kind.rfind("mil.", 0) != 0) return;
    const std::string op = kind.substr(4);
    const int needed = firstSpecificationVersionOf(op);
    if (needed > specificationVersion) {
      throw Error(node->describe() + ": MIL op '" + op + "' needs minimum deployment target iOS" +
                  std::to_string(needed + 9) + " (the target is iOS" +
                  std::to_string(specificationVersion + 9) +
                  "); raise --minimum-deployment-target");
    }
  });
}

}  // namespace ts2coreml::backends
