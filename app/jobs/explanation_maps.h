#pragma once
// Parcel relevance into brain space: a parcel vector painted onto the atlas's
// voxels, written as a BIDS-derivatives statmap with its cluster table.

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "neuro/atlas/extraction.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/maps/statmap_export.h"

namespace jobs {

// The atlas's voxels, and where each of a model's parcels (by name) is among
// the atlas's regions. A label atlas paints each parcel's value on its
// voxels; a probabilistic one paints the weighted sum of its maps (the image
// its least-squares fit models), and names clusters by the strongest map.
class ParcelPainter {
 public:
  // Throws std::runtime_error "<atlas>: <problem>" when a parcel name is not
  // a region of the atlas.
  ParcelPainter(const std::filesystem::path& atlas, const std::vector<std::string>& parcels,
                const std::optional<std::filesystem::path>& names);

  // The labels (for a probabilistic atlas: each voxel's strongest map, label
  // k + 1 for map k) that cluster tables name regions from.
  const neuro::LabelAtlas& atlas() const { return *atlas_; }
  // The atlas label of each model parcel.
  const std::vector<int>& labels() const { return labels_; }
  // values [P] in the model's parcel order -> a 3-D map on the atlas grid.
  neuro::Volume paint(std::span<const float> values) const;

 private:
  std::optional<neuro::LabelAtlas> atlas_;
  std::optional<neuro::LabelsMasker> labels_masker_;
  std::optional<neuro::MapsMasker> maps_masker_;
  size_t regions_ = 0;                // parcels of the masker
  std::vector<size_t> masker_index_;  // model parcel -> masker parcel
  std::vector<int> labels_;
};

// Writes `map` as a BIDS statmap and, given a threshold, its two-sided cluster
// table beside it (..._clusters.tsv) with the regions of `atlas`; returns the
// image's path.
std::filesystem::path write_map_and_clusters(const neuro::Volume& map,
                                             const neuro::StatmapInfo& info,
                                             const std::filesystem::path& folder,
                                             const neuro::StatmapName& name,
                                             std::optional<double> cluster_threshold,
                                             const neuro::LabelAtlas& atlas);

// A state's real name (tables, sidecars) and the label its files carry
// (neuro::state_file_labels).
struct NamedState {
  std::string name;
  std::string label;
};

// Short statistic labels for file names ("lrp", "ig", ...): BIDS entities
// take letters and digits only.
std::string method_stat_label(const std::string& method);

// Writes the map (intent ESTIMATE, name "relevance-<label>") and its cluster
// table at the given threshold beside it; returns the image path.
std::filesystem::path export_relevance_map(const neuro::Volume& map, const ParcelPainter& painter,
                                           const std::filesystem::path& folder,
                                           const std::string& subject, const std::string& space,
                                           const std::string& method, const NamedState& state,
                                           double threshold);

// The same per frame of the window: frames [L, P] painted into a 4-D map
// (one volume per frame, oldest first, the decision at the last) with
// stat-<label>time and `tr` between volumes; no cluster table.
std::filesystem::path export_relevance_frames(std::span<const float> frames, int64_t frame_count,
                                              const ParcelPainter& painter,
                                              const std::filesystem::path& folder,
                                              const std::string& space, const std::string& method,
                                              const NamedState& state, double tr);

// The group level over subjects' maps of one state: a one-sample t test per
// parcel of subject_maps [S, P] (S >= 2), written as sub-group
// stat-<label>z with intent ZSCORE and its cluster table at |z| >= 2.3.
std::filesystem::path export_group_z(std::span<const double> subject_maps, int64_t subjects,
                                     const ParcelPainter& painter,
                                     const std::filesystem::path& folder, const std::string& space,
                                     const std::string& method, const NamedState& state);

}  // namespace jobs
