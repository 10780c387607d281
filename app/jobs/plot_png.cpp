#include "app/jobs/plot_png.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace jobs {

namespace {

constexpr Rgb kGrid{232, 232, 232};

// The plot area in pixels and the data range it shows.
struct Frame {
  int x0, y0, x1, y1;
  double xlo, xhi, ylo, yhi;
  double px(double x) const { return x0 + (x - xlo) / (xhi - xlo) * (x1 - x0); }
  double py(double y) const { return y1 - (y - ylo) / (yhi - ylo) * (y1 - y0); }
};

void require_size(int width, int height, const std::string& who) {
  if (width < 160 || height < 120) {
    throw std::invalid_argument(who + ": size " + std::to_string(width) + "x" +
                                std::to_string(height) + " is below 160x120");
  }
}

std::pair<double, double> checked(const std::pair<double, double>& r, const std::string& who) {
  if (!std::isfinite(r.first) || !std::isfinite(r.second) || !(r.first < r.second))
    throw std::invalid_argument(who + ": a range must be finite and increasing");
  return r;
}

// [min, max] of the finite values; [0, 1] when none; widened when a point.
std::pair<double, double> data_range(const std::vector<double>& v, double pad) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double x : v)
    if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  if (lo > hi) return {0.0, 1.0};
  if (lo == hi) {
    const double d = lo == 0 ? 0.5 : std::fabs(lo) * 0.1;
    return {lo - d, hi + d};
  }
  const double d = (hi - lo) * pad;
  return {lo - d, hi + d};
}

Frame make_frame(const Canvas& c, bool has_title, std::pair<double, double> x,
                 std::pair<double, double> y) {
  return {64,      has_title ? 34 : 14, c.width() - 16, c.height() - 44, x.first, x.second, y.first,
          y.second};
}

void draw_y_axis(Canvas& c, const Frame& f, bool grid) {
  const std::vector<double> ticks = nice_ticks(f.ylo, f.yhi);
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
  for (double v : ticks) {
    const double y = std::round(f.py(v));
    if (grid) c.line(f.x0, y, f.x1 - 1, y, kGrid);
  }
  for (double v : ticks) {
    const double y = std::round(f.py(v));
    c.line(f.x0 - 4, y, f.x0 - 1, y, kBlack);
    const std::string label = tick_label(v, step);
    c.text(f.x0 - 7 - Canvas::text_width(label), static_cast<int>(y) - 3, label, kBlack);
  }
}

// Everything outside the plot area repainted white (clips what was drawn
// inside), then the frame, the title and the axis labels.
void draw_surround(Canvas& c, const Frame& f, const std::string& title, const std::string& x_label,
                   const std::string& y_label) {
  c.fill_rect(0, 0, c.width(), f.y0, kWhite);
  c.fill_rect(0, f.y1, c.width(), c.height(), kWhite);
  c.fill_rect(0, 0, f.x0, c.height(), kWhite);
  c.fill_rect(f.x1, 0, c.width(), c.height(), kWhite);
  c.rect_outline(f.x0 - 1, f.y0 - 1, f.x1 + 1, f.y1 + 1, kBlack);
  if (!title.empty()) {
    const int scale = Canvas::text_width(title, 2) <= c.width() - 8 ? 2 : 1;
    c.text((c.width() - Canvas::text_width(title, scale)) / 2, 8, title, kBlack, scale);
  }
  if (!x_label.empty())
    c.text((f.x0 + f.x1 - Canvas::text_width(x_label)) / 2, c.height() - 14, x_label, kBlack);
  if (!y_label.empty())
    c.text_up(6, (f.y0 + f.y1 + Canvas::text_width(y_label)) / 2, y_label, kBlack);
}

void draw_legend(Canvas& c, const Frame& f, const std::vector<std::pair<std::string, Rgb>>& e) {
  if (e.empty()) return;
  int text = 0;
  for (const auto& [name, colour] : e)
    text = std::max(text, Canvas::text_width(name));
  const int w = text + 28, h = static_cast<int>(e.size()) * 12 + 6;
  const int x = f.x1 - w - 6, y = f.y0 + 6;
  c.fill_rect(x, y, x + w, y + h, kWhite);
  c.rect_outline(x, y, x + w, y + h, kGrey);
  for (size_t i = 0; i < e.size(); ++i) {
    const int row = y + 4 + static_cast<int>(i) * 12;
    c.fill_rect(x + 5, row + 1, x + 19, row + 6, e[i].second);
    c.text(x + 23, row, e[i].first, kBlack);
  }
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int count) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo) || count < 1) return {};
  const double raw = (hi - lo) / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  const double step = (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * magnitude;
  const double first = std::ceil(lo / step - 1e-9) * step;
  std::vector<double> out;
  for (int i = 0;; ++i) {
    double v = first + i * step;
    if (v > hi + step * 1e-9) break;
    if (std::fabs(v) < step * 1e-9) v = 0;
    out.push_back(v);
  }
  return out;
}

std::string tick_label(double value, double step) {
  const int decimals =
      step > 0 ? std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 6) : 2;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string s = buffer;
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

Canvas render_line_plot(const LinePlot& plot) {
  const std::string who = "line plot";
  require_size(plot.width, plot.height, who);
  std::vector<double> xs, ys;
  for (const LineSeries& s : plot.series) {
    if (s.x.size() != s.y.size()) {
      throw std::invalid_argument(who + ": series '" + s.name + "' has " +
                                  std::to_string(s.x.size()) + " x and " +
                                  std::to_string(s.y.size()) + " y values");
    }
    for (size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]))
        xs.push_back(s.x[i]), ys.push_back(s.y[i]);
  }
  ys.insert(ys.end(), plot.guides.begin(), plot.guides.end());
  Canvas c(plot.width, plot.height);
  const Frame f = make_frame(c, !plot.title.empty(),
                             plot.x_range ? checked(*plot.x_range, who) : data_range(xs, 0.0),
                             plot.y_range ? checked(*plot.y_range, who) : data_range(ys, 0.05));
  draw_y_axis(c, f, true);
  for (double g : plot.guides)
    c.line(f.x0, f.py(g), f.x1 - 1, f.py(g), kGrey, 1, 4);
  std::vector<std::pair<std::string, Rgb>> legend;
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const LineSeries& s = plot.series[k];
    const Rgb colour = s.colour.value_or(series_colour(k));
    if (!s.name.empty()) legend.emplace_back(s.name, colour);
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      const double x = f.px(s.x[i]), y = f.py(s.y[i]);
      if (plot.markers)
        c.fill_rect(static_cast<int>(std::lround(x)) - 2, static_cast<int>(std::lround(y)) - 2,
                    static_cast<int>(std::lround(x)) + 3, static_cast<int>(std::lround(y)) + 3,
                    colour);
      if (i + 1 < s.x.size() && std::isfinite(s.x[i + 1]) && std::isfinite(s.y[i + 1]))
        c.line(x, y, f.px(s.x[i + 1]), f.py(s.y[i + 1]), colour, 2);
    }
  }
  draw_surround(c, f, plot.title, plot.x_label, plot.y_label);
  draw_y_axis(c, f, false);
  const std::vector<double> ticks = nice_ticks(f.xlo, f.xhi);
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
  for (double v : ticks) {
    const double x = std::round(f.px(v));
    c.line(x, f.y1, x, f.y1 + 3, kBlack);
    const std::string label = tick_label(v, step);
    c.text(static_cast<int>(x) - Canvas::text_width(label) / 2, f.y1 + 7, label, kBlack);
  }
  draw_legend(c, f, legend);
  return c;
}

Canvas render_bar_plot(const BarPlot& plot) {
  const std::string who = "bar plot";
  require_size(plot.width, plot.height, who);
  if (plot.groups.empty()) throw std::invalid_argument(who + ": no groups");
  const size_t groups = plot.groups.size();
  std::vector<double> ends{0.0};
  for (const BarSeries& s : plot.series) {
    if (s.values.size() != groups || (!s.errors.empty() && s.errors.size() != groups)) {
      throw std::invalid_argument(who + ": series '" + s.name + "' needs " +
                                  std::to_string(groups) + " values (and errors, if any)");
    }
    for (size_t g = 0; g < groups; ++g) {
      const double e = s.errors.empty() || !std::isfinite(s.errors[g]) ? 0 : s.errors[g];
      ends.push_back(s.values[g] - e);
      ends.push_back(s.values[g] + e);
    }
  }
  std::pair<double, double> y = data_range(ends, 0.0);
  if (!plot.y_range) {
    const double pad = (y.second - y.first) * 0.05;
    if (y.second > 0) y.second += pad;
    if (y.first < 0) y.first -= pad;
  }
  Canvas c(plot.width, plot.height);
  const Frame f = make_frame(c, !plot.title.empty(), {0.0, static_cast<double>(groups)},
                             plot.y_range ? checked(*plot.y_range, who) : y);
  draw_y_axis(c, f, true);
  const double group_width = static_cast<double>(f.x1 - f.x0) / static_cast<double>(groups);
  const double bar_width =
      group_width * 0.8 / static_cast<double>(std::max<size_t>(plot.series.size(), 1));
  const double base = f.py(std::clamp(0.0, f.ylo, f.yhi));
  std::vector<std::pair<std::string, Rgb>> legend;
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const BarSeries& s = plot.series[k];
    const Rgb colour = s.colour.value_or(series_colour(k));
    legend.emplace_back(s.name, colour);
    for (size_t g = 0; g < groups; ++g) {
      if (!std::isfinite(s.values[g])) continue;
      const double left =
          f.x0 + group_width * (static_cast<double>(g) + 0.1) + bar_width * static_cast<double>(k);
      const double top = std::clamp(f.py(s.values[g]), -1.0, c.height() + 1.0);
      c.fill_rect(static_cast<int>(std::lround(left)),
                  static_cast<int>(std::lround(std::min(top, base))),
                  static_cast<int>(std::lround(left + bar_width)) - 1,
                  static_cast<int>(std::lround(std::max(top, base))), colour);
      if (s.errors.empty() || !std::isfinite(s.errors[g])) continue;
      const double mid = left + bar_width / 2, lo = f.py(s.values[g] - s.errors[g]),
                   hi = f.py(s.values[g] + s.errors[g]);
      c.line(mid, lo, mid, hi, kBlack);
      c.line(mid - 3, lo, mid + 3, lo, kBlack);
      c.line(mid - 3, hi, mid + 3, hi, kBlack);
    }
  }
  if (0 > f.ylo && 0 < f.yhi) c.line(f.x0, base, f.x1 - 1, base, kBlack);
  draw_surround(c, f, plot.title, "", plot.y_label);
  draw_y_axis(c, f, false);
  for (size_t g = 0; g < groups; ++g) {
    const double x = std::round(f.x0 + group_width * (static_cast<double>(g) + 0.5));
    c.line(x, f.y1, x, f.y1 + 3, kBlack);
    c.text(static_cast<int>(x) - Canvas::text_width(plot.groups[g]) / 2, f.y1 + 7, plot.groups[g],
           kBlack);
  }
  draw_legend(c, f, legend);
  return c;
}

void write_line_plot(const std::filesystem::path& path, const LinePlot& plot) {
  write_png(path, render_line_plot(plot));
}

void write_bar_plot(const std::filesystem::path& path, const BarPlot& plot) {
  write_png(path, render_bar_plot(plot));
}

}  // namespace jobs
