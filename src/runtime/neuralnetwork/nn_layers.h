// Implementations of the non-control-flow layers, one family per nn_layers_<family>.cc; the
// registry (nn_layer_registry.cc) maps layer kinds to them.
#pragma once

#include "runtime/neuralnetwork/nn_executor.h"

namespace ts2coreml::runtime::nn {

#define TS2COREML_NN_LAYER(fn) void fn(LayerIO& io, const spec::NeuralNetworkLayer& layer)

// nn_layers_elementwise.cc
TS2COREML_NN_LAYER(runAdd);
TS2COREML_NN_LAYER(runMultiply);
TS2COREML_NN_LAYER(runAddBroadcastable);
TS2COREML_NN_LAYER(runSubtractBroadcastable);
TS2COREML_NN_LAYER(runMultiplyBroadcastable);
TS2COREML_NN_LAYER(runDivideBroadcastable);
TS2COREML_NN_LAYER(runFloorDivBroadcastable);
TS2COREML_NN_LAYER(runModBroadcastable);
TS2COREML_NN_LAYER(runPowBroadcastable);
TS2COREML_NN_LAYER(runMaxBroadcastable);
TS2COREML_NN_LAYER(runMinBroadcastable);
TS2COREML_NN_LAYER(runEqual);
TS2COREML_NN_LAYER(runNotEqual);
TS2COREML_NN_LAYER(runLessThan);
TS2COREML_NN_LAYER(runLessEqual);
TS2COREML_NN_LAYER(runGreaterThan);
TS2COREML_NN_LAYER(runGreaterEqual);
TS2COREML_NN_LAYER(runLogicalAnd);
TS2COREML_NN_LAYER(runLogicalOr);
TS2COREML_NN_LAYER(runLogicalXor);
TS2COREML_NN_LAYER(runLogicalNot);
TS2COREML_NN_LAYER(runWhereBroadcastable);

// nn_layers_activation.cc
TS2COREML_NN_LAYER(runActivation);
TS2COREML_NN_LAYER(runUnary);
TS2COREML_NN_LAYER(runClip);
TS2COREML_NN_LAYER(runCeil);
TS2COREML_NN_LAYER(runFloor);
TS2COREML_NN_LAYER(runRound);
TS2COREML_NN_LAYER(runSign);
TS2COREML_NN_LAYER(runSin);
TS2COREML_NN_LAYER(runCos);
TS2COREML_NN_LAYER(runTan);
TS2COREML_NN_LAYER(runErf);
TS2COREML_NN_LAYER(runAsin);
TS2COREML_NN_LAYER(runAcos);
TS2COREML_NN_LAYER(runAtan);
TS2COREML_NN_LAYER(runSinh);
TS2COREML_NN_LAYER(runCosh);
TS2COREML_NN_LAYER(runExp2);
TS2COREML_NN_LAYER(runGelu);
TS2COREML_NN_LAYER(runSoftmaxND);
TS2COREML_NN_LAYER(runSoftmax);

// nn_layers_conv.cc
TS2COREML_NN_LAYER(runConvolution);
TS2COREML_NN_LAYER(runConvolution3D);
TS2COREML_NN_LAYER(runPooling);
TS2COREML_NN_LAYER(runBatchnorm);

// nn_layers_linalg.cc
TS2COREML_NN_LAYER(runBatchedMatmul);
TS2COREML_NN_LAYER(runInnerProduct);
TS2COREML_NN_LAYER(runLayerNormalization);

// nn_layers_reduce.cc
TS2COREML_NN_LAYER(runReduceSum);
TS2COREML_NN_LAYER(runReduceMean);
TS2COREML_NN_LAYER(runReduceMax);
TS2COREML_NN_LAYER(runReduceMin);
TS2COREML_NN_LAYER(runReduceProd);
TS2COREML_NN_LAYER(runReduceL1);
TS2COREML_NN_LAYER(runReduceL2);
TS2COREML_NN_LAYER(runReduceLogSum);
TS2COREML_NN_LAYER(runReduceLogSumExp);
TS2COREML_NN_LAYER(runReduceSumSquare);
TS2COREML_NN_LAYER(runArgMax);
TS2COREML_NN_LAYER(runArgMin);
TS2COREML_NN_LAYER(runTopK);

// nn_layers_shape.cc
TS2COREML_NN_LAYER(runLoadConstantND);
TS2COREML_NN_LAYER(runReshapeStatic);
TS2COREML_NN_LAYER(runReshapeDynamic);
TS2COREML_NN_LAYER(runTranspose);
TS2COREML_NN_LAYER(runConcatND);
TS2COREML_NN_LAYER(runStack);
TS2COREML_NN_LAYER(runSplitND);
TS2COREML_NN_LAYER(runExpandDims);
TS2COREML_NN_LAYER(runSqueeze);
TS2COREML_NN_LAYER(runSliceStatic);
TS2COREML_NN_LAYER(runGather);
TS2COREML_NN_LAYER(runGatherAlongAxis);
TS2COREML_NN_LAYER(runScatterAlongAxis);
TS2COREML_NN_LAYER(runTile);
TS2COREML_NN_LAYER(runGetShape);
TS2COREML_NN_LAYER(runFillStatic);
TS2COREML_NN_LAYER(runFillDynamic);
TS2COREML_NN_LAYER(runFillLike);
TS2COREML_NN_LAYER(runRangeStatic);
TS2COREML_NN_LAYER(runRangeDynamic);
TS2COREML_NN_LAYER(runFlattenTo2D);

#undef TS2COREML_NN_LAYER

}  // namespace ts2coreml::runtime::nn
