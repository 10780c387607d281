// Cluster tables on synthetic maps with known blobs: sizes, peaks, centres of
// mass, world coordinates through a sheared 2 mm affine, atlas regions at the
// peaks, connectivity and the TSV written from them.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "error_of.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/maps/cluster_table.h"
#include "temp_dir.h"

using neuro::Affine;
using neuro::Cluster;
using neuro::ClusterOptions;
using neuro::Connectivity;
using neuro::Grid;
using neuro::LabelAtlas;
using neuro::Volume;
using neuroseq_test::error_of;

namespace {

// x = -2 i + 0.5 j + 90, y = 2 j - 126, z = 2 k - 72: 2 mm voxels with a
// shear, so |det| = 8 mm3 but world x depends on j too.
Grid sheared_grid() {
  Grid grid{{16, 14, 12}, Affine::diagonal(-2, 2, 2, 90, -126, -72)};
  grid.affine(0, 1) = 0.5;
  return grid;
}

void fill_box(Volume& v, int i0, int i1, int j0, int j1, int k0, int k1, float value) {
  for (int k = k0; k <= k1; ++k) {
    for (int j = j0; j <= j1; ++j) {
      for (int i = i0; i <= i1; ++i)
        v.at(i, j, k) = value;
    }
  }
}

// A: 3x3x3 cube of 2 around a peak of 5 at (4,4,4)           27 voxels
// B: 2x2x2 cube of 3 with a peak of 3.5 at (12,5,5)            8 voxels
// C: 3x3x1 plate of -2 around a trough of -6 at (9,11,8)       9 voxels
Volume three_blobs() {
  Volume v(sheared_grid(), 1);
  fill_box(v, 3, 5, 3, 5, 3, 5, 2.0f);
  v.at(4, 4, 4) = 5.0f;
  fill_box(v, 11, 12, 4, 5, 4, 5, 3.0f);
  v.at(12, 5, 5) = 3.5f;
  fill_box(v, 8, 10, 10, 12, 8, 8, -2.0f);
  v.at(9, 11, 8) = -6.0f;
  v.at(0, 13, 11) = 0.5f;  // below threshold: no cluster
  return v;
}

// Label 1 covers blob A, label 2 covers blob C; blob B lies in background.
LabelAtlas atlas_on(const Grid& grid) {
  Volume labels(grid, 1);
  fill_box(labels, 2, 6, 2, 6, 2, 6, 1.0f);
  fill_box(labels, 7, 11, 9, 13, 7, 9, 2.0f);
  return LabelAtlas(std::move(labels), {{1, "Left Blob"}, {2, "Plate"}});
}

void expect_mm(const std::array<double, 3>& got, double x, double y, double z) {
  EXPECT_NEAR(got[0], x, 1e-9);
  EXPECT_NEAR(got[1], y, 1e-9);
  EXPECT_NEAR(got[2], z, 1e-9);
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, sep))
    fields.push_back(field);
  return fields;
}

}  // namespace

TEST(ClusterTable, VoxelVolumeIsTheAbsoluteDeterminant) {
  EXPECT_DOUBLE_EQ(neuro::voxel_volume_mm3(sheared_grid().affine), 8.0);
  EXPECT_DOUBLE_EQ(neuro::voxel_volume_mm3(Affine::diagonal(-1.5, 1.5, 1.5)), 3.375);
}

TEST(ClusterTable, TwoSidedFindsTwoPositiveAndOneNegativeClusterSortedByPeak) {
  const Volume map = three_blobs();
  ClusterOptions options;
  options.threshold = 1.0;
  options.two_sided = true;
  const auto clusters = neuro::find_clusters(map, options);
  ASSERT_EQ(clusters.size(), 3u);

  // |peak| descending: C (-6), A (5), B (3.5).
  const Cluster& c = clusters[0];
  EXPECT_EQ(c.id, 1);
  EXPECT_EQ(c.sign, -1);
  EXPECT_FLOAT_EQ(c.peak_value, -6.0f);
  EXPECT_EQ(c.peak_voxel, (std::array<int64_t, 3>{9, 11, 8}));
  expect_mm(c.peak_mm, -18 + 5.5 + 90, 22 - 126, 16 - 72);
  EXPECT_EQ(c.size_voxels, 9);
  EXPECT_DOUBLE_EQ(c.size_mm3, 72.0);
  expect_mm(c.centre_mm, -18 + 5.5 + 90, 22 - 126, 16 - 72);  // symmetric plate
  EXPECT_EQ(c.peak_region, "n/a");                            // no atlas given

  const Cluster& a = clusters[1];
  EXPECT_EQ(a.id, 2);
  EXPECT_EQ(a.sign, 1);
  EXPECT_FLOAT_EQ(a.peak_value, 5.0f);
  EXPECT_EQ(a.peak_voxel, (std::array<int64_t, 3>{4, 4, 4}));
  expect_mm(a.peak_mm, 84, -118, -64);
  EXPECT_EQ(a.size_voxels, 27);
  EXPECT_DOUBLE_EQ(a.size_mm3, 216.0);
  expect_mm(a.centre_mm, 84, -118, -64);

  const Cluster& b = clusters[2];
  EXPECT_EQ(b.id, 3);
  EXPECT_EQ(b.sign, 1);
  EXPECT_FLOAT_EQ(b.peak_value, 3.5f);
  EXPECT_EQ(b.peak_voxel, (std::array<int64_t, 3>{12, 5, 5}));
  expect_mm(b.peak_mm, -24 + 2.5 + 90, 10 - 126, 10 - 72);
  EXPECT_EQ(b.size_voxels, 8);
  EXPECT_DOUBLE_EQ(b.size_mm3, 64.0);
  // |value|-weighted: 7 voxels of 3 and the peak of 3.5, total weight 24.5;
  // i = (11 * 12 + 12 * 12.5) / 24.5, j and k likewise with 5 for 12.
  const double heavy = (11 * 12.0 + 12 * 12.5) / 24.5;
  const double jk = (4 * 12.0 + 5 * 12.5) / 24.5;
  expect_mm(b.centre_mm, -2 * heavy + 0.5 * jk + 90, 2 * jk - 126, 2 * jk - 72);
}

TEST(ClusterTable, OneSidedKeepsOnlyPositiveClusters) {
  ClusterOptions options;
  options.threshold = 1.0;
  const auto clusters = neuro::find_clusters(three_blobs(), options);
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_FLOAT_EQ(clusters[0].peak_value, 5.0f);
  EXPECT_FLOAT_EQ(clusters[1].peak_value, 3.5f);
  EXPECT_EQ(clusters[0].id, 1);
  EXPECT_EQ(clusters[1].id, 2);
}

TEST(ClusterTable, ThresholdIsStrictAndSplitsAtThePeakLevel) {
  ClusterOptions options;
  options.threshold = 2.0;  // the flanks of A (exactly 2) drop out, its peak stays
  options.two_sided = true;
  const auto clusters = neuro::find_clusters(three_blobs(), options);
  ASSERT_EQ(clusters.size(), 3u);
  EXPECT_EQ(clusters[0].size_voxels, 1);  // C's trough alone
  EXPECT_EQ(clusters[1].size_voxels, 1);  // A's peak alone
  EXPECT_EQ(clusters[2].size_voxels, 8);  // B is all above 2
}

TEST(ClusterTable, WeightedCentreOfMassThroughTheAffine) {
  Volume v(sheared_grid(), 1);
  v.at(2, 2, 2) = 1.0f;
  v.at(3, 2, 2) = 3.0f;
  const auto clusters = neuro::find_clusters(v, {.threshold = 0.5});
  ASSERT_EQ(clusters.size(), 1u);
  // i = (2 * 1 + 3 * 3) / 4 = 2.75
  expect_mm(clusters[0].centre_mm, -2 * 2.75 + 0.5 * 2 + 90, 4 - 126, 4 - 72);
  expect_mm(clusters[0].peak_mm, -6 + 1 + 90, 4 - 126, 4 - 72);
}

TEST(ClusterTable, MinimumSizeInVoxelsAndInCubicMillimetres) {
  ClusterOptions options;
  options.threshold = 1.0;
  options.two_sided = true;
  options.min_voxels = 9;  // drops B (8), keeps C (9) and A (27)
  auto clusters = neuro::find_clusters(three_blobs(), options);
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_EQ(clusters[0].size_voxels, 9);
  EXPECT_EQ(clusters[1].size_voxels, 27);

  options.min_voxels = 1;
  options.min_mm3 = 72.0;  // inclusive: C is exactly 72 mm3
  clusters = neuro::find_clusters(three_blobs(), options);
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_DOUBLE_EQ(clusters[0].size_mm3, 72.0);

  options.min_mm3 = 100.0;
  clusters = neuro::find_clusters(three_blobs(), options);
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_DOUBLE_EQ(clusters[0].size_mm3, 216.0);
  EXPECT_EQ(clusters[0].id, 1);
}

TEST(ClusterTable, ConnectivitySplitsDiagonalNeighbours) {
  Volume corner(sheared_grid(), 1);  // share only a corner
  corner.at(2, 2, 2) = 4.0f;
  corner.at(3, 3, 3) = 4.0f;
  Volume edge(sheared_grid(), 1);  // share an edge
  edge.at(2, 2, 2) = 4.0f;
  edge.at(3, 3, 2) = 4.0f;
  const auto count = [](const Volume& v, Connectivity c) {
    return neuro::find_clusters(v, {.threshold = 1.0, .connectivity = c}).size();
  };
  EXPECT_EQ(count(corner, Connectivity::kCorners26), 1u);
  EXPECT_EQ(count(corner, Connectivity::kEdges18), 2u);
  EXPECT_EQ(count(corner, Connectivity::kFaces6), 2u);
  EXPECT_EQ(count(edge, Connectivity::kCorners26), 1u);
  EXPECT_EQ(count(edge, Connectivity::kEdges18), 1u);
  EXPECT_EQ(count(edge, Connectivity::kFaces6), 2u);
  // The default is 26.
  EXPECT_EQ(neuro::find_clusters(corner, {.threshold = 1.0}).size(), 1u);
  const auto joined = neuro::find_clusters(corner, {.threshold = 1.0});
  EXPECT_EQ(joined[0].size_voxels, 2);
  // Equal peaks: the first voxel in storage order is the peak.
  EXPECT_EQ(joined[0].peak_voxel, (std::array<int64_t, 3>{2, 2, 2}));
}

TEST(ClusterTable, OppositeSignsNeverJoinAndNaNIsIgnored) {
  Volume v(sheared_grid(), 1);
  v.at(2, 2, 2) = 4.0f;
  v.at(3, 2, 2) = -4.0f;
  v.at(4, 2, 2) = std::numeric_limits<float>::quiet_NaN();
  v.at(5, 2, 2) = 4.0f;
  const auto clusters = neuro::find_clusters(v, {.threshold = 1.0, .two_sided = true});
  ASSERT_EQ(clusters.size(), 3u);
  for (const auto& c : clusters)
    EXPECT_EQ(c.size_voxels, 1);
  // Equal |peak| and size: positive first, then storage order.
  EXPECT_EQ(clusters[0].sign, 1);
  EXPECT_EQ(clusters[0].peak_voxel[0], 2);
  EXPECT_EQ(clusters[1].sign, 1);
  EXPECT_EQ(clusters[1].peak_voxel[0], 5);
  EXPECT_EQ(clusters[2].sign, -1);
}

TEST(ClusterTable, RegionAtThePeakFromAnAtlasOnTheSameGrid) {
  const Volume map = three_blobs();
  const LabelAtlas atlas = atlas_on(map.grid());
  const auto clusters = neuro::find_clusters(map, {.threshold = 1.0, .two_sided = true}, &atlas);
  ASSERT_EQ(clusters.size(), 3u);
  EXPECT_EQ(clusters[0].peak_region, "Plate");
  EXPECT_EQ(clusters[0].peak_label, 2);
  EXPECT_EQ(clusters[1].peak_region, "Left Blob");
  EXPECT_EQ(clusters[1].peak_label, 1);
  EXPECT_EQ(clusters[2].peak_region, "n/a");
  EXPECT_EQ(clusters[2].peak_label, 0);
}

TEST(ClusterTable, RegionAtThePeakFromAnAtlasOnAnotherGrid) {
  // A 1 mm atlas, unsheared: world (x, y, z) is voxel (x - 60, y + 140, z + 90).
  Volume labels(Grid{{40, 40, 40}, Affine::diagonal(1, 1, 1, 60, -140, -90)}, 1);
  fill_box(labels, 23, 25, 21, 23, 25, 27, 3.0f);  // around A's peak (84, -118, -64)
  const LabelAtlas atlas(std::move(labels), {{3, "Remote"}});
  const auto clusters = neuro::find_clusters(three_blobs(), {.threshold = 1.0}, &atlas);
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_EQ(clusters[0].peak_region, "Remote");
  // B's peak (68.5, -116, -62) is inside the atlas image but in background.
  EXPECT_EQ(clusters[1].peak_region, "n/a");
}

TEST(ClusterTable, WritesTheTsvAtomically) {
  const Volume map = three_blobs();
  const LabelAtlas atlas = atlas_on(map.grid());
  const auto clusters = neuro::find_clusters(map, {.threshold = 1.0, .two_sided = true}, &atlas);
  neuroseq_test::TempDir dir("cluster_table");
  const auto path = dir / "sub-01_stat-z_desc-faces_clusters.tsv";
  neuro::write_cluster_table(clusters, path);
  std::ifstream in(path);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line,
            "cluster\tsign\tpeak_value\tpeak_x_mm\tpeak_y_mm\tpeak_z_mm\tsize_voxels\tsize_mm3\t"
            "centre_x_mm\tcentre_y_mm\tcentre_z_mm\tpeak_region");
  EXPECT_EQ(split(line, '\t'), neuro::cluster_table_columns());
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "1\tnegative\t-6\t77.5\t-104\t-56\t9\t72\t77.5\t-104\t-56\tPlate");
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "2\tpositive\t5\t84\t-118\t-64\t27\t216\t84\t-118\t-64\tLeft Blob");
  ASSERT_TRUE(std::getline(in, line));
  const auto fields = split(line, '\t');
  ASSERT_EQ(fields.size(), 12u);
  EXPECT_EQ(fields[0], "3");
  EXPECT_EQ(fields[2], "3.5");
  EXPECT_EQ(fields[3], "68.5");
  EXPECT_EQ(fields[7], "64");
  EXPECT_EQ(fields[11], "n/a");
  EXPECT_FALSE(std::getline(in, line));
  // Nothing else left in the folder (no temporary).
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
    ++files;
  EXPECT_EQ(files, 1);
}

TEST(ClusterTable, NoClustersGivesTheHeaderOnly) {
  const Volume empty(sheared_grid(), 1);
  const auto clusters = neuro::find_clusters(empty, {.threshold = 1.0, .two_sided = true});
  EXPECT_TRUE(clusters.empty());
  const std::string table = neuro::format_cluster_table(clusters);
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 1);
}

TEST(ClusterTable, RejectsWhatItCannotCluster) {
  Volume series(sheared_grid(), 2);
  series.set_source("bold.nii.gz");
  const auto four_d = error_of<std::invalid_argument>([&] { neuro::find_clusters(series); });
  EXPECT_NE(four_d.find("bold.nii.gz"), std::string::npos) << four_d;
  EXPECT_NE(four_d.find("3-D"), std::string::npos) << four_d;
  const Volume map = three_blobs();
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              neuro::find_clusters(map, {.threshold = -1.0, .two_sided = true});
            }).find("two-sided"),
            std::string::npos);
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              neuro::find_clusters(map, {.threshold = std::nan("")});
            }).find("finite"),
            std::string::npos);
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              neuro::find_clusters(map, {.threshold = 1.0, .min_voxels = 0});
            }).find("minimum"),
            std::string::npos);
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              neuro::find_clusters(map, {.connectivity = static_cast<Connectivity>(8)});
            }).find("6, 18 or 26"),
            std::string::npos);
}
