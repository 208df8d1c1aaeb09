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
/// Removed when the process exits normally (a crash leaves it behind in $TMPDIR).
class InputFile {
 public:
  InputFile(const std::string& target, const std::string& extension) {
    std::error_code ec;
    auto dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    path_ = dir / ("engraft-fuzz-" + target + "-" + std::to_string(::getpid()) + extension);
  }
  ~InputFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
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

 private:
  std::filesystem::path path_;
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

// ---- Known findings ------------------------------------------------------------------------
// ENGRAFT_FUZZ_AVOID_KNOWN=1 makes the targets skip inputs that trigger findings already reported
// and kept in regressions/ (docs/fuzzing.md, "Findings"), so that a long run explores past them
// instead of stopping at the first shallow one. CI leaves it unset: there the regression inputs
// fail until the findings are fixed. Delete a guard once its finding is fixed.

inline bool avoid_known() {
  static const bool on = [] {
    const char* v = std::getenv("ENGRAFT_FUZZ_AVOID_KNOWN");
    return v != nullptr && std::string_view(v) == "1";
  }();
  return on;
}

/// F1b (toml11 heap-buffer-overflow on UTF-8 that engraft's pre-check lets through): whether
/// the input is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
inline bool valid_utf8(const std::uint8_t* d, std::size_t n) {
  for (std::size_t i = 0; i < n;) {
    const std::uint8_t c = d[i];
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; k < len; ++k) {
      if ((d[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d[i + k] & 0x3Fu);
    }
    static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace engraft::fuzz
