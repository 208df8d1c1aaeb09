#include "engraft/core/terminal_table.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace engraft {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(TerminalTable, PadsByColumnsNotBytesAndRightAlignsNumbers) {
  TerminalTable table({"name", "value", "unit"});
  table.add_row({"dose", "5e6", "cells/kg"});
  table.add_row({"kel", "0.25", "µg/L"});   // µ: two bytes, one column
  EXPECT_EQ(table.render(),
            "name  value  unit\n"
            "---------------------\n"
            "dose    5e6  cells/kg\n"
            "kel    0.25  µg/L\n");
}

TEST(TerminalTable, ColourSequencesTakeNoColumns) {
  TerminalTable plain({"case", "result"}), coloured({"case", "result"});
  plain.add_row({"H4", "pass"});
  plain.add_row({"H5", "FAIL"});
  coloured.add_row({"H4", "\033[32mpass\033[0m"});
  coloured.add_row({"H5", "\033[31mFAIL\033[0m"});
  const auto a = lines_of(plain.render()), b = lines_of(coloured.render());
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(b[0], a[0]);
  EXPECT_EQ(b[1], a[1]) << "the rule under the header is as wide as what is seen";
  EXPECT_EQ(b[2], "H4    \033[32mpass\033[0m");
}

TEST(TerminalTable, ChineseCharactersTakeTwoColumns) {
  TerminalTable table({"终点", "day"});   // 2 characters, 4 columns
  table.add_row({"neutrophils", "11"});
  table.add_row({"中性粒细胞植入", "11"});   // 7 characters, 14 columns
  const auto lines = lines_of(table.render());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "终点" + std::string(12, ' ') + "day");
  EXPECT_EQ(lines[2], "neutrophils" + std::string(6, ' ') + "11");
  EXPECT_EQ(lines[3], "中性粒细胞植入" + std::string(3, ' ') + "11");
  EXPECT_EQ(lines[1], std::string(14 + 2 + 3, '-'));
}

}  // namespace
}  // namespace engraft
