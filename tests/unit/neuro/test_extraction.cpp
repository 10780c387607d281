// Extraction of parcel time series and its inverse, against straightforward
// references written here in double and long double.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuro/atlas/extraction.h"
#include "neuro/atlas/inverse_map.h"

using neuro::Affine;
using neuro::BrainMask;
using neuro::Grid;
using neuro::LabelAtlas;
using neuro::LabelsMasker;
using neuro::MapsMasker;
using neuro::ProbabilisticAtlas;
using neuro::Volume;

namespace {

const Grid kGrid{{12, 10, 9}, Affine::diagonal(-3, 3, 3.5, 18, -15, -14)};

template <typename F>
void expect_error_naming(F&& f, const std::string& file, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one naming " << file;
  } catch (const std::exception& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
  }
}

// Labels 1..6 and 9 scattered at random; label 7 only outside the mask, so it
// must be dropped; label 8 nowhere at all.
struct Scene {
  Volume labels;
  BrainMask mask;
};

Scene random_scene(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pick(0, 7);
  std::bernoulli_distribution in_brain(0.8);
  Volume labels(kGrid, 1);
  labels.set_source("atlas_dseg.nii.gz");
  std::vector<uint8_t> inside(static_cast<size_t>(kGrid.voxel_count()));
  for (size_t v = 0; v < inside.size(); ++v) {
    int label = pick(rng);
    if (label == 7) label = 9;
    labels.data()[v] = static_cast<float>(label);
    inside[v] = in_brain(rng) ? 1 : 0;
  }
  // Label 7 on three voxels, all outside the mask.
  for (size_t v : {size_t{5}, size_t{77}, size_t{301}}) {
    labels.data()[v] = 7.0f;
    inside[v] = 0;
  }
  return {std::move(labels), BrainMask(kGrid, std::move(inside), "brain_mask.nii.gz")};
}

Volume random_bold(int64_t frames, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> value(100.0f, 15.0f);
  Volume bold(kGrid, frames, 2.0);
  bold.set_source("sub-01_task-rest_bold.nii.gz");
  for (float& v : bold.data())
    v = value(rng);
  return bold;
}

TEST(LabelsMasker, EqualsANaiveMeanPerLabel) {
  const Scene scene = random_scene(1);
  const LabelAtlas atlas(scene.labels, {{1, "One"}, {9, "Nine"}});
  const LabelsMasker masker(atlas, scene.mask);
  const Volume bold = random_bold(7, 2);
  const neuro::ParcelSeries series = masker.extract(bold);

  // Reference: for each label, a plain loop over voxels, in double.
  std::map<int, std::vector<double>> sums;
  std::map<int, int64_t> counts;
  for (int64_t v = 0; v < kGrid.voxel_count(); ++v) {
    const int label = static_cast<int>(scene.labels.data()[static_cast<size_t>(v)]);
    if (label == 0 || !scene.mask.contains(v)) continue;
    auto& s = sums[label];
    s.resize(7, 0.0);
    for (int64_t t = 0; t < 7; ++t)
      s[static_cast<size_t>(t)] += bold.frame(t)[static_cast<size_t>(v)];
    ++counts[label];
  }
  const std::vector<int> expected_labels{1, 2, 3, 4, 5, 6, 9};
  ASSERT_EQ(series.labels, expected_labels);
  ASSERT_EQ(series.frames, 7);
  ASSERT_EQ(series.parcels, 7);
  EXPECT_EQ(series.tr_seconds, 2.0);
  EXPECT_EQ(series.names.front(), "One");
  EXPECT_EQ(series.names[1], "label_2");
  EXPECT_EQ(series.names.back(), "Nine");
  for (int64_t p = 0; p < series.parcels; ++p) {
    const int label = series.labels[static_cast<size_t>(p)];
    EXPECT_EQ(masker.voxel_counts()[static_cast<size_t>(p)], counts[label]);
    for (int64_t t = 0; t < 7; ++t) {
      const double want = sums[label][static_cast<size_t>(t)] / static_cast<double>(counts[label]);
      EXPECT_NEAR(series.at(t, p), want, 1e-5 * std::abs(want)) << "label " << label << " t " << t;
    }
  }
  EXPECT_EQ(masker.dropped_labels(), std::vector<int>{7});
  const std::string report = masker.dropped_report();
  EXPECT_NE(report.find("atlas_dseg.nii.gz"), std::string::npos) << report;
  EXPECT_NE(report.find("7 (label_7)"), std::string::npos) << report;
}

TEST(LabelsMasker, WithoutAMaskEveryLabelledVoxelCounts) {
  const Scene scene = random_scene(3);
  const LabelAtlas atlas(scene.labels);
  const LabelsMasker masker(atlas, BrainMask::everywhere(kGrid));
  EXPECT_TRUE(masker.dropped_labels().empty());
  EXPECT_EQ(masker.dropped_report(), "");
  EXPECT_EQ(masker.labels(), (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 9}));
  EXPECT_EQ(masker.voxel_counts(), atlas.voxel_counts());
}

TEST(InverseMap, ExactOnLabelConstantVolumes) {
  const Scene scene = random_scene(4);
  const LabelAtlas atlas(scene.labels);
  const LabelsMasker masker(atlas, scene.mask);
  // Each frame: one value per label inside the mask, 0 elsewhere.
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> value(-1000.0f, 1000.0f);
  Volume bold(kGrid, 4, 1.5);
  for (int64_t t = 0; t < 4; ++t) {
    std::map<int, float> level;
    for (int label : atlas.labels())
      level[label] = value(rng);
    for (int64_t v = 0; v < kGrid.voxel_count(); ++v) {
      const int label = static_cast<int>(scene.labels.data()[static_cast<size_t>(v)]);
      if (label != 0 && scene.mask.contains(v))
        bold.frame(t)[static_cast<size_t>(v)] = level[label];
    }
  }
  const neuro::ParcelSeries series = masker.extract(bold);
  for (int64_t t = 0; t < 4; ++t) {
    const Volume back = neuro::inverse_map(masker, series.row(t));
    ASSERT_TRUE(back.grid().same_as(kGrid));
    ASSERT_EQ(back.frames(), 1);
    for (int64_t v = 0; v < kGrid.voxel_count(); ++v) {
      ASSERT_EQ(back.data()[static_cast<size_t>(v)], bold.frame(t)[static_cast<size_t>(v)])
          << "frame " << t << " voxel " << v;
    }
  }
  expect_error_naming([&] { neuro::inverse_map(masker, std::vector<float>(3)); },
                      "atlas_dseg.nii.gz", "3 parcel values given for 7 parcels");
}

// ---- probabilistic maps ------------------------------------------------------

// Five overlapping soft maps, each zero on part of the grid; map 3 lives only
// outside the mask and must be dropped.
struct MapsScene {
  Volume maps;
  BrainMask mask;
};

MapsScene random_maps_scene(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> weight(0.0f, 1.0f);
  std::bernoulli_distribution present(0.6);
  std::bernoulli_distribution in_brain(0.85);
  Volume maps(kGrid, 6);
  maps.set_source("difumo_maps.nii.gz");
  std::vector<uint8_t> inside(static_cast<size_t>(kGrid.voxel_count()));
  for (size_t v = 0; v < inside.size(); ++v)
    inside[v] = in_brain(rng) ? 1 : 0;
  for (int64_t k = 0; k < 6; ++k) {
    auto map = maps.frame(k);
    for (size_t v = 0; v < map.size(); ++v) {
      if (k == 3) {
        map[v] = inside[v] ? 0.0f : weight(rng);
      } else {
        map[v] = present(rng) ? weight(rng) : 0.0f;
      }
    }
  }
  return {std::move(maps), BrainMask(kGrid, std::move(inside), "brain_mask.nii.gz")};
}

// Normal equations (A^T A) x = A^T b in long double, by Gaussian elimination
// with partial pivoting: a solver that shares nothing with the QR under test.
std::vector<long double> normal_equations(const std::vector<std::vector<long double>>& a,
                                          const std::vector<long double>& b) {
  const size_t k = a.front().size();
  std::vector<std::vector<long double>> m(k, std::vector<long double>(k + 1, 0.0L));
  for (size_t r = 0; r < a.size(); ++r) {
    for (size_t i = 0; i < k; ++i) {
      for (size_t j = 0; j < k; ++j)
        m[i][j] += a[r][i] * a[r][j];
      m[i][k] += a[r][i] * b[r];
    }
  }
  for (size_t c = 0; c < k; ++c) {
    size_t best = c;
    for (size_t r = c + 1; r < k; ++r) {
      if (std::fabs(m[r][c]) > std::fabs(m[best][c])) best = r;
    }
    std::swap(m[c], m[best]);
    for (size_t r = 0; r < k; ++r) {
      if (r == c) continue;
      const long double f = m[r][c] / m[c][c];
      for (size_t j = c; j <= k; ++j)
        m[r][j] -= f * m[c][j];
    }
  }
  std::vector<long double> x(k);
  for (size_t i = 0; i < k; ++i)
    x[i] = m[i][k] / m[i][i];
  return x;
}

TEST(MapsMasker, EqualsAReferenceLeastSquaresSolve) {
  const MapsScene scene = random_maps_scene(11);
  const ProbabilisticAtlas atlas(scene.maps, {{1, "Visual"}, {6, "Default"}});
  const MapsMasker masker(atlas, scene.mask);
  EXPECT_EQ(masker.map_indices(), (std::vector<int64_t>{0, 1, 2, 4, 5}));
  EXPECT_EQ(masker.names(),
            (std::vector<std::string>{"Visual", "map_1", "map_2", "map_4", "Default"}));
  EXPECT_EQ(masker.dropped_maps(), std::vector<int64_t>{3});
  EXPECT_NE(masker.dropped_report().find("3 (map_3)"), std::string::npos);

  const Volume bold = random_bold(9, 12);
  const neuro::ParcelSeries series = masker.extract(bold);
  ASSERT_EQ(series.frames, 9);
  ASSERT_EQ(series.parcels, 5);
  EXPECT_TRUE(series.labels.empty());

  // The voxels nilearn uses: in the mask, and some kept map nonzero there.
  std::vector<std::vector<long double>> a;
  std::vector<int64_t> rows;
  for (int64_t v = 0; v < kGrid.voxel_count(); ++v) {
    if (!scene.mask.contains(v)) continue;
    std::vector<long double> row;
    bool any = false;
    for (int64_t k : {0, 1, 2, 4, 5}) {
      const long double w = scene.maps.frame(k)[static_cast<size_t>(v)];
      row.push_back(w);
      any = any || w != 0;
    }
    if (!any) continue;
    a.push_back(row);
    rows.push_back(v);
  }
  EXPECT_EQ(masker.voxels().size(), rows.size());
  for (int64_t t = 0; t < 9; ++t) {
    std::vector<long double> b;
    for (int64_t v : rows)
      b.push_back(bold.frame(t)[static_cast<size_t>(v)]);
    const auto x = normal_equations(a, b);
    for (int64_t p = 0; p < 5; ++p) {
      const double want = static_cast<double>(x[static_cast<size_t>(p)]);
      EXPECT_NEAR(series.at(t, p), want, 1e-5 * std::max(1.0, std::abs(want)))
          << "frame " << t << " map " << p;
    }
  }
}

TEST(MapsMasker, RecoversKnownSignalsAndInvertsThem) {
  const MapsScene scene = random_maps_scene(21);
  const ProbabilisticAtlas atlas(scene.maps);
  const MapsMasker masker(atlas, scene.mask);
  const std::vector<float> truth{1.5f, -2.0f, 0.25f, 4.0f, -0.5f};  // [P]
  const Volume image = neuro::inverse_map(masker, truth);
  Volume bold(kGrid, 1);
  std::copy(image.data().begin(), image.data().end(), bold.data().begin());
  const neuro::ParcelSeries series = masker.extract(bold);
  for (int64_t p = 0; p < 5; ++p)
    EXPECT_NEAR(series.at(0, p), truth[static_cast<size_t>(p)], 1e-5);
  // The image is the weighted sum of the kept maps inside the mask, 0 elsewhere.
  for (int64_t v = 0; v < kGrid.voxel_count(); ++v) {
    double want = 0;
    if (scene.mask.contains(v)) {
      const int64_t kept[5] = {0, 1, 2, 4, 5};
      for (size_t p = 0; p < 5; ++p)
        want += scene.maps.frame(kept[p])[static_cast<size_t>(v)] * truth[p];
    }
    ASSERT_NEAR(image.data()[static_cast<size_t>(v)], want, 1e-5) << "voxel " << v;
  }
}

TEST(MapsMasker, ManyFramesGoThroughInBlocks) {
  // More frames than one block holds for this mask size.
  const MapsScene scene = random_maps_scene(31);
  const MapsMasker masker(ProbabilisticAtlas(scene.maps), scene.mask);
  const Volume bold = random_bold(5000, 32);
  const neuro::ParcelSeries all = masker.extract(bold);
  Volume last(kGrid, 1);
  std::copy(bold.frame(4999).begin(), bold.frame(4999).end(), last.data().begin());
  const neuro::ParcelSeries one = masker.extract(last);
  for (int64_t p = 0; p < 5; ++p)
    EXPECT_FLOAT_EQ(all.at(4999, p), one.at(0, p));
}

// ---- what the user gets wrong ----------------------------------------------------

TEST(ExtractionErrors, GridsThatDifferNameTheFiles) {
  const Scene scene = random_scene(41);
  const LabelAtlas atlas(scene.labels);
  const LabelsMasker masker(atlas, scene.mask);
  Volume other(Grid{{12, 10, 9}, Affine::diagonal(3, 3, 3.5, 18, -15, -14)}, 2);
  other.set_source("sub-02_bold.nii.gz");
  expect_error_naming([&] { masker.extract(other); }, "sub-02_bold.nii.gz", "atlas_dseg.nii.gz");

  const BrainMask coarse(Grid{{6, 5, 4}, kGrid.affine}, std::vector<uint8_t>(120, 1),
                         "mask_other_grid.nii.gz");
  expect_error_naming(
      [&] {
        LabelsMasker{atlas, coarse};
      },
      "mask_other_grid.nii.gz", "different grid");
  const MapsScene maps = random_maps_scene(42);
  expect_error_naming(
      [&] {
        MapsMasker{ProbabilisticAtlas(maps.maps), coarse};
      },
      "mask_other_grid.nii.gz", "difumo_maps.nii.gz");
}

TEST(ExtractionErrors, AtlasThatDoesNotOverlapTheData) {
  // Labels only where the mask is not.
  Volume labels(kGrid, 1);
  labels.set_source("cerebellum_atlas.nii.gz");
  std::vector<uint8_t> inside(static_cast<size_t>(kGrid.voxel_count()), 1);
  labels.data()[0] = 4.0f;
  inside[0] = 0;
  const BrainMask mask(kGrid, inside, "brain_mask.nii.gz");
  expect_error_naming(
      [&] {
        LabelsMasker{LabelAtlas(labels), mask};
      },
      "cerebellum_atlas.nii.gz", "inside the brain mask");

  // An atlas whose field of view misses the data entirely.
  const Grid far{{8, 8, 8}, Affine::diagonal(2, 2, 2, 300, 300, 300)};
  Volume far_labels(far, 1);
  far_labels.set_source("far_atlas.nii.gz");
  for (float& v : far_labels.data())
    v = 2.0f;
  const LabelAtlas moved = LabelAtlas(far_labels).resampled_to(kGrid);
  expect_error_naming(
      [&] {
        LabelsMasker{moved, BrainMask::everywhere(kGrid)};
      },
      "far_atlas.nii.gz", "field of view");

  Volume far_maps(far, 2);
  far_maps.set_source("far_maps.nii.gz");
  for (float& v : far_maps.data())
    v = 0.5f;
  const ProbabilisticAtlas moved_maps = ProbabilisticAtlas(far_maps).resampled_to(kGrid);
  expect_error_naming(
      [&] {
        MapsMasker{moved_maps, BrainMask::everywhere(kGrid)};
      },
      "far_maps.nii.gz", "field of view");
}

TEST(ExtractionErrors, NaNVoxelsInsideTheAtlasSayHowManyAndWhen) {
  const Scene scene = random_scene(51);
  const LabelsMasker masker(LabelAtlas(scene.labels), scene.mask);
  Volume bold = random_bold(5, 52);
  // NaN outside the mask is harmless.
  for (int64_t v = 0; v < kGrid.voxel_count(); ++v) {
    if (!scene.mask.contains(v)) bold.frame(1)[static_cast<size_t>(v)] = std::nanf("");
  }
  EXPECT_NO_THROW(masker.extract(bold));
  // Two NaN voxels inside at frame 3, one more at frame 4.
  const auto used = masker.voxels();
  bold.frame(3)[static_cast<size_t>(used[0])] = std::nanf("");
  bold.frame(3)[static_cast<size_t>(used[10])] = std::nanf("");
  bold.frame(4)[static_cast<size_t>(used[3])] = std::nanf("");
  expect_error_naming([&] { masker.extract(bold); }, "sub-01_task-rest_bold.nii.gz",
                      "2 voxels inside the atlas and brain mask are NaN at frame 3");
  expect_error_naming([&] { masker.extract(bold); }, "sub-01_task-rest_bold.nii.gz",
                      "2 of 5 frames");

  const MapsScene maps = random_maps_scene(53);
  const MapsMasker maps_masker(ProbabilisticAtlas(maps.maps), maps.mask);
  Volume bold2 = random_bold(3, 54);
  bold2.frame(2)[static_cast<size_t>(maps_masker.voxels()[0])] = std::nanf("");
  expect_error_naming([&] { maps_masker.extract(bold2); }, "sub-01_task-rest_bold.nii.gz",
                      "1 voxel inside the maps' support and brain mask is NaN at frame 2");
}

TEST(ExtractionErrors, BadAtlasesNameTheFile) {
  Volume four_d(kGrid, 3);
  four_d.set_source("atlas_4d.nii.gz");
  expect_error_naming([&] { LabelAtlas{four_d}; }, "atlas_4d.nii.gz",
                      "a label atlas must be 3-D, this one has 3 volumes");

  Volume fractional(kGrid, 1);
  fractional.set_source("prob_as_labels.nii.gz");
  fractional.at(2, 3, 4) = 0.37f;
  expect_error_naming([&] { LabelAtlas{fractional}; }, "prob_as_labels.nii.gz",
                      "voxel (2, 3, 4) holds 0.37");

  Volume nan_labels(kGrid, 1);
  nan_labels.set_source("nan_labels.nii.gz");
  nan_labels.at(1, 1, 1) = std::nanf("");
  expect_error_naming([&] { LabelAtlas{nan_labels}; }, "nan_labels.nii.gz", "integer values");

  Volume nan_maps(kGrid, 2);
  nan_maps.set_source("nan_maps.nii.gz");
  nan_maps.at(1, 2, 3, 1) = std::nanf("");
  expect_error_naming([&] { ProbabilisticAtlas{nan_maps}; }, "nan_maps.nii.gz",
                      "map 1 holds nan at voxel (1, 2, 3)");

  // Two identical maps: their signals cannot be told apart.
  const MapsScene scene = random_maps_scene(61);
  Volume twins = scene.maps;
  std::copy(twins.frame(0).begin(), twins.frame(0).end(), twins.frame(2).begin());
  expect_error_naming(
      [&] {
        MapsMasker{ProbabilisticAtlas(twins), scene.mask};
      },
      "difumo_maps.nii.gz", "linearly dependent");
}

TEST(LabelAtlas, NamesAndLookups) {
  Volume labels(kGrid, 1);
  labels.at(1, 1, 1) = 3.0f;
  labels.at(2, 1, 1) = 3.0f;
  labels.at(5, 5, 5) = 12.0f;
  labels.at(6, 5, 5) = 1.9999999f;  // a float scaling artefact is still label 2
  const LabelAtlas atlas(labels, {{3, "Thalamus"}, {40, "Absent"}});
  EXPECT_EQ(atlas.labels(), (std::vector<int>{2, 3, 12}));
  EXPECT_EQ(atlas.names(), (std::vector<std::string>{"label_2", "Thalamus", "label_12"}));
  EXPECT_EQ(atlas.name_of(3), "Thalamus");
  EXPECT_THROW(atlas.name_of(40), std::out_of_range);
  EXPECT_EQ(atlas.voxel_counts(), (std::vector<int64_t>{1, 2, 1}));
  const auto w = kGrid.affine.to_world(5, 5, 5);
  EXPECT_EQ(atlas.label_at_world(w[0] + 1.0, w[1] - 1.0, w[2] + 1.5), 12);
  EXPECT_EQ(atlas.label_at_world(1000, 0, 0), 0);
  EXPECT_EQ(ProbabilisticAtlas(Volume(kGrid, 2)).names(),
            (std::vector<std::string>{"map_0", "map_1"}));
}

}  // namespace
