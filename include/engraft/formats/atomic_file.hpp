// Outputs appear whole or not at all: written to a temporary sibling, renamed on commit().
#pragma once

#include <filesystem>
#include <fstream>

namespace engraft {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  /// Flushes and renames onto the target; throws std::runtime_error on I/O failure.
  void commit();

 private:
  std::filesystem::path target_, temporary_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace engraft
