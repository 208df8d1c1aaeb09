#include "engraft/report/svg_plot.hpp"

#include <gtest/gtest.h>

#include "engraft/report/html_report.hpp"

namespace engraft {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SvgPlot, LinePlotDrawsEverySeriesThresholdAndMarker) {
  LinePlot plot{"ANC", "day", "ANC (10^9/L)", false, {}, {}, {{0.5, "0.5"}}, {{11, "day 11"}}};
  plot.series.push_back({"a", {0, 1, 2}, {1, 2, 3}, false});
  plot.series.push_back({"b", {0, 1, 2}, {3, 2, 1}, true});
  const std::string svg = render_svg(plot);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(count(svg, "class=\"series\""), 2u);
  EXPECT_EQ(count(svg, "class=\"threshold\""), 1u);
  EXPECT_EQ(count(svg, "class=\"marker\""), 1u);
  EXPECT_EQ(count(svg, "stroke-dasharray=\"5,3\""), 2u);   // the dashed series and its legend entry
}

// On a log axis a value <= 0 has no place: it is left out rather than drawn at -infinity.
TEST(SvgPlot, LogAxisLeavesOutValuesThatAreNotPositive) {
  LinePlot plot{"t", "x", "y", true, {}, {}, {}, {}};
  plot.series.push_back({"s", {0, 1, 2, 3}, {0, 10, 100, -1}, false});
  const std::string svg = render_svg(plot);
  const auto start = svg.find("<polyline points=\"") + 18;
  const std::string points = svg.substr(start, svg.find('"', start) - start);
  EXPECT_EQ(count(points, ","), 2u);   // two points: 10 and 100
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(SvgPlot, TextIsEscaped) {
  EXPECT_EQ(escape_xml("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
  BarPlot plot{"<script>", "x", {{"S1 <0>", 0.5, 0.4, 0.6}}};
  const std::string svg = render_svg(plot);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"interval\""), 1u);
}

TEST(HtmlReport, IsOneSelfContainedDocument) {
  HtmlReport report("T & R", "zh");
  report.heading("h");
  report.table({"a", "b"}, {{"1", "<2>"}});
  report.figure(render_svg(IntervalPlot{"i", "x", {{"arm", 2, 1, 3, 0, 4}}}), "cap");
  report.footer("f");
  const std::string html = report.render();
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<html lang=\"zh\">"), std::string::npos);
  EXPECT_NE(html.find("&lt;2&gt;"), std::string::npos);
  EXPECT_NE(html.find("class=\"median\""), std::string::npos);
  EXPECT_EQ(html.find("http://www.w3.org/1999"), std::string::npos);   // nothing but the SVG namespace
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);                      // nothing loaded from elsewhere
}

}  // namespace
}  // namespace engraft
