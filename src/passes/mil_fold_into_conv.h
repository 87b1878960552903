// Folding a per-output-channel affine map y = scale[c] * (conv or linear)(x)[c] + shift[c] into
// the weights and bias of the conv/linear op.
#pragma once

#include <vector>

#include "passes/mil_rewrite.h"

namespace ts2coreml::passes::mil {

struct ChannelAffine {
  std::vector<double> scale;  // empty: 1 everywhere
  std::vector<double> shift;  // empty: 0 everywhere
};

// A conv or linear op whose weight (and bias, when present) are constants with known shapes.
bool isFoldableProducer(const ir::Node* node);
// The output channel axis of `node`'s output (conv: 1, linear: last), or -1 if unknown.
int64_t channelAxis(const ir::Node* node);
// Number of output channels (dim 0 of the weight).
int64_t outputChannels(const ir::Node* node);

// Rewrites the weight and bias of `node` (conv or linear, isFoldableProducer) as new constants.
// Returns false and changes nothing when a folded value would not be finite in the weight's dtype
// (fp16 weights overflow above 65504): then the ops stay apart.
bool foldChannelAffine(ir::Graph& graph, ir::Node* node, const ChannelAffine& affine,
                       UseTracker& uses);

}  // namespace ts2coreml::passes::mil
