#pragma once
// The cluster table of a statistic or attribution map: connected groups of
// supra-threshold voxels, each described by its peak (value, voxel, world mm,
// atlas region), its centre of mass and its size, as FSL's `cluster` and
// nilearn's get_clusters_table report them. Written as TSV.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "neuro/atlas/label_atlas.h"
#include "neuro/image/affine.h"
#include "neuro/image/volume.h"

namespace neuro {

// Which neighbours join two voxels into one cluster: those sharing a face (6),
// a face or an edge (18), or a face, an edge or a corner (26).
enum class Connectivity : int { kFaces6 = 6, kEdges18 = 18, kCorners26 = 26 };

struct ClusterOptions {
  // A voxel belongs to a positive cluster when value > threshold and, with
  // two_sided, to a negative one when value < -threshold (strict, as nilearn
  // compares). NaN voxels belong to none. Two-sided needs threshold >= 0.
  double threshold = 0.0;
  bool two_sided = false;
  Connectivity connectivity = Connectivity::kCorners26;
  // Smaller clusters are dropped; a cluster must pass both limits.
  int64_t min_voxels = 1;
  double min_mm3 = 0.0;
};

struct Cluster {
  int id = 0;                           // 1, 2, ... in table order
  int sign = 1;                         // +1 positive cluster, -1 negative
  float peak_value = 0;                 // the most extreme value (largest |value|)
  std::array<int64_t, 3> peak_voxel{};  // i, j, k; the first in storage order on ties
  std::array<double, 3> peak_mm{};      // the peak voxel's centre through the affine
  std::array<double, 3> centre_mm{};    // |value|-weighted centre of mass (FSL's COG)
  int64_t size_voxels = 0;
  double size_mm3 = 0;
  int peak_label = 0;               // atlas label at the peak, 0 outside every region
  std::string peak_region = "n/a";  // its name, "n/a" at label 0 or without an atlas
};

// Volume of one voxel in mm^3: |det| of the affine's 3x3 part.
double voxel_volume_mm3(const Affine& affine);

// Clusters of the 3-D `map` (one frame), sorted by |peak_value| descending,
// then by size descending, then by peak voxel (storage order), and numbered in
// that order. When `atlas` is given, the region at each peak is looked up
// there: by voxel when the atlas is on the map's grid, otherwise at the peak's
// world coordinate (nearest atlas voxel, as a nearest-neighbour resampling
// would give). Throws std::invalid_argument("<map>: ...") for a 4-D map, a
// non-finite threshold, a negative two-sided threshold or min_voxels < 1.
std::vector<Cluster> find_clusters(const Volume& map, const ClusterOptions& options = {},
                                   const LabelAtlas* atlas = nullptr);

// Sorts clusters of a map on `grid` as find_clusters does (|peak| descending,
// then size, then positive before negative, then peak voxel in storage order)
// and numbers them from 1: tables assembled another way list in the same order.
void order_clusters(std::vector<Cluster>& clusters, const Grid& grid);

// The columns written by format_cluster_table, in order.
const std::vector<std::string>& cluster_table_columns();

// TSV with a header row: cluster, sign ("positive"/"negative"), peak_value,
// peak_x_mm, peak_y_mm, peak_z_mm, size_voxels, size_mm3, centre_x_mm,
// centre_y_mm, centre_z_mm, peak_region. Coordinates are written with 2
// decimals and sizes with 3, trailing zeros dropped ("-42", "8", "3.375");
// tabs and line breaks in region names become spaces.
std::string format_cluster_table(const std::vector<Cluster>& clusters);

// format_cluster_table written atomically to `path` (conventionally
// *_clusters.tsv).
void write_cluster_table(const std::vector<Cluster>& clusters, const std::filesystem::path& path);

}  // namespace neuro
