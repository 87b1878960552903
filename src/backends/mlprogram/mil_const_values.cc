#include "backends/mlprogram/mil_const_values.h"

#include "backends/mlprogram/mil_types.h"
#include "core/error.h"
#include "coreml/element_convert.h"
#include "coreml/mlpackage.h"

namespace ts2coreml::backends {

namespace {

MILSpec::Value stringScalar(const std::string& text) {
  MILSpec::Value value;
  *value.mutable_type() = milTensorType(MILSpec::STRING, {});
  value.mutable_immediatevalue()->mutable_tensor()->mutable_strings()->add_values(text);
  return value;
}

// A plain IValue number/bool/int list as a tensor (int -> int32, float -> fp32).
Tensor tensorOf(const IValue& value, const std::string& where) {
  if (value.isTensor()) return value.toTensor();
  if (value.isBool()) return Tensor::scalar(DType::Bool, value.toBool() ? 1 : 0);
  if (value.isInt()) return Tensor::scalar(DType::Int32, static_cast<double>(value.toInt()));
  if (value.isDouble()) return Tensor::scalar(DType::Float32, value.toDouble());
  if (value.isList() || value.isTuple()) {
    const auto& items = value.items();
    bool allInts = true, allNumbers = true;
    for (const auto& item : items) {
      allInts &= item.isInt();
      allNumbers &= item.isInt() || item.isDouble();
    }
    if (allNumbers) {
      Tensor tensor(allInts ? DType::Int32 : DType::Float32, {static_cast<int64_t>(items.size())});
      for (size_t i = 0; i < items.size(); ++i) {
        if (allInts) {
          tensor.mutableData<int32_t>()[i] = static_cast<int32_t>(items[i].toInt());
        } else {
          tensor.mutableData<float>()[i] = static_cast<float>(items[i].toNumber());
        }
      }
      return tensor;
    }
  }
  throw Error(where + ": constant " + value.repr() + " cannot be written to an ML program");
}

void encodeImmediate(const Tensor& source, DType dtype, MILSpec::TensorValue* out) {
  Tensor tensor = source.to(dtype).contiguous();
  const int64_t n = tensor.numel();
  switch (dtype) {
    case DType::Float32: {
      auto* values = out->mutable_floats()->mutable_values();
      values->Add(tensor.data<float>(), tensor.data<float>() + n);
      break;
    }
    case DType::Float64: {
      auto* values = out->mutable_doubles()->mutable_values();
      values->Add(tensor.data<double>(), tensor.data<double>() + n);
      break;
    }
    case DType::Int32: {
      auto* values = out->mutable_ints()->mutable_values();
      values->Add(tensor.data<int32_t>(), tensor.data<int32_t>() + n);
      break;
    }
    case DType::Int16: {
      auto* values = out->mutable_ints()->mutable_values();
      for (int64_t i = 0; i < n; ++i) values->Add(tensor.data<int16_t>()[i]);
      break;
    }
    case DType::Bool: {
      auto* values = out->mutable_bools()->mutable_values();
      for (int64_t i = 0; i < n; ++i) values->Add(tensor.data<uint8_t>()[i] != 0);
      break;
    }
    default: {  // fp16, bf16, int8, uint8: raw little-endian bytes, row-major
      std::string bytes;
      coreml::streamConverted(tensor, dtype, [&](const uint8_t* data, size_t size) {
        bytes.append(reinterpret_cast<const char*>(data), size);
      });
      out->mutable_bytes()->set_values(std::move(bytes));
      break;
    }
  }
}

}  // namespace

MILSpec::Value encodeConstValue(const IValue& value, const ir::TypePtr& declaredType,
                                coreml::WeightBlobWriter& weights, const std::string& where) {
  if (value.isString()) return stringScalar(value.toString());
  Tensor tensor = tensorOf(value, where);
  DType dtype = tensor.dtype();
  if (declaredType && declaredType->isTensor() && declaredType->dtype())
    dtype = *declaredType->dtype();
  if (tensor.dtype() == DType::Int64 || dtype == DType::Int64) {
    throw Error(where + ": int64 constant of shape " + shapeToString(tensor.shape()) +
                "; ML programs have no int64 tensors (the lowering must narrow it to int32)");
  }
  if (declaredType && declaredType->isTensor() && declaredType->shape()) {
    const Shape& declared = *declaredType->shape();
    bool matches = declared.size() == tensor.shape().size();
    for (size_t i = 0; matches && i < declared.size(); ++i) {
      matches = declared[i] < 0 || declared[i] == tensor.shape()[i];
    }
    if (!matches) {
      throw Error(where + ": constant of shape " + shapeToString(tensor.shape()) +
                  " does not match its declared type " + declaredType->str());
    }
  }

  MILSpec::Value encoded;
  *encoded.mutable_type() = milTensorType(coreml::milDataTypeOf(dtype), tensor.shape());
  const bool toBlob =
      (dtype == DType::Float16 || dtype == DType::Float32) && tensor.numel() >= kMinBlobElements;
  if (toBlob) {
    auto* blob = encoded.mutable_blobfilevalue();
    blob->set_filename(coreml::kWeightFileReference);
    blob->set_offset(weights.appendTensor(tensor, dtype));
  } else {
    encodeImmediate(tensor, dtype, encoded.mutable_immediatevalue()->mutable_tensor());
  }
  return encoded;
}

}  // namespace ts2coreml::backends
