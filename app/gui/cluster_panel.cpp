#include "app/gui/cluster_panel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gui {
namespace {

enum Column { kId, kSize, kPeakValue, kPeakX, kPeakY, kPeakZ, kRegion, kColumnCount };

// One time point of `map` as a 3-D volume, negated when `sign` is -1.
neuro::Volume frame_volume(const neuro::Volume& map, int64_t frame, int sign) {
  neuro::Volume volume(map.grid(), 1);
  volume.set_source(map.source());
  const auto from = map.frame(frame);
  auto to = volume.frame(0);
  for (size_t v = 0; v < from.size(); ++v)
    to[v] = static_cast<float>(sign) * from[v];
  return volume;
}

QTableWidgetItem* number_item(double value, int decimals) {
  auto* item = new QTableWidgetItem(QString::number(value, 'f', decimals));
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

QString threshold_text(double positive, double negative) {
  const QString below = negative == 0 ? QString("0") : QString("\u2212%1").arg(negative, 0, 'g', 4);
  return QString("(values > %1 or < %2)").arg(positive, 0, 'g', 4).arg(below);
}

}  // namespace

std::vector<neuro::Cluster> overlay_clusters(const neuro::Volume& map, int64_t frame,
                                             double positive, double negative,
                                             const neuro::LabelAtlas* atlas) {
  const std::string name = map.source().empty() ? "overlay" : map.source();
  if (!std::isfinite(positive) || !std::isfinite(negative) || positive < 0 || negative < 0) {
    throw std::invalid_argument(name + ": cluster thresholds must be finite and >= 0");
  }
  if (frame < 0 || frame >= map.frames()) {
    throw std::invalid_argument(name + ": no time point " + std::to_string(frame) + " (it has " +
                                std::to_string(map.frames()) + ")");
  }
  neuro::ClusterOptions options;
  options.threshold = positive;
  std::vector<neuro::Cluster> clusters =
      neuro::find_clusters(frame_volume(map, frame, 1), options, atlas);
  // The negative side as the positive side of the negated map: the same
  // peaks, sizes and centres with the sign turned back.
  options.threshold = negative;
  for (neuro::Cluster c : neuro::find_clusters(frame_volume(map, frame, -1), options, atlas)) {
    c.sign = -1;
    c.peak_value = -c.peak_value;
    clusters.push_back(std::move(c));
  }
  // find_clusters' order, so that equal thresholds give its table exactly.
  neuro::order_clusters(clusters, map.grid());
  return clusters;
}

ClusterPanel::ClusterPanel(QWidget* parent) : QWidget(parent) {
  summary_ = new QLabel("No overlay.", this);
  summary_->setObjectName("cluster_summary");
  summary_->setWordWrap(true);
  table_ = new QTableWidget(0, kColumnCount, this);
  table_->setObjectName("cluster_table");
  table_->setHorizontalHeaderLabels(
      {"Cluster", "Size (mm\u00b3)", "Peak", "x (mm)", "y (mm)", "z (mm)", "Region at peak"});
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setToolTip("Double-click a row to put the cursor on the cluster's peak.");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(summary_);
  layout->addWidget(table_, 1);

  debounce_ = new QTimer(this);
  debounce_->setSingleShot(true);
  debounce_->setInterval(kDebounceMs);
  connect(debounce_, &QTimer::timeout, this, &ClusterPanel::recompute);
  connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
    const QTableWidgetItem* id = table_->item(row, kId);
    if (!id) return;
    const auto index = static_cast<size_t>(id->data(Qt::UserRole).toInt());
    if (index >= clusters_.size()) return;
    const auto& peak = clusters_[index].peak_mm;
    emit peak_chosen(peak[0], peak[1], peak[2]);
  });
}

void ClusterPanel::set_map(std::shared_ptr<const neuro::Volume> map, int64_t frame, double positive,
                           double negative) {
  map_ = std::move(map);
  frame_ = map_ ? std::clamp<int64_t>(frame, 0, map_->frames() - 1) : 0;
  positive_ = positive;
  negative_ = negative;
  recompute();
}

void ClusterPanel::set_frame(int64_t frame) {
  if (!map_) return;
  const int64_t clamped = std::clamp<int64_t>(frame, 0, map_->frames() - 1);
  if (clamped == frame_) return;
  frame_ = clamped;
  recompute();
}

void ClusterPanel::clear_map() {
  map_.reset();
  recompute();
}

void ClusterPanel::set_atlas(std::shared_ptr<const neuro::LabelAtlas> atlas) {
  atlas_ = std::move(atlas);
  if (map_) recompute();
}

void ClusterPanel::set_thresholds(double positive, double negative) {
  positive_ = positive;
  negative_ = negative;
  if (map_) debounce_->start();
}

void ClusterPanel::recompute() {
  debounce_->stop();
  clusters_.clear();
  if (!map_) {
    summary_->setText("No overlay.");
  } else {
    try {
      clusters_ = overlay_clusters(*map_, frame_, positive_, negative_, atlas_.get());
      QString text = QString("%1 cluster%2 %3")
                         .arg(clusters_.size())
                         .arg(clusters_.size() == 1 ? "" : "s")
                         .arg(threshold_text(positive_, negative_));
      if (clusters_.size() > static_cast<size_t>(kMaxRows))
        text += QString(" (the first %1 shown)").arg(kMaxRows);
      summary_->setText(text);
    } catch (const std::exception& e) {
      summary_->setText(QString::fromStdString(e.what()));
    }
  }
  show_clusters();
  emit clusters_changed();
}

void ClusterPanel::show_clusters() {
  const int rows = static_cast<int>(std::min(clusters_.size(), static_cast<size_t>(kMaxRows)));
  table_->setRowCount(rows);
  for (int row = 0; row < rows; ++row) {
    const neuro::Cluster& c = clusters_[static_cast<size_t>(row)];
    auto* id = new QTableWidgetItem(QString::number(c.id));
    id->setData(Qt::UserRole, row);
    table_->setItem(row, kId, id);
    table_->setItem(row, kSize, number_item(c.size_mm3, 0));
    table_->setItem(row, kPeakValue, number_item(c.peak_value, 3));
    table_->setItem(row, kPeakX, number_item(c.peak_mm[0], 1));
    table_->setItem(row, kPeakY, number_item(c.peak_mm[1], 1));
    table_->setItem(row, kPeakZ, number_item(c.peak_mm[2], 1));
    // Blank without an atlas or outside every region, as the status bar.
    const bool named = atlas_ && c.peak_label != 0;
    table_->setItem(row, kRegion,
                    new QTableWidgetItem(named ? QString::fromStdString(c.peak_region) : ""));
  }
  table_->resizeColumnsToContents();
}

}  // namespace gui
