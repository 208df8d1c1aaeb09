#include "engraft/formats/atomic_file.hpp"

#include <stdexcept>

#include <unistd.h>

namespace engraft {

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  temporary_ = target_;
  temporary_ += ".tmp." + std::to_string(::getpid());
  out_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!out_) throw std::runtime_error("cannot write " + temporary_.string());
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  out_.close();
  std::error_code ec;
  std::filesystem::remove(temporary_, ec);
}

void AtomicFile::commit() {
  out_.flush();
  if (!out_) throw std::runtime_error("cannot write " + temporary_.string());
  out_.close();
  std::filesystem::rename(temporary_, target_);
  committed_ = true;
}

}  // namespace engraft
