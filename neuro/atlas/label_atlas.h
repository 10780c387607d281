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

class LabelAtlas {
 public:
  // `labels` must be 3-D (one frame) with integer values. Labels with no entry
  // in `names` are called "label_<value>"; names of labels that do not occur
  // in the image are ignored. Throws std::runtime_error("<source>: ...").
  explicit LabelAtlas(Volume labels, const RegionNames& names = {});

  // Reads the image with read_volume and its names as `options` says.
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
