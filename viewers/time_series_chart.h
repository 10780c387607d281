#pragma once
// One time series against time, for a region or a voxel: the values per
// volume (x in seconds = volume * TR), the experiment's events as shaded
// bands behind the line, the decoder's state per window as a thin strip along
// the bottom (same colour per state as the bands), and a vertical marker at
// the current volume. A click on the plot emits the nearest volume.

#include <QWidget>

#include <map>
#include <string>
#include <vector>

#include "viewers/time_series_model.h"

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace viewers {

class TimeSeriesChart : public QWidget {
  Q_OBJECT

 public:
  explicit TimeSeriesChart(QWidget* parent = nullptr);
  ~TimeSeriesChart() override;

  // One value per volume; throws std::invalid_argument for a TR <= 0.
  void set_series(std::vector<float> values, double tr_seconds, const QString& name = {});
  void set_events(std::vector<StateInterval> events);
  void set_timeline(std::vector<StateInterval> decoded);
  void clear();

  // The marker's volume, clamped to the series; -1 hides it.
  void set_current_volume(int volume);
  int current_volume() const { return current_volume_; }

  int volume_count() const { return static_cast<int>(values_.size()); }
  const std::vector<float>& values() const { return values_; }
  const std::vector<StateInterval>& events() const { return events_; }
  const std::vector<StateInterval>& timeline() const { return timeline_; }
  double tr_seconds() const { return tr_seconds_; }
  // The colour each state is drawn in (bands at kBandAlpha, timeline opaque).
  const std::map<std::string, Rgba>& colours() const { return colours_; }
  // The y range of the plot, of the data's bands, and of the timeline strip.
  std::array<double, 2> band_range() const { return band_range_; }
  std::array<double, 2> timeline_range() const { return timeline_range_; }
  // The marker's x in seconds; NaN when hidden.
  double marker_seconds() const;

  // Where a (seconds, value) point of the plot is drawn, in the coordinates
  // of chart_view()->viewport() (where mouse events arrive).
  QPointF viewport_position_of(double seconds, double value) const;

  QChart* chart() const { return chart_; }
  QChartView* chart_view() const { return view_; }

  QSize sizeHint() const override { return {720, 220}; }

 signals:
  void volume_clicked(int volume);

 private:
  void rebuild();
  void place_marker();
  void clicked_at(const QPointF& viewport_position);

  QChart* chart_ = nullptr;
  QChartView* view_ = nullptr;
  QValueAxis* x_axis_ = nullptr;
  QValueAxis* y_axis_ = nullptr;
  QLineSeries* values_series_ = nullptr;
  QLineSeries* marker_series_ = nullptr;
  std::vector<float> values_;
  double tr_seconds_ = 1;
  QString name_;
  std::vector<StateInterval> events_;
  std::vector<StateInterval> timeline_;
  std::map<std::string, Rgba> colours_;
  std::array<double, 2> band_range_{0, 1};
  std::array<double, 2> timeline_range_{0, 0};
  int current_volume_ = -1;
};

}  // namespace viewers
