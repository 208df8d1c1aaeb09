// Errors by kind: bad input is an InputError (the command line maps it to
// exit code 2); bugs trip ENGRAFT_ASSERT; numerical failure is a value
// (SolveStatus), never an exception.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace engraft {

/// Where in a user's file something was found. line 0 means "the whole file".
struct SourceLocation {
  std::filesystem::path file;
  int line = 0;
  std::string key;
};

/// Bad user input: names the file, line and key, what was expected and what was found.
class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, const std::string& expected, const std::string& got,
             const std::string& hint = {});
  const SourceLocation& where() const noexcept { return where_; }

 private:
  SourceLocation where_;
};

/// "file:line: key: " prefix used by every message that points into a file.
std::string describe(const SourceLocation& where);

namespace detail {
[[noreturn]] void assertion_failed(const char* condition, const char* message, const char* file, int line);
}  // namespace detail
}  // namespace engraft

/// A broken internal invariant (a bug), never a check of user input.
#define ENGRAFT_ASSERT(condition, message)                                                  \
  do {                                                                                      \
    if (!(condition)) ::engraft::detail::assertion_failed(#condition, message, __FILE__, __LINE__); \
  } while (false)
