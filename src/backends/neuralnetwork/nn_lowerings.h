// The lowering function of every MIL op the neural network backend supports; nn_registry.cc maps
// op names to them. Each family lives in its own nn_lower_<family>.cc.
#pragma once

#include "backends/neuralnetwork/nn_context.h"

namespace ts2coreml::backends::nn {

#define TS2COREML_NN_LOWERING(fn) void fn(NNContext& ctx, const ir::Node& node)

// nn_lower_elementwise.cc
TS2COREML_NN_LOWERING(lowerAdd);
TS2COREML_NN_LOWERING(lowerSub);
TS2COREML_NN_LOWERING(lowerMul);
TS2COREML_NN_LOWERING(lowerRealDiv);
TS2COREML_NN_LOWERING(lowerFloorDiv);
TS2COREML_NN_LOWERING(lowerMod);
TS2COREML_NN_LOWERING(lowerPow);
TS2COREML_NN_LOWERING(lowerMaximum);
TS2COREML_NN_LOWERING(lowerMinimum);
TS2COREML_NN_LOWERING(lowerEqual);
TS2COREML_NN_LOWERING(lowerNotEqual);
TS2COREML_NN_LOWERING(lowerLess);
TS2COREML_NN_LOWERING(lowerLessEqual);
TS2COREML_NN_LOWERING(lowerGreater);
TS2COREML_NN_LOWERING(lowerGreaterEqual);
TS2COREML_NN_LOWERING(lowerLogicalAnd);
TS2COREML_NN_LOWERING(lowerLogicalOr);
TS2COREML_NN_LOWERING(lowerLogicalXor);
TS2COREML_NN_LOWERING(lowerLogicalNot);
TS2COREML_NN_LOWERING(lowerSelect);

// nn_lower_activation.cc
TS2COREML_NN_LOWERING(lowerRelu);
TS2COREML_NN_LOWERING(lowerRelu6);
TS2COREML_NN_LOWERING(lowerSigmoid);
TS2COREML_NN_LOWERING(lowerTanh);
TS2COREML_NN_LOWERING(lowerSoftsign);
TS2COREML_NN_LOWERING(lowerSoftplus);
TS2COREML_NN_LOWERING(lowerLeakyRelu);
TS2COREML_NN_LOWERING(lowerElu);
TS2COREML_NN_LOWERING(lowerGelu);
TS2COREML_NN_LOWERING(lowerSilu);
TS2COREML_NN_LOWERING(lowerIdentity);
TS2COREML_NN_LOWERING(lowerCast);
TS2COREML_NN_LOWERING(lowerClip);
TS2COREML_NN_LOWERING(lowerSoftmax);
TS2COREML_NN_LOWERING(lowerExp);
TS2COREML_NN_LOWERING(lowerLog);
TS2COREML_NN_LOWERING(lowerSqrt);
TS2COREML_NN_LOWERING(lowerRsqrt);
TS2COREML_NN_LOWERING(lowerInverse);
TS2COREML_NN_LOWERING(lowerAbs);
TS2COREML_NN_LOWERING(lowerFloor);
TS2COREML_NN_LOWERING(lowerCeil);
TS2COREML_NN_LOWERING(lowerRound);
TS2COREML_NN_LOWERING(lowerSign);
TS2COREML_NN_LOWERING(lowerSin);
TS2COREML_NN_LOWERING(lowerCos);
TS2COREML_NN_LOWERING(lowerErf);
TS2COREML_NN_LOWERING(lowerTan);
TS2COREML_NN_LOWERING(lowerAsin);
TS2COREML_NN_LOWERING(lowerAcos);
TS2COREML_NN_LOWERING(lowerAtan);
TS2COREML_NN_LOWERING(lowerSinh);
TS2COREML_NN_LOWERING(lowerCosh);

// nn_lower_conv.cc
TS2COREML_NN_LOWERING(lowerConv);
TS2COREML_NN_LOWERING(lowerConvTranspose);
TS2COREML_NN_LOWERING(lowerMaxPool);
TS2COREML_NN_LOWERING(lowerAvgPool);
TS2COREML_NN_LOWERING(lowerBatchNorm);

// nn_lower_linalg.cc
TS2COREML_NN_LOWERING(lowerLinear);
TS2COREML_NN_LOWERING(lowerMatmul);
TS2COREML_NN_LOWERING(lowerLayerNorm);

// nn_lower_reduce.cc
TS2COREML_NN_LOWERING(lowerReduceMean);
TS2COREML_NN_LOWERING(lowerReduceSum);
TS2COREML_NN_LOWERING(lowerReduceMax);
TS2COREML_NN_LOWERING(lowerReduceMin);
TS2COREML_NN_LOWERING(lowerReduceProd);
TS2COREML_NN_LOWERING(lowerReduceL1);
TS2COREML_NN_LOWERING(lowerReduceL2);
TS2COREML_NN_LOWERING(lowerReduceLogSum);
TS2COREML_NN_LOWERING(lowerReduceLogSumExp);
TS2COREML_NN_LOWERING(lowerReduceSumSquare);
TS2COREML_NN_LOWERING(lowerReduceArgmax);
TS2COREML_NN_LOWERING(lowerReduceArgmin);
TS2COREML_NN_LOWERING(lowerTopk);

// nn_lower_shape.cc
TS2COREML_NN_LOWERING(lowerReshape);
TS2COREML_NN_LOWERING(lowerTranspose);
TS2COREML_NN_LOWERING(lowerConcat);
TS2COREML_NN_LOWERING(lowerStack);
TS2COREML_NN_LOWERING(lowerSplit);
TS2COREML_NN_LOWERING(lowerExpandDims);
TS2COREML_NN_LOWERING(lowerSqueeze);
TS2COREML_NN_LOWERING(lowerSliceByIndex);
TS2COREML_NN_LOWERING(lowerGather);
TS2COREML_NN_LOWERING(lowerGatherAlongAxis);
TS2COREML_NN_LOWERING(lowerScatterAlongAxis);
TS2COREML_NN_LOWERING(lowerTile);
TS2COREML_NN_LOWERING(lowerShape);
TS2COREML_NN_LOWERING(lowerFill);
TS2COREML_NN_LOWERING(lowerRange1d);
TS2COREML_NN_LOWERING(lowerFlatten2d);

// nn_lower_control_flow.cc
TS2COREML_NN_LOWERING(lowerCond);
TS2COREML_NN_LOWERING(lowerWhileLoop);

#undef TS2COREML_NN_LOWERING

}  // namespace ts2coreml::backends::nn
