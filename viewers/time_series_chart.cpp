#include "viewers/time_series_chart.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QMouseEvent>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

namespace viewers {
namespace {

QColor to_qcolor(const Rgba& c) {
  return QColor(c.r, c.g, c.b, c.a);
}

// A chart view that reports left clicks on the plot area.
class ClickableChartView : public QChartView {
 public:
  ClickableChartView(QChart* chart, std::function<void(const QPointF&)> on_click)
      : QChartView(chart), on_click_(std::move(on_click)) {}

 protected:
  void mousePressEvent(QMouseEvent* event) override {
    if (event->button() == Qt::LeftButton) {
      on_click_(event->position());
      event->accept();
      return;
    }
    QChartView::mousePressEvent(event);
  }

 private:
  std::function<void(const QPointF&)> on_click_;
};

// A filled rectangle from x0 to x1 between two y values, as an area series.
QAreaSeries* rectangle(double x0, double x1, double y0, double y1, const QColor& fill) {
  auto* upper = new QLineSeries;
  upper->append(x0, y1);
  upper->append(x1, y1);
  auto* lower = new QLineSeries;
  lower->append(x0, y0);
  lower->append(x1, y0);
  auto* area = new QAreaSeries(upper, lower);
  upper->setParent(area);
  lower->setParent(area);
  area->setBrush(fill);
  area->setPen(Qt::NoPen);
  return area;
}

}  // namespace

TimeSeriesChart::TimeSeriesChart(QWidget* parent) : QWidget(parent) {
  chart_ = new QChart;
  chart_->legend()->hide();
  chart_->setAnimationOptions(QChart::NoAnimation);
  chart_->setMargins(QMargins(4, 4, 4, 4));
  x_axis_ = new QValueAxis;
  x_axis_->setTitleText("time (s)");
  x_axis_->setLabelFormat("%g");
  y_axis_ = new QValueAxis;
  y_axis_->setLabelFormat("%.3g");
  chart_->addAxis(x_axis_, Qt::AlignBottom);
  chart_->addAxis(y_axis_, Qt::AlignLeft);
  view_ = new ClickableChartView(chart_, [this](const QPointF& p) { clicked_at(p); });
  view_->setRenderHint(QPainter::Antialiasing, true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_);
  rebuild();
}

TimeSeriesChart::~TimeSeriesChart() = default;

void TimeSeriesChart::set_series(std::vector<float> values, double tr_seconds,
                                 const QString& name) {
  if (!(tr_seconds > 0)) {
    throw std::invalid_argument("time series: the TR must be positive, got " +
                                std::to_string(tr_seconds));
  }
  values_ = std::move(values);
  tr_seconds_ = tr_seconds;
  name_ = name;
  if (current_volume_ >= volume_count()) current_volume_ = volume_count() - 1;
  rebuild();
}

void TimeSeriesChart::set_events(std::vector<StateInterval> events) {
  events_ = std::move(events);
  rebuild();
}

void TimeSeriesChart::set_timeline(std::vector<StateInterval> decoded) {
  timeline_ = std::move(decoded);
  rebuild();
}

void TimeSeriesChart::clear() {
  values_.clear();
  events_.clear();
  timeline_.clear();
  current_volume_ = -1;
  rebuild();
}

void TimeSeriesChart::set_current_volume(int volume) {
  current_volume_ = volume < 0 || values_.empty() ? -1 : std::min(volume, volume_count() - 1);
  place_marker();
}

double TimeSeriesChart::marker_seconds() const {
  if (current_volume_ < 0) return std::numeric_limits<double>::quiet_NaN();
  return seconds_of_volume(current_volume_, tr_seconds_);
}

QPointF TimeSeriesChart::viewport_position_of(double seconds, double value) const {
  const QPointF in_chart = chart_->mapToPosition(QPointF(seconds, value), values_series_);
  return view_->mapFromScene(chart_->mapToScene(in_chart));
}

void TimeSeriesChart::clicked_at(const QPointF& viewport_position) {
  if (values_.empty() || !values_series_) return;
  const QPointF in_chart = chart_->mapFromScene(view_->mapToScene(viewport_position.toPoint()));
  if (!chart_->plotArea().contains(in_chart)) return;
  const QPointF value = chart_->mapToValue(in_chart, values_series_);
  emit volume_clicked(volume_at_seconds(value.x(), tr_seconds_, volume_count()));
}

void TimeSeriesChart::rebuild() {
  chart_->removeAllSeries();
  values_series_ = nullptr;
  marker_series_ = nullptr;
  colours_ = state_colours(events_, timeline_);

  double lo = 0, hi = 1;
  if (!values_.empty()) {
    lo = std::numeric_limits<double>::max();
    hi = -std::numeric_limits<double>::max();
    for (float v : values_) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, static_cast<double>(v));
      hi = std::max(hi, static_cast<double>(v));
    }
    if (lo > hi) lo = 0, hi = 1;
    if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
  }
  const double pad = 0.05 * (hi - lo);
  band_range_ = {lo - pad, hi + pad};
  // The decoded strip sits under the data, a tenth of its height.
  const double strip = timeline_.empty() ? 0.0 : 0.1 * (band_range_[1] - band_range_[0]);
  timeline_range_ = {band_range_[0] - strip, band_range_[0] - 0.02 * strip};
  const double last_second =
      values_.size() > 1 ? seconds_of_volume(volume_count() - 1, tr_seconds_) : tr_seconds_;

  // Added first, drawn first: the bands lie behind the line.
  const auto attach = [&](QAbstractSeries* series) {
    chart_->addSeries(series);
    series->attachAxis(x_axis_);
    series->attachAxis(y_axis_);
  };
  for (const StateInterval& e : events_) {
    attach(rectangle(e.onset, e.onset + e.duration, band_range_[0], band_range_[1],
                     to_qcolor(band_colour(colours_, e.state))));
  }
  for (const StateInterval& t : timeline_) {
    attach(rectangle(t.onset, t.onset + t.duration, timeline_range_[0], timeline_range_[1],
                     to_qcolor(colours_.at(t.state))));
  }
  values_series_ = new QLineSeries;
  values_series_->setName(name_);
  values_series_->setPen(QPen(QColor(20, 20, 20), 1.5));
  for (size_t v = 0; v < values_.size(); ++v) {
    values_series_->append(seconds_of_volume(static_cast<int>(v), tr_seconds_), values_[v]);
  }
  attach(values_series_);
  marker_series_ = new QLineSeries;
  marker_series_->setPen(QPen(QColor(0, 150, 0), 2));
  attach(marker_series_);

  x_axis_->setRange(0, last_second);
  y_axis_->setRange(timeline_.empty() ? band_range_[0] : timeline_range_[0], band_range_[1]);
  place_marker();
}

void TimeSeriesChart::place_marker() {
  if (!marker_series_) return;
  marker_series_->clear();
  if (current_volume_ < 0) return;
  const double x = marker_seconds();
  marker_series_->append(x, y_axis_->min());
  marker_series_->append(x, y_axis_->max());
}

}  // namespace viewers
