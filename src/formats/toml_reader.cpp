#include "toml_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

namespace engraft::detail {

namespace {
std::string type_name(const toml::value& v) {
  std::ostringstream s;
  s << v.type();
  return s.str();
}

// Levenshtein distance, for "did you mean" hints on misspelt keys.
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}
}  // namespace

// toml11 recurses once per nested array or inline table and trusts its input to be UTF-8;
// fuzzing found a stack overflow on deep nesting and a crash on invalid UTF-8. Both are
// refused here, before toml11 sees the text.
static void check_before_parsing(const std::string& text, const std::filesystem::path& file) {
  constexpr int max_nesting = 32, max_key_parts = 32;
  int line = 1, depth = 0, key_dots = 0;
  bool in_key = true;  // at the start of a line, after '{' or ',': where a (dotted) key may stand
  enum class In { code, comment, basic, literal, multi_basic, multi_literal } in = In::code;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {  // a UTF-8 sequence: lead byte, then 1-3 continuation bytes
      // Well-formed UTF-8 only (Unicode 15, table 3-7): no overlong forms, surrogates or code
      // points above U+10FFFF, all of which toml11 mishandles (F1, F1b).
      const int extra = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
      bool valid = extra > 0 && c >= 0xC2 && c <= 0xF4 && i + static_cast<std::size_t>(extra) < text.size();
      if (valid) {
        const unsigned char second = static_cast<unsigned char>(text[i + 1]);
        const unsigned char low = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
        const unsigned char high = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
        valid = second >= low && second <= high;
      }
      for (int k = 2; valid && k <= extra; ++k) valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
      if (!valid) throw InputError({file, line, ""}, "UTF-8 text", "an invalid byte sequence");
      i += static_cast<std::size_t>(extra);
      continue;
    }
    const auto starts = [&](const char* token) { return text.compare(i, std::strlen(token), token) == 0; };
    if (c == '\n') {
      ++line;
      in_key = true, key_dots = 0;
      if (in == In::comment || in == In::basic || in == In::literal) in = In::code;
      continue;
    }
    switch (in) {
      case In::comment: break;
      case In::basic: if (c == '\\') ++i; else if (c == '"') in = In::code; break;
      case In::literal: if (c == '\'') in = In::code; break;
      case In::multi_basic: if (c == '\\') ++i; else if (starts("\"\"\"")) in = In::code, i += 2; break;
      case In::multi_literal: if (starts("\'\'\'")) in = In::code, i += 2; break;
      case In::code:
        if (c == '#') in = In::comment;
        else if (starts("\"\"\"")) in = In::multi_basic, i += 2;
        else if (starts("\'\'\'")) in = In::multi_literal, i += 2;
        else if (c == '"') in = In::basic;
        else if (c == '\'') in = In::literal;
        else if (c == '=') in_key = false;
        else if (c == '{' || c == ',') in_key = true, key_dots = 0;
        else if (c == '.' && in_key && ++key_dots >= max_key_parts)  // toml11 nests a table per part (F7)
          throw InputError({file, line, ""}, fmt::format("keys of at most {} dotted parts", max_key_parts), "more");
        if (c == '[' || c == '{') {
          if (++depth > max_nesting)
            throw InputError({file, line, ""}, fmt::format("arrays and tables nested at most {} deep", max_nesting), "deeper");
        } else if (c == ']' || c == '}') {
          depth = std::max(0, depth - 1);
        }
        break;
    }
  }
}

std::pair<toml::value, std::filesystem::path> TomlNode::parse_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw InputError({file, 0, ""}, "an existing, readable file", "no such file");
  std::ifstream in(file, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return {parse_text(text, file), file};
}

toml::value TomlNode::parse_text(const std::string& text, const std::filesystem::path& label) {
  check_before_parsing(text, label);
  try {
    std::istringstream stream(text);
    return toml::parse(stream, label.string());
  } catch (const toml::syntax_error& e) {
    int line = 0;
    if (!e.location().file_name().empty()) line = static_cast<int>(e.location().line());
    std::string message = e.what();
    const auto first_newline = message.find('\n');
    const std::string summary = message.substr(0, first_newline);
    throw InputError({label, line, ""}, "valid TOML", summary.substr(summary.find(' ') + 1));
  } catch (const std::exception& e) {
    throw InputError({label, 0, ""}, "valid TOML", e.what());
  }
}

struct TomlNode::LineStarts {
  const std::vector<char>* source = nullptr;   // the document's text, owned by its values' regions
  std::vector<std::size_t> starts{0};

  explicit LineStarts(const toml::value& value) {
    const auto* place = region_of(value);
    if (place == nullptr) return;
    source = place->source().get();
    for (std::size_t i = 0; i < source->size(); ++i)
      if ((*source)[i] == '\n') starts.push_back(i + 1);
  }

  /// The value's text in the document (toml11's parser keeps one for every value it reads).
  static const toml::detail::region* region_of(const toml::value& value) {
    return dynamic_cast<const toml::detail::region*>(toml::detail::get_region(value));
  }
};

TomlNode::TomlNode(const toml::value& value, std::filesystem::path file, std::string key)
    : TomlNode(value, std::move(file), std::move(key), std::make_shared<const LineStarts>(value)) {}

TomlNode::TomlNode(const toml::value& value, std::filesystem::path file, std::string key,
                   std::shared_ptr<const LineStarts> lines)
    : value_(&value), file_(std::move(file)), key_(std::move(key)), lines_(std::move(lines)) {}

TomlNode TomlNode::at(const toml::value& value, std::string key) const { return {value, file_, std::move(key), lines_}; }

std::string TomlNode::child_key(const std::string& name) const { return key_.empty() ? name : key_ + "." + name; }

std::size_t TomlNode::offset() const {
  const auto* place = LineStarts::region_of(*value_);
  return place == nullptr ? 0 : static_cast<std::size_t>(place->first() - place->begin());
}

int TomlNode::line() const {
  const auto* place = LineStarts::region_of(*value_);
  if (place == nullptr || place->source().get() != lines_->source)
    return static_cast<int>(value_->location().line());   // not from this document: toml11's count
  const auto offset = static_cast<std::size_t>(place->first() - place->begin());
  const auto after = std::upper_bound(lines_->starts.begin(), lines_->starts.end(), offset);
  return static_cast<int>(after - lines_->starts.begin());
}

bool TomlNode::in_file_order(const std::pair<std::string, TomlNode>& a, const std::pair<std::string, TomlNode>& b) {
  return std::pair(a.second.offset(), a.first) < std::pair(b.second.offset(), b.first);
}

SourceLocation TomlNode::where() const { return {file_, line(), key_}; }

SourceLocation TomlNode::where(const std::string& child_name) const {
  if (has(child_name)) return child(child_name).where();
  SourceLocation w = where();
  w.key = child_key(child_name);
  return w;
}

void TomlNode::fail(const std::string& expected, const std::string& got, const std::string& hint) const {
  throw InputError(where(), expected, got, hint);
}

void TomlNode::require_table() const {
  if (!value_->is_table()) fail("a table", type_name(*value_));
}

bool TomlNode::has(const std::string& name) const {
  return value_->is_table() && value_->as_table().count(name) > 0;
}

TomlNode TomlNode::child(const std::string& name) const {
  require_table();
  const auto& table = value_->as_table();
  const auto it = table.find(name);
  if (it == table.end()) {
    SourceLocation w = where();
    w.key = child_key(name);
    throw InputError(w, "a value for this required key", "nothing");
  }
  return at(it->second, child_key(name));
}

std::optional<TomlNode> TomlNode::find(const std::string& name) const {
  if (!has(name)) return std::nullopt;
  return child(name);
}

std::vector<std::pair<std::string, TomlNode>> TomlNode::children() const {
  require_table();
  std::vector<std::pair<std::string, TomlNode>> out;
  for (const auto& [name, value] : value_->as_table()) out.emplace_back(name, at(value, child_key(name)));
  std::sort(out.begin(), out.end(), in_file_order);
  return out;
}

std::vector<TomlNode> TomlNode::array_of_tables() const {
  if (!value_->is_array()) fail("an array of tables ([[...]])", type_name(*value_));
  std::vector<TomlNode> out;
  const auto& array = value_->as_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    TomlNode node = at(array[i], fmt::format("{}[{}]", key_, i));
    node.require_table();
    out.push_back(node);
  }
  return out;
}

std::vector<std::string> TomlNode::string_array() const {
  if (!value_->is_array()) fail("an array of strings", type_name(*value_));
  std::vector<std::string> out;
  const auto& array = value_->as_array();
  for (std::size_t i = 0; i < array.size(); ++i)
    out.push_back(at(array[i], fmt::format("{}[{}]", key_, i)).as_string());
  return out;
}

std::string TomlNode::as_string() const {
  if (!value_->is_string()) fail("a string", type_name(*value_));
  return value_->as_string().str;
}

double TomlNode::as_number() const {
  double v = 0.0;
  if (value_->is_integer()) v = static_cast<double>(value_->as_integer());
  else if (value_->is_floating()) v = value_->as_floating();
  else fail("a number", type_name(*value_));
  if (!std::isfinite(v)) fail("a finite number", fmt::format("{}", v));
  return v;
}

bool TomlNode::as_bool() const {
  if (!value_->is_boolean()) fail("true or false", type_name(*value_));
  return value_->as_boolean();
}

int TomlNode::as_int() const {
  if (!value_->is_integer()) fail("an integer", type_name(*value_));
  const auto v = value_->as_integer();
  if (v < -1000000000 || v > 1000000000) fail("an integer of reasonable size", fmt::format("{}", v));
  return static_cast<int>(v);
}

int TomlNode::int_in(int min, int max) const {
  const int v = as_int();
  if (v < min || v > max) fail(fmt::format("an integer from {} to {}", min, max), fmt::format("{}", v));
  return v;
}

double TomlNode::as_quantity(const std::string& unit) const {
  if (!value_->is_string()) return as_number();
  const std::string text = as_string();
  try {
    const Quantity q = parse_quantity(text);
    return q.value * conversion_factor(q.unit, parse_unit(unit));
  } catch (const std::invalid_argument& e) {
    fail(fmt::format("a quantity in '{}' (a number, or a number with a compatible unit)", unit), "\"" + text + "\"",
         e.what());
  }
}

std::string TomlNode::string_or(const std::string& name, const std::string& fallback) const {
  return has(name) ? child(name).as_string() : fallback;
}

double TomlNode::number_or(const std::string& name, double fallback) const {
  return has(name) ? child(name).as_number() : fallback;
}

void TomlNode::allow_only(const std::vector<std::string>& allowed) const {
  require_table();
  // Positions are looked up for unknown keys only: the first in the file is reported.
  std::vector<std::pair<std::string, TomlNode>> unknown;
  for (const auto& [name, value] : value_->as_table())
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      unknown.emplace_back(name, at(value, child_key(name)));
  if (unknown.empty()) return;
  const auto& [unknown_name, first] = *std::min_element(unknown.begin(), unknown.end(), in_file_order);
  std::string best;
  std::size_t best_distance = 3;
  for (const std::string& candidate : allowed) {
    const std::size_t d = distance(unknown_name, candidate);
    if (d < best_distance) best_distance = d, best = candidate;
  }
  std::string known;
  for (const std::string& a : allowed) known += (known.empty() ? "" : ", ") + a;
  first.fail("one of the keys " + known, "unknown key '" + unknown_name + "'",
             best.empty() ? std::string{} : "did you mean '" + best + "'?");
}

}  // namespace engraft::detail
