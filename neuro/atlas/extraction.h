#pragma once
// Time-series extraction: a 4-D BOLD series becomes one signal per region,
// [T, P], as nilearn's NiftiLabelsMasker (strategy "mean") and NiftiMapsMasker
// compute them.
//
// A masker is built once per atlas, brain mask and grid, and then extracts any
// number of runs on that grid. The atlas and mask must already be on the data
// grid (LabelAtlas::resampled_to, BrainMask::from_volume): resampling happens
// once per atlas, never per run. Regions left without a voxel inside the
// mask are dropped, as nilearn drops them, and listed in dropped_*().

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuro/atlas/brain_mask.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/atlas/probabilistic_atlas.h"
#include "neuro/image/frame_series.h"
#include "neuro/image/volume.h"
#include "neuro/series/parcel_series.h"

namespace kernels::cpu {
class PivotedQr;
}

namespace neuro {

// Mean of the in-mask voxels of each label.
class LabelsMasker {
 public:
  // Throws when the grids differ or when no labelled voxel lies inside the
  // data's field of view and the mask.
  LabelsMasker(const LabelAtlas& atlas, const BrainMask& mask);

  const Grid& grid() const { return grid_; }
  const std::string& atlas_source() const { return atlas_source_; }
  int64_t parcel_count() const { return static_cast<int64_t>(labels_.size()); }
  const std::vector<int>& labels() const { return labels_; }            // [P], ascending
  const std::vector<std::string>& names() const { return names_; }      // [P]
  const std::vector<int64_t>& voxel_counts() const { return counts_; }  // [P]
  // Atlas labels with no voxel inside the mask on this grid, and a sentence
  // naming them for the user ("" when none was dropped).
  const std::vector<int>& dropped_labels() const { return dropped_labels_; }
  std::string dropped_report() const;

  // The voxels used, in grid order, and the parcel each belongs to.
  std::span<const int64_t> voxels() const { return voxels_; }              // [N]
  std::span<const int32_t> parcel_of_voxel() const { return parcel_of_; }  // [N]

  // [T, P]. Throws when `bold` is on another grid or has NaN voxels inside
  // the atlas and mask.
  ParcelSeries extract(const Volume& bold) const;
  // The same, reading frame by frame (e.g. StoredImage::frames_view()).
  ParcelSeries extract(const FrameSeries& bold) const;

 private:
  Grid grid_;
  std::string atlas_source_;
  std::vector<int> labels_;
  std::vector<std::string> names_;
  std::vector<int64_t> counts_;
  std::vector<int> dropped_labels_;
  std::vector<std::string> dropped_names_;
  std::vector<int64_t> voxels_;
  std::vector<int32_t> parcel_of_;
};

// Least-squares fit of the maps to each frame: for frame t, x_t [P] minimises
// || maps · x_t - bold_t || over the in-mask voxels where some map is nonzero.
// The maps are factorised once (Householder QR) and every frame reuses it.
class MapsMasker {
 public:
  // Throws when the grids differ, when no map reaches inside the data's field
  // of view and the mask, or when the kept maps are linearly dependent there
  // (their signals would not be defined).
  MapsMasker(const ProbabilisticAtlas& atlas, const BrainMask& mask);

  const Grid& grid() const { return grid_; }
  const std::string& atlas_source() const { return atlas_source_; }
  int64_t parcel_count() const { return static_cast<int64_t>(map_indices_.size()); }
  const std::vector<int64_t>& map_indices() const { return map_indices_; }  // [P] atlas volume
  const std::vector<std::string>& names() const { return names_; }          // [P]
  // Maps that are zero everywhere inside the mask on this grid.
  const std::vector<int64_t>& dropped_maps() const { return dropped_maps_; }
  std::string dropped_report() const;

  std::span<const int64_t> voxels() const { return voxels_; }   // [N]
  std::span<const double> weights() const { return weights_; }  // [N, P] the maps on voxels()

  // [T, P]. Throws when `bold` is on another grid or has NaN voxels inside
  // the maps' support and the mask.
  ParcelSeries extract(const Volume& bold) const;
  // The same, reading frame by frame (e.g. StoredImage::frames_view()).
  ParcelSeries extract(const FrameSeries& bold) const;

 private:
  Grid grid_;
  std::string atlas_source_;
  std::vector<int64_t> map_indices_;
  std::vector<std::string> names_;
  std::vector<int64_t> dropped_maps_;
  std::vector<std::string> dropped_names_;
  std::vector<int64_t> voxels_;
  std::vector<double> weights_;
  std::shared_ptr<const kernels::cpu::PivotedQr> qr_;
};

}  // namespace neuro
