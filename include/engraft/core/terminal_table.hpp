// Aligned plain-text tables for the terminal and summary.txt (colour is the command line's business).
#pragma once

#include <string>
#include <vector>

namespace engraft {

class TerminalTable {
 public:
  explicit TerminalTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  /// Columns padded to their widest cell; numbers (cells starting with a digit or sign) right-aligned.
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace engraft
