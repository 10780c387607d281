#pragma once
// A deterministic atlas: one integer label per voxel (0 = background) and a
// name for every label.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "neuro/atlas/region_names.h"
#include "neuro/image/volume.h"

namespace neuro {

struct AtlasOptions {
  // A names file given by the user; otherwise one is looked for beside the
  // atlas image, then among the shipped ones (see find_region_names).
  std::optional<std::filesystem::path> names_file;
  // The folder that holds atlases/HarvardOxford-Cortical.xml and friends
  // (the repository's resources/ or the installed share/neuroseq/resources).
  // Empty: shipped names are not looked for.
  std::filesystem::path resources_dir;
};

// Telling a label image from an intensity image (a T1w or a BOLD frame given
// to --atlas by mistake). Non-integer values settle it at once. Integer
// intensity images (8-bit templates such as mricron's ch2, 16-bit raw scans)
// are told apart by their neighbours: in a label atlas most face-adjacent
// pairs of labelled voxels lie inside one region and carry the same value
// (mricron's AAL, Brodmann, AICHA, JHU, HarvardOxford: 0.81 to 0.95; a
// 1000-parcel cortical atlas on a 4 mm grid still about 0.5), while a T1w
// changes from voxel to voxel (ch2 0.09, ch2better 0.24). The test is only
// made where there is enough to judge: 20 labels or more, 2000 pairs or more.
struct LabelImageStats {
  int64_t distinct_labels = 0;       // nonzero values
  int64_t neighbour_pairs = 0;       // face-adjacent pairs of nonzero voxels
  double same_label_fraction = 1.0;  // share of those pairs holding one value
};
inline constexpr int64_t kLabelsToJudge = 20;
inline constexpr int64_t kPairsToJudge = 2000;
inline constexpr double kMinSameLabelFraction = 0.35;
// No volumetric atlas has this many regions (Schaefer and DiFuMo stop at
// about 1000, the 4S atlases at 1056); raw 16-bit scans often do.
inline constexpr int64_t kMaxPlausibleLabels = 10000;

// The statistics of frame 0 of `labels`, whose values must be integers.
LabelImageStats label_image_stats(const Volume& labels);
// Throws std::runtime_error("<source>: this looks like an intensity image
// (...), not a label atlas: give an integer label atlas (dseg) to --atlas")
// when `labels` (integer-valued, 3-D) fails the test above.
void check_label_image(const Volume& labels);

class LabelAtlas {
 public:
  // `labels` must be 3-D (one frame) with integer values. Labels with no entry
  // in `names` are called "label_<value>"; names of labels that do not occur
  // in the image are ignored. Throws std::runtime_error("<source>: ...");
  // a non-integer image is refused as an intensity image. The neighbour test
  // of check_label_image is left to load(), so that small atlases built in
  // memory are taken as given.
  explicit LabelAtlas(Volume labels, const RegionNames& names = {});

  // Reads the image with read_volume and its names as `options` says, and
  // refuses an intensity image (check_label_image).
  static LabelAtlas load(const std::filesystem::path& atlas_file, const AtlasOptions& options = {});

  const Volume& volume() const { return volume_; }
  const Grid& grid() const { return volume_.grid(); }
  const std::string& source() const { return volume_.source(); }

  // The labels present in the image, ascending, background excluded: the
  // parcel order of every extraction. A resampled atlas keeps the list of the
  // atlas it came from, even when a small region vanished on the coarser grid.
  const std::vector<int>& labels() const { return labels_; }
  const std::vector<std::string>& names() const { return names_; }  // one per label
  // The name of `label`; throws std::out_of_range for a label not in labels().
  const std::string& name_of(int label) const;

  int label_at(int64_t i, int64_t j, int64_t k) const {
    return static_cast<int>(volume_.at(i, j, k));
  }
  // The label of the voxel nearest to a world point (mm); 0 outside the image.
  int label_at_world(double x, double y, double z) const;
  // How many voxels carry each label, in the order of labels().
  std::vector<int64_t> voxel_counts() const;

  // The same atlas on `target`, by nearest neighbour so that labels are never
  // blended. A copy when the grids already agree.
  LabelAtlas resampled_to(const Grid& target) const;

 private:
  LabelAtlas(Volume labels, std::vector<int> label_list, std::vector<std::string> names);

  Volume volume_;
  std::vector<int> labels_;
  std::vector<std::string> names_;
};

}  // namespace neuro
