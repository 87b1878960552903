#include "coreml/model_file.h"

#include <fcntl.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/stubs/logging.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "core/regular_file.h"
#include "coreml/atomic_output.h"
#include "coreml/mlpackage.h"

namespace ts2coreml::coreml {

namespace {

// libprotobuf writes its own "[libprotobuf ERROR ...]" line to stderr (e.g. for a string field
// that is not UTF-8); the contract is one `error:` line, so its messages are caught here and
// put into ours instead.
thread_local std::string lastProtobufMessage;

void keepProtobufMessage(google::protobuf::LogLevel level, const char*, int,
                         const std::string& message) {
  if (level >= google::protobuf::LOGLEVEL_ERROR || lastProtobufMessage.empty()) {
    lastProtobufMessage = message;
  }
}

const bool kProtobufLogRouted = [] {
  google::protobuf::SetLogHandler(keepProtobufMessage);
  return true;
}();

}  // namespace

CoreML::Specification::Model readModelFile(const std::string& path) {
  int fd = openRegularFile(path);
  lastProtobufMessage.clear();
  CoreML::Specification::Model model;
  bool parsed;
  {
    google::protobuf::io::FileInputStream stream(fd);
    parsed = model.ParseFromZeroCopyStream(&stream);
  }
  ::close(fd);
  if (!parsed) {
    std::string detail = lastProtobufMessage.empty() ? "" : ": " + quoteInput(lastProtobufMessage);
    throw Error("'" + path + "' is not a Core ML model (protobuf parse failed" + detail + ")");
  }
  return model;
}

CoreML::Specification::Model readModel(const std::string& path) {
  if (std::filesystem::is_directory(path)) return readModelFile(readPackage(path).modelFile);
  return readModelFile(path);
}

void writeModelFile(const CoreML::Specification::Model& model, const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot create '" + path + "': " + std::strerror(errno));
  bool written;
  {
    google::protobuf::io::FileOutputStream stream(fd);
    written = model.SerializeToZeroCopyStream(&stream) && stream.Flush();
  }
  if (::close(fd) != 0) written = false;
  if (!written) throw Error("cannot write '" + path + "'");
}

void saveMLModel(const CoreML::Specification::Model& model, const std::string& path) {
  AtomicOutput output(path, AtomicOutput::Kind::File);
  writeModelFile(model, output.tempPath());
  output.commit();
}

}  // namespace ts2coreml::coreml
