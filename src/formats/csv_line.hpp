// One line of RFC 4180 CSV: fields split at commas outside double quotes, "" inside
// quotes is one quote. Private to formats/ (trial tables and per-subject files).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace engraft::detail {

std::vector<std::string> split_csv_line(std::string_view line);
/// Quotes a field when it holds a comma, quote or line break.
std::string csv_field(std::string_view text);

}  // namespace engraft::detail
