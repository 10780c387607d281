#include "app/gui/loss_chart.h"

#include <QChart>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace gui {

LossChart::LossChart(QWidget* parent)
    : QChartView(parent), steps_axis_(new QValueAxis), value_axis_(new QValueAxis) {
  setObjectName("loss_chart");
  auto* chart = new QChart;
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->setMargins(QMargins(2, 2, 2, 2));
  steps_axis_->setTitleText("step");
  steps_axis_->setLabelFormat("%.0f");
  value_axis_->setTitleText("loss");
  value_axis_->setLabelFormat("%.3g");
  chart->addAxis(steps_axis_, Qt::AlignBottom);
  chart->addAxis(value_axis_, Qt::AlignLeft);
  setChart(chart);
  setRenderHint(QPainter::Antialiasing);
  setMinimumHeight(220);
  clear();
}

void LossChart::clear() {
  chart()->removeAllSeries();  // deletes them
  lines_.clear();
  current_line_.clear();
  lines_of_series_.clear();
  empty_ = true;
  steps_axis_->setRange(0, 1);
  value_axis_->setRange(0, 1);
}

QLineSeries* LossChart::line_for(const QString& series, double step) {
  QLineSeries* line = current_line_.value(series, nullptr);
  if (line && (line->count() == 0 || line->at(line->count() - 1).x() < step)) return line;
  const int n = ++lines_of_series_[series];
  line = new QLineSeries;
  line->setName(n == 1 ? series : QString("%1 (%2)").arg(series).arg(n));
  chart()->addSeries(line);
  line->attachAxis(steps_axis_);
  line->attachAxis(value_axis_);
  current_line_[series] = line;
  lines_.append(line);
  return line;
}

void LossChart::add_point(const QString& series, double step, double value) {
  if (!std::isfinite(step) || !std::isfinite(value)) return;  // a skipped step draws nothing
  line_for(series, step)->append(step, value);
  grow_axes(step, value);
}

void LossChart::grow_axes(double step, double value) {
  if (empty_) {
    min_step_ = max_step_ = step;
    min_value_ = max_value_ = value;
    empty_ = false;
  }
  min_step_ = std::min(min_step_, step);
  max_step_ = std::max(max_step_, step);
  min_value_ = std::min(min_value_, value);
  max_value_ = std::max(max_value_, value);
  const double span = max_value_ - min_value_;
  const double pad = span > 0 ? 0.05 * span : std::max(1e-3, 0.05 * std::abs(max_value_));
  steps_axis_->setRange(min_step_, std::max(max_step_, min_step_ + 1));
  value_axis_->setRange(min_value_ - pad, max_value_ + pad);
}

QStringList LossChart::line_names() const {
  QStringList names;
  for (const QLineSeries* line : lines_)
    names << line->name();
  return names;
}

QList<QPointF> LossChart::points(const QString& line) const {
  for (const QLineSeries* l : lines_) {
    if (l->name() == line) return l->points();
  }
  return {};
}

}  // namespace gui
