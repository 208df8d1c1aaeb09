// Plots as inline SVG, for self-contained HTML reports (no script, no network): line plots
// with thresholds, markers and population bands, and interval plots of per-arm summaries.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace engraft {

struct LineSeries {
  std::string label;
  std::vector<double> x, y;
  bool dashed = false;
};

/// A shaded band between two curves on the same x (e.g. 5-95 % of a population).
struct Band {
  std::string label;
  std::vector<double> x, lower, upper;
};

/// A horizontal reference line (a threshold) or a vertical one (an event day).
struct ReferenceLine {
  double at = 0.0;
  std::string label;
};

struct LinePlot {
  std::string title, x_label, y_label;   // axis labels carry their units, e.g. "ANC (10^9/L)"
  bool log_y = false;                    // non-positive values are left out on a log axis
  std::vector<LineSeries> series;
  std::vector<Band> bands;
  std::vector<ReferenceLine> thresholds;   // horizontal
  std::vector<ReferenceLine> markers;      // vertical
};

/// One row of an interval plot: a median with an inner (IQR) and an outer (5-95 %) interval.
struct IntervalRow {
  std::string label;
  double median = 0.0, inner_low = 0.0, inner_high = 0.0, outer_low = 0.0, outer_high = 0.0;
};

struct IntervalPlot {
  std::string title, x_label;
  std::vector<IntervalRow> rows;
};

/// Horizontal bars with an error interval (Sobol indices, proportions with Wilson intervals).
struct BarRow {
  std::string label;
  double value = 0.0;
  std::optional<double> low, high;
};

struct BarPlot {
  std::string title, x_label;
  std::vector<BarRow> rows;
};

std::string render_svg(const LinePlot& plot);
std::string render_svg(const IntervalPlot& plot);
std::string render_svg(const BarPlot& plot);

/// Text safe inside HTML and SVG (&, <, >, ").
std::string escape_xml(const std::string& text);

}  // namespace engraft
