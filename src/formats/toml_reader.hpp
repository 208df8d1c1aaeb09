// Typed, located access to a parsed TOML document: every miss names the file,
// line and key. Private to formats/; the domain never sees a toml value.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <toml.hpp>

#include "engraft/core/error.hpp"
#include "engraft/core/units.hpp"

namespace engraft::detail {

class TomlNode {
 public:
  /// A node for `value`, part of a document from parse_file or parse_text (which must outlive it).
  TomlNode(const toml::value& value, std::filesystem::path file, std::string key);

  /// Parses a whole file; a syntax error becomes an InputError with the file and line.
  static std::pair<toml::value, std::filesystem::path> parse_file(const std::filesystem::path& file);
  /// Parses text that did not come from a file (a web request); `label` stands for the file in messages.
  static toml::value parse_text(const std::string& text, const std::filesystem::path& label);

  SourceLocation where() const;
  SourceLocation where(const std::string& child) const;
  const std::string& key() const { return key_; }
  const toml::value& raw() const { return *value_; }

  bool is_table() const { return value_->is_table(); }
  bool has(const std::string& child) const;
  /// Children of a table in file order (TOML tables are unordered in toml11 v3; we sort by line).
  std::vector<std::pair<std::string, TomlNode>> children() const;
  TomlNode child(const std::string& name) const;               // required
  std::optional<TomlNode> find(const std::string& name) const;
  std::vector<TomlNode> array_of_tables() const;               // [[x]] arrays
  std::vector<std::string> string_array() const;

  std::string as_string() const;
  double as_number() const;                                   // integer or float, finite
  bool as_bool() const;
  int as_int() const;
  /// An integer in [min, max].
  int int_in(int min, int max) const;
  /// A quantity: a number (taken to be in `unit`), or "value unit" converted to `unit`.
  double as_quantity(const std::string& unit) const;

  std::string string_or(const std::string& name, const std::string& fallback) const;
  double number_or(const std::string& name, double fallback) const;

  /// Fails on any key not in `allowed`, suggesting the closest allowed key.
  void allow_only(const std::vector<std::string>& allowed) const;
  void require_table() const;

  [[noreturn]] void fail(const std::string& expected, const std::string& got, const std::string& hint = {}) const;

 private:
  /// Where each line of one parsed document starts, built once per document and shared by its
  /// nodes. toml11 v3 finds a value's line by counting newlines from the start of the file on
  /// every call, which made reading a file quadratic in its length.
  struct LineStarts;

  TomlNode(const toml::value& value, std::filesystem::path file, std::string key,
           std::shared_ptr<const LineStarts> lines);
  TomlNode at(const toml::value& value, std::string key) const;
  std::string child_key(const std::string& name) const;   // "parent.name", or "name" at the top
  /// Byte offset of the value in its document (0 where toml11 kept no position).
  std::size_t offset() const;
  int line() const;
  static bool in_file_order(const std::pair<std::string, TomlNode>& a, const std::pair<std::string, TomlNode>& b);

  const toml::value* value_;
  std::filesystem::path file_;
  std::string key_;
  std::shared_ptr<const LineStarts> lines_;
};

}  // namespace engraft::detail
