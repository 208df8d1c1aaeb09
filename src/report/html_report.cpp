#include "engraft/report/html_report.hpp"

#include <fmt/format.h>

#include "engraft/report/svg_plot.hpp"

namespace engraft {

namespace {
// One stylesheet, inline: the file opens anywhere, offline.
constexpr const char* style = R"(body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}figure{margin:1em 0}figcaption{font-size:.9em;color:#555}
svg text{font-family:system-ui,sans-serif}.title{font-size:14px;font-weight:600}.tick,.legend,.note{font-size:11px}
.label{font-size:12px}.frame{fill:none;stroke:#888}.grid{stroke:#eee}.threshold{stroke:#b00;stroke-dasharray:4,3}
.marker{stroke:#555;stroke-dasharray:2,3}footer{margin-top:2em;font-size:.85em;color:#555;border-top:1px solid #ddd;padding-top:.6em})";
}  // namespace

HtmlReport::HtmlReport(std::string title, std::string lang) : title_(std::move(title)), lang_(std::move(lang)) {}

void HtmlReport::heading(const std::string& text) { body_ += "<h2>" + escape_xml(text) + "</h2>\n"; }

void HtmlReport::paragraph(const std::string& text) { body_ += "<p>" + escape_xml(text) + "</p>\n"; }

void HtmlReport::table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  body_ += "<table><tr>";
  for (const std::string& h : header) body_ += "<th>" + escape_xml(h) + "</th>";
  body_ += "</tr>\n";
  for (const auto& row : rows) {
    body_ += "<tr>";
    for (const std::string& cell : row) body_ += "<td>" + escape_xml(cell) + "</td>";
    body_ += "</tr>\n";
  }
  body_ += "</table>\n";
}

void HtmlReport::figure(const std::string& svg, const std::string& caption) {
  body_ += "<figure>" + svg + "<figcaption>" + escape_xml(caption) + "</figcaption></figure>\n";
}

void HtmlReport::footer(const std::string& text) { footer_ += "<p>" + escape_xml(text) + "</p>\n"; }

std::string HtmlReport::render() const {
  return fmt::format("<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style></head>\n"
                     "<body><h1>{}</h1>\n{}<footer>{}</footer></body></html>\n",
                     lang_, escape_xml(title_), style, escape_xml(title_), body_, footer_);
}

}  // namespace engraft
