#pragma once
// The 4-D side of the window: a volume slider for the underlay's time points
// and a plot of the voxel under the cursor over time, with the run's events
// as bands and, once a decoding timeline is loaded, the decoded state along
// the bottom. A click on the plot or a move of the slider picks the volume.

#include <QWidget>

#include <filesystem>
#include <memory>

#include "neuro/image/volume.h"
#include "viewers/slice.h"

class QLabel;
class QSlider;

namespace viewers {
class TimeSeriesChart;
}

namespace gui {

class TimeSeriesPanel : public QWidget {
  Q_OBJECT

 public:
  explicit TimeSeriesPanel(QWidget* parent = nullptr);

  // A new underlay from `source` (its events.tsv is looked for beside it).
  void set_underlay(std::shared_ptr<const neuro::Volume> volume,
                    const std::filesystem::path& source);
  // Plots the voxel under `world` (a 4-D underlay only).
  void set_cursor(const viewers::WorldPoint& world);
  // The decoded state of this run from a decoding results' *_timeline.tsv;
  // throws std::runtime_error("<file>: ...") and keeps the plot as it was.
  void load_decoded_timeline(const std::filesystem::path& timeline);
  void set_volume(int volume);
  int volume() const;

  viewers::TimeSeriesChart* chart() const { return chart_; }
  QSlider* slider() const { return slider_; }
  // Where the events came from; empty when none were found.
  const std::filesystem::path& events_file() const { return events_file_; }

 signals:
  void volume_changed(int volume);

 private:
  std::shared_ptr<const neuro::Volume> volume_;
  std::filesystem::path source_;
  std::filesystem::path events_file_;
  viewers::TimeSeriesChart* chart_;
  QSlider* slider_;
  QLabel* volume_label_;
};

}  // namespace gui
