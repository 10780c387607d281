#include "app/gui/time_series_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QVBoxLayout>

#include "app/gui/run_annotations.h"
#include "viewers/time_series_chart.h"

namespace gui {

TimeSeriesPanel::TimeSeriesPanel(QWidget* parent) : QWidget(parent) {
  chart_ = new viewers::TimeSeriesChart(this);
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setObjectName("volume_slider");
  slider_->setEnabled(false);
  volume_label_ = new QLabel("3-D image", this);
  volume_label_->setMinimumWidth(140);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel("Volume", this));
  row->addWidget(slider_, 1);
  row->addWidget(volume_label_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(row);
  layout->addWidget(chart_, 1);

  connect(slider_, &QSlider::valueChanged, this, [this](int volume) {
    chart_->set_current_volume(volume);
    if (volume_) {
      volume_label_->setText(QString("%1 / %2 (%3 s)")
                                 .arg(volume)
                                 .arg(volume_->frames() - 1)
                                 .arg(volume * volume_->tr_seconds()));
    }
    emit volume_changed(volume);
  });
  connect(chart_, &viewers::TimeSeriesChart::volume_clicked, this, &TimeSeriesPanel::set_volume);
}

void TimeSeriesPanel::set_underlay(std::shared_ptr<const neuro::Volume> volume,
                                   const std::filesystem::path& source) {
  volume_ = std::move(volume);
  source_ = source;
  events_file_.clear();
  chart_->clear();
  const bool four_d = volume_ && volume_->frames() > 1;
  slider_->blockSignals(true);
  slider_->setRange(0, four_d ? static_cast<int>(volume_->frames()) - 1 : 0);
  slider_->setValue(0);
  slider_->blockSignals(false);
  slider_->setEnabled(four_d);
  volume_label_->setText(four_d ? QString("0 / %1").arg(volume_->frames() - 1) : "3-D image");
  if (!four_d) return;
  if (const auto events = events_file_for(source)) {
    try {
      chart_->set_events(read_event_intervals(*events));
      events_file_ = *events;
    } catch (const std::exception&) {
      // A broken events file leaves the plot without bands, not the image unshown.
    }
  }
}

void TimeSeriesPanel::set_cursor(const viewers::WorldPoint& world) {
  if (!volume_ || volume_->frames() < 2) return;
  const auto voxel = viewers::nearest_voxel(volume_->grid(), world);
  if (!voxel) return;
  const auto [i, j, k] = *voxel;
  std::vector<float> values(static_cast<size_t>(volume_->frames()));
  for (int64_t t = 0; t < volume_->frames(); ++t)
    values[static_cast<size_t>(t)] = volume_->at(i, j, k, t);
  const double tr = volume_->tr_seconds() > 0 ? volume_->tr_seconds() : 1.0;
  chart_->set_series(std::move(values), tr, QString("voxel %1, %2, %3").arg(i).arg(j).arg(k));
  chart_->set_current_volume(slider_->value());
}

void TimeSeriesPanel::load_decoded_timeline(const std::filesystem::path& timeline) {
  if (!volume_ || volume_->frames() < 2) {
    throw std::runtime_error(timeline.string() + ": open a 4-D run first");
  }
  const double tr = volume_->tr_seconds() > 0 ? volume_->tr_seconds() : 1.0;
  auto decoded = read_decoded_intervals(timeline, source_, tr);
  if (decoded.empty()) {
    throw std::runtime_error(timeline.string() + ": no decoded frame of " +
                             source_.filename().string());
  }
  chart_->set_timeline(std::move(decoded));
}

void TimeSeriesPanel::set_volume(int volume) {
  slider_->setValue(volume);
}

int TimeSeriesPanel::volume() const {
  return slider_->value();
}

}  // namespace gui
