// One self-contained HTML file: headings, paragraphs, tables and inline SVG plots, with the
// scenario, model and sources in a footer. Nothing is loaded from the network.
#pragma once

#include <string>
#include <vector>

namespace engraft {

class HtmlReport {
 public:
  HtmlReport(std::string title, std::string lang);   // lang: "en" or "zh" (the html lang attribute)
  void heading(const std::string& text);
  void paragraph(const std::string& text);
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
  /// An SVG from render_svg, in a figure with a caption.
  void figure(const std::string& svg, const std::string& caption);
  void footer(const std::string& text);
  std::string render() const;

 private:
  std::string title_, lang_, body_, footer_;
};

}  // namespace engraft
