#include "engraft/core/error.hpp"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

namespace engraft {

std::string describe(const SourceLocation& where) {
  std::string text;
  if (!where.file.empty()) {
    text = where.line > 0 ? fmt::format("{}:{}: ", where.file.string(), where.line)
                          : fmt::format("{}: ", where.file.string());
  }
  if (!where.key.empty()) text.append(where.key).append(": ");
  return text;
}

namespace {
std::string compose(const SourceLocation& where, const std::string& expected, const std::string& got,
                    const std::string& hint) {
  return fmt::format("{}expected {}{}{}", describe(where), expected, got.empty() ? "" : ", got " + got,
                     hint.empty() ? "" : " (" + hint + ")");
}
}  // namespace

InputError::InputError(SourceLocation where, const std::string& expected, const std::string& got,
                       const std::string& hint)
    : std::runtime_error(compose(where, expected, got, hint)), where_(std::move(where)) {}

namespace detail {
void assertion_failed(const char* condition, const char* message, const char* file, int line) {
  std::fprintf(stderr, "engraft: internal error at %s:%d: %s (%s)\n", file, line, message, condition);
  std::abort();
}
}  // namespace detail
}  // namespace engraft
