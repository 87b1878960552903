// Layer kind -> implementation. Control-flow layers (copy, branch, loop, loopBreak,
// loopContinue) are handled by the executor itself.
#include "runtime/neuralnetwork/nn_layers.h"

namespace ts2coreml::runtime::nn {

const std::unordered_map<int, LayerFn>& layerRegistry() {
  using L = spec::NeuralNetworkLayer;
  static const std::unordered_map<int, LayerFn> table = {
      // elementwise with several inputs
      {L::kAdd, runAdd},
      {L::kMultiply, runMultiply},
      {L::kAddBroadcastable, runAddBroadcastable},
      {L::kSubtractBroadcastable, runSubtractBroadcastable},
      {L::kMultiplyBroadcastable, runMultiplyBroadcastable},
      {L::kDivideBroadcastable, runDivideBroadcastable},
      {L::kFloorDivBroadcastable, runFloorDivBroadcastable},
      {L::kModBroadcastable, runModBroadcastable},
      {L::kPowBroadcastable, runPowBroadcastable},
      {L::kMaxBroadcastable, runMaxBroadcastable},
      {L::kMinBroadcastable, runMinBroadcastable},
      {L::kEqual, runEqual},
      {L::kNotEqual, runNotEqual},
      {L::kLessThan, runLessThan},
      {L::kLessEqual, runLessEqual},
      {L::kGreaterThan, runGreaterThan},
      {L::kGreaterEqual, runGreaterEqual},
      {L::kLogicalAnd, runLogicalAnd},
      {L::kLogicalOr, runLogicalOr},
      {L::kLogicalXor, runLogicalXor},
      {L::kLogicalNot, runLogicalNot},
      {L::kWhereBroadcastable, runWhereBroadcastable},
      // one-input elementwise
      {L::kActivation, runActivation},
      {L::kUnary, runUnary},
      {L::kClip, runClip},
      {L::kCeil, runCeil},
      {L::kFloor, runFloor},
      {L::kRound, runRound},
      {L::kSign, runSign},
      {L::kSin, runSin},
      {L::kCos, runCos},
      {L::kTan, runTan},
      {L::kErf, runErf},
      {L::kAsin, runAsin},
      {L::kAcos, runAcos},
      {L::kAtan, runAtan},
      {L::kSinh, runSinh},
      {L::kCosh, runCosh},
      {L::kExp2, runExp2},
      {L::kGelu, runGelu},
      {L::kSoftmaxND, runSoftmaxND},
      {L::kSoftmax, runSoftmax},
      // image layers
      {L::kConvolution, runConvolution},
      {L::kPooling, runPooling},
      {L::kBatchnorm, runBatchnorm},
      // matrix products, normalization
      {L::kBatchedMatmul, runBatchedMatmul},
      {L::kInnerProduct, runInnerProduct},
      {L::kLayerNormalization, runLayerNormalization},
      // reductions
      {L::kReduceSum, runReduceSum},
      {L::kReduceMean, runReduceMean},
      {L::kReduceMax, runReduceMax},
      {L::kReduceMin, runReduceMin},
      {L::kReduceProd, runReduceProd},
      {L::kReduceL1, runReduceL1},
      {L::kReduceL2, runReduceL2},
      {L::kReduceLogSum, runReduceLogSum},
      {L::kReduceLogSumExp, runReduceLogSumExp},
      {L::kReduceSumSquare, runReduceSumSquare},
      {L::kArgMax, runArgMax},
      {L::kArgMin, runArgMin},
      // constants, shapes, data movement
      {L::kLoadConstantND, runLoadConstantND},
      {L::kReshapeStatic, runReshapeStatic},
      {L::kReshapeDynamic, runReshapeDynamic},
      {L::kTranspose, runTranspose},
      {L::kConcatND, runConcatND},
      {L::kStack, runStack},
      {L::kSplitND, runSplitND},
      {L::kExpandDims, runExpandDims},
      {L::kSqueeze, runSqueeze},
      {L::kSliceStatic, runSliceStatic},
      {L::kGather, runGather},
      {L::kTile, runTile},
      {L::kGetShape, runGetShape},
      {L::kFillStatic, runFillStatic},
      {L::kFillDynamic, runFillDynamic},
      {L::kFillLike, runFillLike},
      {L::kRangeStatic, runRangeStatic},
      {L::kRangeDynamic, runRangeDynamic},
      {L::kFlattenTo2D, runFlattenTo2D},
  };
  return table;
}

}  // namespace ts2coreml::runtime::nn
