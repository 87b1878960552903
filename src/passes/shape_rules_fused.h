// Result-type rules of torch's fused library ops: recurrent layers and cells, and the eval-mode
// fast paths of nn.Transformer*. Op-table rows (lower/ops_recurrent*.cc, lower/ops_attention.cc)
// bind them to op names.
#pragma once

#include "passes/shape_inference.h"

namespace ts2coreml::passes::rules {

// lstm/gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
// batch_first): output [T, B, D*H] ([B, T, D*H] batch-first); states [layers*D, B, H].
ShapeRule recurrentLayer();
// lstm_cell/gru_cell/rnn_*_cell(input [B, In], hx, w_ih, w_hh [G*H, H], ...): states [B, H].
ShapeRule recurrentCell();
// _native_multi_head_attention: output [B, L, E]; weights [B, L, S] or [B, H, L, S].
ShapeRule multiHeadAttention();

}  // namespace ts2coreml::passes::rules
