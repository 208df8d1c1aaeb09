// Shared helpers for the libFuzzer targets (docs/fuzzing.md).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace engraft::fuzz {

/// One file per process, overwritten with each input: the parsers under test read paths.
/// With a folder name, the file is `input.EXT` in that folder of a per-process directory
/// (`root()`), beside which a target can place what the input's relative paths name.
/// Removed when the process exits normally (a crash leaves it behind in $TMPDIR).
class InputFile {
 public:
  InputFile(const std::string& target, const std::string& extension, const std::string& folder = {}) {
    std::error_code ec;
    auto dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    const std::string name = "engraft-fuzz-" + target + "-" + std::to_string(::getpid());
    if (folder.empty()) {
      path_ = dir / (name + extension);
    } else {
      root_ = dir / name;
      std::filesystem::create_directories(root_ / folder);
      path_ = root_ / folder / ("input" + extension);
    }
  }
  ~InputFile() {
    std::error_code ec;
    if (root_.empty()) std::filesystem::remove(path_, ec);
    else std::filesystem::remove_all(root_, ec);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) {
      std::fprintf(stderr, "fuzz: cannot write %s\n", path_.c_str());
      std::abort();
    }
    return path_;
  }
  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_, path_;
};

/// The source tree (for fixed models and fixtures), from the build.
inline std::filesystem::path source_dir() { return ENGRAFT_FUZZ_SOURCE_DIR; }

/// Built-in models live in models/ of the source tree unless the caller says otherwise.
inline void default_models_dir() {
  ::setenv("ENGRAFT_MODELS_DIR", (source_dir() / "models").c_str(), /*overwrite=*/0);
}

/// A broken contract (not a crash the sanitizers see): print and abort so libFuzzer keeps the input.
[[noreturn]] inline void finding(const char* what, std::string_view detail) {
  std::fprintf(stderr, "\nFUZZ FINDING: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

/// The input of a target whose files name "../scenarios/…" (trial and sensitivity files): FOLDER/input.toml
/// in a scratch directory whose scenarios/ links to the source tree's, so that paths resolve as in the
/// repository. One per process; call it from LLVMFuzzerInitialize first.
inline InputFile& input_beside_scenarios(const std::string& target, const std::string& folder) {
  static InputFile file = (default_models_dir(), InputFile(target, ".toml", folder));
  static const bool linked = [] {
    std::error_code ec;
    std::filesystem::create_directory_symlink(source_dir() / "scenarios", file.root() / "scenarios", ec);
    if (ec) finding("setup", "cannot link scenarios/ beside the input: " + ec.message());
    return true;
  }();
  (void)linked;
  return file;
}

}  // namespace engraft::fuzz
