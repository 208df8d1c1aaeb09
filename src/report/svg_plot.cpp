#include "engraft/report/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace engraft {

namespace {

// Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2008).
constexpr const char* palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};
const char* colour(std::size_t i) { return palette[i % std::size(palette)]; }

constexpr double width = 760, margin_left = 70, margin_right = 190, margin_top = 34, margin_bottom = 46;

struct Range {
  double low = std::numeric_limits<double>::infinity(), high = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
  }
  bool empty() const { return !(low <= high); }
  void widen_if_flat() {
    if (empty()) low = 0, high = 1;
    if (low == high) low -= 0.5 * std::max(1.0, std::abs(low)), high += 0.5 * std::max(1.0, std::abs(high));
  }
};

/// Ticks at 1, 2 or 5 x 10^k covering the range, about `count` of them.
std::vector<double> nice_ticks(double low, double high, int count = 6) {
  const double raw = (high - low) / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / magnitude < 1.5 ? magnitude : raw / magnitude < 3.5 ? 2 * magnitude : raw / magnitude < 7.5 ? 5 * magnitude : 10 * magnitude;
  std::vector<double> ticks;
  for (double t = std::ceil(low / step) * step; t <= high + 1e-9 * step; t += step) ticks.push_back(std::abs(t) < 1e-12 * step ? 0.0 : t);
  return ticks;
}

std::string tick_text(double v) { return fmt::format("{:.4g}", v); }

class Frame {
 public:
  Frame(Range x, Range y, bool log_y, double height) : x_(x), y_(y), log_y_(log_y), height_(height) {}
  double px(double x) const { return margin_left + (x - x_.low) / (x_.high - x_.low) * plot_width(); }
  double py(double y) const {
    const double v = log_y_ ? std::log10(y) : y;
    return margin_top + (1.0 - (v - y_.low) / (y_.high - y_.low)) * plot_height();
  }
  bool visible(double y) const { return std::isfinite(y) && (!log_y_ || y > 0); }
  double plot_width() const { return width - margin_left - margin_right; }
  double plot_height() const { return height_ - margin_top - margin_bottom; }

  std::string axes(const std::string& title, const std::string& x_label, const std::string& y_label) const {
    std::string out = fmt::format(R"svg(<text x="{}" y="20" class="title">{}</text>)svg", margin_left, escape_xml(title));
    out += fmt::format(R"svg(<rect x="{}" y="{}" width="{:.1f}" height="{:.1f}" class="frame"/>)svg", margin_left, margin_top,
                       plot_width(), plot_height());
    for (double t : nice_ticks(x_.low, x_.high))
      out += fmt::format(R"svg(<line x1="{0:.1f}" x2="{0:.1f}" y1="{1:.1f}" y2="{2:.1f}" class="grid"/><text x="{0:.1f}" y="{3:.1f}" class="tick" text-anchor="middle">{4}</text>)svg",
                         px(t), margin_top, margin_top + plot_height(), margin_top + plot_height() + 16, tick_text(t));
    const auto y_tick = [&](double value, double at) {
      out += fmt::format(R"svg(<line x1="{0}" x2="{1:.1f}" y1="{2:.1f}" y2="{2:.1f}" class="grid"/><text x="{3}" y="{4:.1f}" class="tick" text-anchor="end">{5}</text>)svg",
                         margin_left, margin_left + plot_width(), at, margin_left - 6, at + 4, tick_text(value));
    };
    if (log_y_)
      for (double e = std::ceil(y_.low); e <= y_.high + 1e-9; e += 1) y_tick(std::pow(10.0, e), py(std::pow(10.0, e)));
    else
      for (double t : nice_ticks(y_.low, y_.high)) y_tick(t, py(t));
    out += fmt::format(R"svg(<text x="{:.1f}" y="{:.1f}" class="label" text-anchor="middle">{}</text>)svg", margin_left + plot_width() / 2,
                       height_ - 8, escape_xml(x_label));
    out += fmt::format(R"svg(<text transform="translate(16,{:.1f}) rotate(-90)" class="label" text-anchor="middle">{}</text>)svg",
                       margin_top + plot_height() / 2, escape_xml(y_label));
    return out;
  }

  std::string legend_entry(std::size_t row, const std::string& label, const std::string& style) const {
    const double y = margin_top + 10 + 18.0 * static_cast<double>(row);
    const double x = margin_left + plot_width() + 12;
    return fmt::format(R"svg(<line x1="{0:.1f}" x2="{1:.1f}" y1="{2:.1f}" y2="{2:.1f}" {3}/><text x="{4:.1f}" y="{5:.1f}" class="legend">{6}</text>)svg",
                       x, x + 22, y, style, x + 28, y + 4, escape_xml(label));
  }

 private:
  Range x_, y_;
  bool log_y_;
  double height_;
};

std::string svg_open(double height) {
  return fmt::format(R"svg(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img">)svg",
                     width, height, width, height);
}

}  // namespace

std::string escape_xml(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_svg(const LinePlot& plot) {
  constexpr double height = 340;
  Range x, y;
  const auto add_y = [&](double v) {
    if (!plot.log_y) y.add(v);
    else if (v > 0) y.add(std::log10(v));
  };
  for (const LineSeries& s : plot.series) {
    for (double v : s.x) x.add(v);
    for (double v : s.y) add_y(v);
  }
  for (const Band& b : plot.bands) {
    for (double v : b.x) x.add(v);
    for (double v : b.lower) add_y(v);
    for (double v : b.upper) add_y(v);
  }
  for (const ReferenceLine& t : plot.thresholds) add_y(t.at);
  x.widen_if_flat();
  y.widen_if_flat();
  if (!plot.log_y && y.low > 0 && y.low < 0.5 * y.high) y.low = 0;   // counts read best from zero
  if (plot.log_y) y.low = std::floor(y.low), y.high = std::ceil(y.high);
  const Frame frame(x, y, plot.log_y, height);
  std::string out = svg_open(height) + frame.axes(plot.title, plot.x_label, plot.y_label);
  std::size_t legend = 0;
  for (std::size_t i = 0; i < plot.bands.size(); ++i) {
    const Band& b = plot.bands[i];
    std::string points;
    for (std::size_t k = 0; k < b.x.size(); ++k)
      if (frame.visible(b.upper[k])) points += fmt::format("{:.1f},{:.1f} ", frame.px(b.x[k]), frame.py(b.upper[k]));
    for (std::size_t k = b.x.size(); k-- > 0;)
      if (frame.visible(b.lower[k])) points += fmt::format("{:.1f},{:.1f} ", frame.px(b.x[k]), frame.py(b.lower[k]));
    out += fmt::format(R"svg(<polygon points="{}" fill="{}" fill-opacity="0.18" stroke="none" class="band"/>)svg", points, colour(i));
    out += frame.legend_entry(legend++, b.label, fmt::format(R"svg(stroke="{}" stroke-width="8" stroke-opacity="0.25")svg", colour(i)));
  }
  for (std::size_t i = 0; i < plot.series.size(); ++i) {
    const LineSeries& s = plot.series[i];
    std::string points;
    for (std::size_t k = 0; k < s.x.size(); ++k)
      if (frame.visible(s.y[k])) points += fmt::format("{:.1f},{:.1f} ", frame.px(s.x[k]), frame.py(s.y[k]));
    const std::string style = fmt::format(R"svg(stroke="{}" stroke-width="1.8" fill="none"{})svg", colour(i),
                                          s.dashed ? R"svg( stroke-dasharray="5,3")svg" : "");
    out += fmt::format(R"svg(<polyline points="{}" {} class="series"/>)svg", points, style);
    out += frame.legend_entry(legend++, s.label, style);
  }
  for (const ReferenceLine& t : plot.thresholds) {
    if (!frame.visible(t.at)) continue;
    const double at = frame.py(t.at);
    out += fmt::format(R"svg(<line x1="{0}" x2="{1:.1f}" y1="{2:.1f}" y2="{2:.1f}" class="threshold"/><text x="{3:.1f}" y="{4:.1f}" class="note" text-anchor="end">{5}</text>)svg",
                       margin_left, margin_left + frame.plot_width(), at, margin_left + frame.plot_width() - 4, at - 4, escape_xml(t.label));
  }
  for (const ReferenceLine& m : plot.markers) {
    const double at = frame.px(m.at);
    out += fmt::format(R"svg(<line x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2:.1f}" class="marker"/><text x="{3:.1f}" y="{4}" class="note">{5}</text>)svg",
                       at, margin_top, margin_top + frame.plot_height(), at + 3, margin_top + 12, escape_xml(m.label));
  }
  return out + "</svg>";
}

namespace {

Range widened(Range r) {
  r.widen_if_flat();
  return r;
}

/// Interval and bar plots: one row per item, the label on its right, a shared x axis below.
class RowChart {
 public:
  RowChart(const std::string& title, Range x, std::size_t rows, double row_height)
      : height_(margin_top + margin_bottom + row_height * static_cast<double>(std::max<std::size_t>(rows, 1))),
        frame_(widened(x), Range{0, 1}, false, height_) {
    svg_ = svg_open(height_) +
           fmt::format(R"svg(<text x="{}" y="20" class="title">{}</text>)svg", margin_left, escape_xml(title));
    x = widened(x);
    for (double t : nice_ticks(x.low, x.high))
      svg_ += fmt::format(R"svg(<line x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2:.1f}" class="grid"/><text x="{0:.1f}" y="{3:.1f}" class="tick" text-anchor="middle">{4}</text>)svg",
                          frame_.px(t), margin_top, height_ - margin_bottom, height_ - margin_bottom + 16, tick_text(t));
  }
  double px(double x) const { return frame_.px(x); }
  void add(const std::string& shapes, double y, const std::string& label) {
    svg_ += shapes + fmt::format(R"svg(<text x="{:.1f}" y="{:.1f}" class="legend">{}</text>)svg", width - margin_right + 12, y + 4,
                                 escape_xml(label));
  }
  std::string finish(const std::string& x_label) const {
    return svg_ +
           fmt::format(R"svg(<text x="{:.1f}" y="{:.1f}" class="label" text-anchor="middle">{}</text>)svg",
                       margin_left + frame_.plot_width() / 2, height_ - 8, escape_xml(x_label)) +
           "</svg>";
  }

 private:
  double height_;
  Frame frame_;
  std::string svg_;
};

}  // namespace

std::string render_svg(const IntervalPlot& plot) {
  Range x;
  for (const IntervalRow& r : plot.rows) x.add(r.outer_low), x.add(r.outer_high), x.add(r.median);
  RowChart chart(plot.title, x, plot.rows.size(), 26.0);
  for (std::size_t i = 0; i < plot.rows.size(); ++i) {
    const IntervalRow& r = plot.rows[i];
    const double y = margin_top + 13 + 26.0 * static_cast<double>(i);
    chart.add(fmt::format(R"svg(<line x1="{0:.1f}" x2="{1:.1f}" y1="{2:.1f}" y2="{2:.1f}" stroke="{3}" stroke-width="1.5" class="outer"/>)svg",
                          chart.px(r.outer_low), chart.px(r.outer_high), y, colour(i)) +
                  fmt::format(R"svg(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="10" fill="{}" fill-opacity="0.35" class="inner"/>)svg",
                              chart.px(r.inner_low), y - 5, std::max(1.0, chart.px(r.inner_high) - chart.px(r.inner_low)), colour(i)) +
                  fmt::format(R"svg(<circle cx="{:.1f}" cy="{:.1f}" r="4" fill="{}" class="median"/>)svg", chart.px(r.median), y, colour(i)),
              y, r.label);
  }
  return chart.finish(plot.x_label);
}

std::string render_svg(const BarPlot& plot) {
  Range x;
  x.add(0);
  for (const BarRow& r : plot.rows) {
    x.add(r.value);
    if (r.low) x.add(*r.low);
    if (r.high) x.add(*r.high);
  }
  RowChart chart(plot.title, x, plot.rows.size(), 24.0);
  for (std::size_t i = 0; i < plot.rows.size(); ++i) {
    const BarRow& r = plot.rows[i];
    const double y = margin_top + 12 + 24.0 * static_cast<double>(i);
    const double zero = chart.px(0), end = chart.px(r.value);
    std::string shapes = fmt::format(R"svg(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="14" fill="{}" class="bar"/>)svg",
                                     std::min(zero, end), y - 7, std::abs(end - zero), colour(0));
    if (r.low && r.high)
      shapes += fmt::format(R"svg(<line x1="{0:.1f}" x2="{1:.1f}" y1="{2:.1f}" y2="{2:.1f}" stroke="#000" stroke-width="1.2" class="interval"/>)svg",
                            chart.px(*r.low), chart.px(*r.high), y);
    chart.add(shapes, y, r.label);
  }
  return chart.finish(plot.x_label);
}

}  // namespace engraft
