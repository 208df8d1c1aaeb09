#include "formats/toml_reader.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace engraft::detail {
namespace {

// Keys out of alphabetical order, multi-line strings (newlines inside a value), inline tables,
// dotted keys and arrays of tables: every way a value's line could be miscounted.
const std::string document = R"(# a comment line
title = "first"
zeta = 1
alpha = """
two
lines"""
inline = { b = 2, a = [1,
  2] }

[section]
delta.x = 3
beta = 'literal'

[[rows]]
name = "r0"

[[rows]]
# a comment inside
name = "r1"
)";

/// Every node under `node`, depth first, in the order children() gives.
void visit(const TomlNode& node, const std::function<void(const TomlNode&)>& each) {
  each(node);
  if (node.is_table()) {
    for (const auto& [name, child] : node.children()) visit(child, each);
  } else if (node.raw().is_array() && !node.raw().as_array().empty() && node.raw().as_array().front().is_table()) {
    for (const TomlNode& element : node.array_of_tables()) visit(element, each);
  }
}

TEST(TomlReader, EveryLineMatchesToml11sOwnCount) {
  const toml::value parsed = TomlNode::parse_text(document, "doc.toml");
  int nodes = 0;
  visit(TomlNode(parsed, "doc.toml", ""), [&](const TomlNode& node) {
    ++nodes;
    EXPECT_EQ(node.where().line, static_cast<int>(node.raw().location().line())) << "key " << node.key();
  });
  EXPECT_GE(nodes, 15);
  const TomlNode root(parsed, "doc.toml", "");
  EXPECT_EQ(root.child("zeta").where().line, 3);
  EXPECT_EQ(root.child("section").child("beta").where().line, 12);
  EXPECT_EQ(root.child("rows").array_of_tables()[1].child("name").where().line, 19);
}

TEST(TomlReader, ChildrenComeInFileOrder) {
  const toml::value parsed = TomlNode::parse_text(document, "doc.toml");
  std::vector<std::string> names;
  for (const auto& [name, child] : TomlNode(parsed, "doc.toml", "").children()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"title", "zeta", "alpha", "inline", "section", "rows"}));
}

TEST(TomlReader, NodeOfAnElementCountsLinesInItsOwnDocument) {
  const toml::value parsed = TomlNode::parse_text(document, "doc.toml");
  const toml::value& element = parsed.as_table().at("rows").as_array()[1];
  EXPECT_EQ(TomlNode(element, "doc.toml", "rows[1]").child("name").where().line, 19);
}

TEST(TomlReader, AllowOnlyReportsTheFirstUnknownKeyInTheFile) {
  const toml::value parsed = TomlNode::parse_text("a = 1\nzz = 2\nb = 3\nyy = 4\n", "doc.toml");
  try {
    TomlNode(parsed, "doc.toml", "").allow_only({"a", "b", "y"});
    FAIL() << "unknown keys were allowed";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.where().key, "zz");
    EXPECT_NE(std::string(e.what()).find("unknown key 'zz'"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(TomlNode(parsed, "doc.toml", "").allow_only({"a", "b", "zz", "yy"}));
}

}  // namespace
}  // namespace engraft::detail
