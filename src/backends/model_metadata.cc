#include "backends/model_metadata.h"

namespace ts2coreml::backends {

void writeMetadata(const MLProgramMetadata& source, CoreML::Specification::Metadata* target) {
  target->set_author(source.author);
  target->set_license(source.license);
  target->set_shortdescription(source.shortDescription);
  target->set_versionstring(source.versionString);
  auto& userDefined = *target->mutable_userdefined();
  userDefined["ts2coreml.version"] = TS2COREML_VERSION;
  userDefined["ts2coreml.source"] = "torchscript";
  for (const auto& [key, value] : source.userDefined) userDefined[key] = value;
}

}  // namespace ts2coreml::backends
