#pragma once
// The cluster table of the overlay at the overlay panel's thresholds: one row
// per connected group of voxels beyond them (size, peak value, peak in mm,
// atlas region at the peak), recomputed a moment after the thresholds stop
// changing; a double-click on a row asks for the cursor on that peak.

#include <QWidget>

#include <cstdint>
#include <memory>
#include <vector>

#include "neuro/atlas/label_atlas.h"
#include "neuro/image/volume.h"
#include "neuro/maps/cluster_table.h"

class QLabel;
class QTableWidget;
class QTimer;

namespace gui {

// Clusters of time point `frame` of `map`: positive ones of voxels above
// `positive`, negative ones of voxels below -`negative` (strictly, as
// neuro::find_clusters compares; the views hide values short of the
// thresholds), in find_clusters' order and numbering. With equal thresholds
// this is find_clusters(two_sided). Throws std::invalid_argument for a
// negative or non-finite threshold or a frame the map does not have.
std::vector<neuro::Cluster> overlay_clusters(const neuro::Volume& map, int64_t frame,
                                             double positive, double negative,
                                             const neuro::LabelAtlas* atlas);

class ClusterPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ClusterPanel(QWidget* parent = nullptr);

  // The table follows `map` (time point `frame`) at the given thresholds;
  // computed at once.
  void set_map(std::shared_ptr<const neuro::Volume> map, int64_t frame, double positive,
               double negative);
  void clear_map();
  // The time point of a 4-D map; recomputes when it changes the frame used.
  void set_frame(int64_t frame);
  void set_atlas(std::shared_ptr<const neuro::LabelAtlas> atlas);
  // Recomputes after `debounce_ms` without a further change.
  void set_thresholds(double positive, double negative);
  // Recomputes now (and cancels a pending recomputation).
  void recompute();

  const std::vector<neuro::Cluster>& clusters() const { return clusters_; }
  QTableWidget* table() const { return table_; }
  static constexpr int kDebounceMs = 250;
  // Rows beyond this many are left out of the table (the count says so).
  static constexpr int kMaxRows = 1000;

 signals:
  void peak_chosen(double x_mm, double y_mm, double z_mm);
  void clusters_changed();

 private:
  void show_clusters();

  QLabel* summary_;
  QTableWidget* table_;
  QTimer* debounce_;
  std::shared_ptr<const neuro::Volume> map_;
  std::shared_ptr<const neuro::LabelAtlas> atlas_;
  int64_t frame_ = 0;
  double positive_ = 0;
  double negative_ = 0;
  std::vector<neuro::Cluster> clusters_;
};

}  // namespace gui
