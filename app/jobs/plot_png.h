#pragma once
// Plots as PNG files, without Qt, for jobs on display-less nodes: line plots
// (accuracy and deletion curves, several series with a legend) and grouped
// bar charts (methods compared on a few scores). Axes carry tick marks at
// 1-2-5 steps with numeric labels; text uses the canvas's 5x7 bitmap font.

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/jobs/plot_canvas.h"

namespace jobs {

struct LineSeries {
  std::string name;  // in the legend; empty: not listed
  std::vector<double> x;
  std::vector<double> y;      // a non-finite point breaks the line
  std::optional<Rgb> colour;  // none: series_colour(index)
};

struct LinePlot {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<LineSeries> series;
  std::optional<std::pair<double, double>> x_range;  // none: the data's
  std::optional<std::pair<double, double>> y_range;  // none: the data's, padded 5%
  std::vector<double> guides;                        // dashed grey horizontal lines (chance, say)
  bool markers = true;                               // a small square at each point
  int width = 640;
  int height = 400;
};

struct BarSeries {
  std::string name;            // in the legend
  std::vector<double> values;  // one per group; NaN: no bar
  std::vector<double> errors;  // empty, or one half-length per group (NaN: none)
  std::optional<Rgb> colour;   // none: series_colour(index)
};

struct BarPlot {
  std::string title;
  std::string y_label;
  std::vector<std::string> groups;                   // the categories along x
  std::vector<BarSeries> series;                     // one bar per series in each group
  std::optional<std::pair<double, double>> y_range;  // none: 0 and the data's, padded 5%
  int width = 640;
  int height = 400;
};

// Throws std::invalid_argument("line plot: ..." / "bar plot: ...") for a size
// below 160x120, series whose x and y (or values and groups, errors) differ
// in length, or a range that is not finite and increasing.
Canvas render_line_plot(const LinePlot& plot);
Canvas render_bar_plot(const BarPlot& plot);

// render_*, then write_png (atomic).
void write_line_plot(const std::filesystem::path& path, const LinePlot& plot);
void write_bar_plot(const std::filesystem::path& path, const BarPlot& plot);

// Tick positions in [lo, hi] at a 1, 2 or 5 x 10^n step giving about `count`
// ticks, and their labels with as many decimals as the step needs.
std::vector<double> nice_ticks(double lo, double hi, int count = 5);
std::string tick_label(double value, double step);

}  // namespace jobs
