// Atlases and masks read from NIfTI files: the real mricron atlases with
// their names, resampling of a real atlas, and bad files named in errors.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "neuro/atlas/brain_mask.h"
#include "neuro/atlas/extraction.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/atlas/probabilistic_atlas.h"
#include "neuro/image/nifti_writer.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using neuro::Affine;
using neuro::Grid;
using neuro::LabelAtlas;
using neuro::Volume;

namespace {

const fs::path kMricron = "/usr/share/mricron/templates";
const fs::path kResources = fs::path(NEUROSEQ_SOURCE_DIR) / "resources";

class AtlasFiles : public ::testing::Test {
 protected:
  neuroseq_test::TempDir dir_{"atlas"};
};

template <typename F>
void expect_error_naming(F&& f, const fs::path& file, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no exception for " << file;
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file.string()), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
  }
}

#define SKIP_UNLESS_EXISTS(path)                                                 \
  if (!fs::exists(path)) {                                                       \
    GTEST_SKIP() << (path) << " is not installed (Debian package mricron-data)"; \
  }

TEST(RealAtlases, AalWithItsMricronNames) {
  const fs::path image = kMricron / "aal.nii.gz";
  SKIP_UNLESS_EXISTS(image);
  const LabelAtlas atlas = LabelAtlas::load(image);
  EXPECT_EQ(atlas.source(), image.string());
  EXPECT_EQ(atlas.labels().size(), 116u);
  EXPECT_EQ(atlas.labels().front(), 1);
  EXPECT_EQ(atlas.name_of(1), "Precentral_L");
  EXPECT_EQ(atlas.name_of(116), "Vermis_10");
  // MNI (-38, -20, 56) is in the left precentral gyrus.
  EXPECT_EQ(atlas.label_at_world(-38, -20, 56), 1);
  EXPECT_EQ(atlas.label_at_world(38, -20, 56), 2);
}

TEST(RealAtlases, HarvardOxfordFallsBackToTheShippedXml) {
  const fs::path image = kMricron / "HarvardOxford-cort-maxprob-thr0-1mm.nii.gz";
  SKIP_UNLESS_EXISTS(image);
  neuro::AtlasOptions options;
  options.resources_dir = kResources;
  const LabelAtlas atlas = LabelAtlas::load(image, options);
  ASSERT_EQ(atlas.labels().size(), 48u);
  EXPECT_EQ(atlas.labels().back(), 48);
  EXPECT_EQ(atlas.name_of(1), "Frontal Pole");
  EXPECT_EQ(atlas.name_of(7), "Precentral Gyrus");
  EXPECT_EQ(atlas.name_of(48), "Occipital Pole");
  // The same world point in AAL's left precentral gyrus.
  EXPECT_EQ(atlas.label_at_world(-38, -20, 56), 7);
  EXPECT_EQ(LabelAtlas::load(image).name_of(1), "label_1");
}

// HarvardOxford is LAS at 1 mm; the targets are RAS at 2 mm (FSL's 2 mm MNI
// grid, flipped) and LAS at 3 mm, shifted off the source voxel centres.
TEST(RealAtlases, ResampledHarvardOxfordKeepsEveryWorldPointsLabel) {
  const fs::path image = kMricron / "HarvardOxford-cort-maxprob-thr0-1mm.nii.gz";
  SKIP_UNLESS_EXISTS(image);
  const LabelAtlas atlas = LabelAtlas::load(image);
  for (const Grid& target : {Grid{{91, 109, 91}, Affine::diagonal(2, 2, 2, -90, -126, -72)},
                             Grid{{61, 73, 61}, Affine::diagonal(-3, 3, 3, 90.3, -125.7, -71.7)}}) {
    const LabelAtlas moved = atlas.resampled_to(target);
    EXPECT_EQ(moved.labels(), atlas.labels());
    int64_t labelled = 0;
    for (int64_t k = 0; k < target.dims[2]; ++k) {
      for (int64_t j = 0; j < target.dims[1]; ++j) {
        for (int64_t i = 0; i < target.dims[0]; ++i) {
          const auto w = target.affine.to_world(static_cast<double>(i), static_cast<double>(j),
                                                static_cast<double>(k));
          const int want = atlas.label_at_world(w[0], w[1], w[2]);
          ASSERT_EQ(moved.label_at(i, j, k), want)
              << "world (" << w[0] << ", " << w[1] << ", " << w[2] << ")";
          labelled += want != 0;
        }
      }
    }
    EXPECT_GT(labelled, 10000);
  }
}

TEST_F(AtlasFiles, BadLabelAtlasFilesAreNamed) {
  const Grid grid{{4, 5, 6}, Affine::diagonal(2, 2, 2)};
  Volume four_d(grid, 3);
  four_d.data()[0] = 1.0f;
  const fs::path four_d_file = dir_ / "atlas_4d.nii.gz";
  neuro::write_nifti(four_d, four_d_file);
  expect_error_naming([&] { LabelAtlas::load(four_d_file); }, four_d_file,
                      "a label atlas must be 3-D, this one has 3 volumes");

  Volume fractional(grid, 1);
  fractional.at(1, 2, 3) = 2.5f;
  const fs::path fractional_file = dir_ / "fractional.nii";
  neuro::write_nifti(fractional, fractional_file);
  expect_error_naming([&] { LabelAtlas::load(fractional_file); }, fractional_file,
                      "integer values");

  const fs::path missing = dir_ / "missing_atlas.nii.gz";
  expect_error_naming([&] { LabelAtlas::load(missing); }, missing, "");

  // A broken names file beside a good image: the names file is the one named.
  Volume good(grid, 1);
  good.at(0, 0, 0) = 1.0f;
  const fs::path good_file = dir_ / "good.nii.gz";
  neuro::write_nifti(good, good_file);
  std::ofstream(dir_ / "good.tsv") << "index\tname\none\tA\n";
  expect_error_naming([&] { LabelAtlas::load(good_file); }, dir_ / "good.tsv", "line 2");
}

TEST_F(AtlasFiles, ProbabilisticAtlasWithNamesBeside) {
  const Grid grid{{4, 5, 6}, Affine::diagonal(2, 2, 2)};
  Volume maps(grid, 3);
  for (int64_t k = 0; k < 3; ++k)
    maps.at(k, 1, 1, k) = 0.5f;
  const fs::path file = dir_ / "maps.nii.gz";
  neuro::write_nifti(maps, file);
  std::ofstream(dir_ / "maps.tsv") << "1\tVisual\n3\tDefault mode\n";
  const neuro::ProbabilisticAtlas atlas = neuro::ProbabilisticAtlas::load(file);
  EXPECT_EQ(atlas.map_count(), 3);
  EXPECT_EQ(atlas.names(), (std::vector<std::string>{"Visual", "map_1", "Default mode"}));
  EXPECT_EQ(atlas.source(), file.string());
  EXPECT_FLOAT_EQ(atlas.maps().at(2, 1, 1, 2), 0.5f);
}

TEST_F(AtlasFiles, MaskFileOnAnotherGridAndExtraction) {
  // Data on 3 mm, mask and atlas on 1.5 mm covering the same box.
  const Grid data_grid{{8, 8, 8}, Affine::diagonal(3, 3, 3, -12, -12, -12)};
  const Grid fine{{16, 16, 16}, Affine::diagonal(1.5, 1.5, 1.5, -12.6, -12.6, -12.6)};
  Volume mask(fine, 1);
  Volume labels(fine, 1);
  for (int64_t k = 0; k < 16; ++k) {
    for (int64_t j = 0; j < 16; ++j) {
      for (int64_t i = 0; i < 16; ++i) {
        mask.at(i, j, k) = (i > 1 && i < 14 && j > 1 && j < 14 && k > 1 && k < 14) ? 1.0f : 0.0f;
        labels.at(i, j, k) = static_cast<float>(1 + (i >= 8) + 2 * (k >= 8));
      }
    }
  }
  const fs::path mask_file = dir_ / "mask.nii.gz";
  const fs::path atlas_file = dir_ / "atlas.nii.gz";
  neuro::write_nifti(mask, mask_file);
  neuro::write_nifti(labels, atlas_file);
  const neuro::BrainMask brain = neuro::BrainMask::load(mask_file, data_grid);
  EXPECT_EQ(brain.source(), mask_file.string());
  EXPECT_GT(brain.count(), 0);
  const LabelAtlas atlas = LabelAtlas::load(atlas_file).resampled_to(data_grid);
  Volume bold(data_grid, 2, 2.0);
  for (int64_t t = 0; t < 2; ++t) {
    for (int64_t k = 0; k < 8; ++k) {
      for (int64_t j = 0; j < 8; ++j) {
        for (int64_t i = 0; i < 8; ++i)
          bold.at(i, j, k, t) = static_cast<float>(10 * (t + 1) + atlas.label_at(i, j, k));
      }
    }
  }
  const neuro::LabelsMasker masker(atlas, brain);
  const neuro::ParcelSeries series = masker.extract(bold);
  ASSERT_EQ(series.labels, (std::vector<int>{1, 2, 3, 4}));
  for (int64_t t = 0; t < 2; ++t) {
    for (int64_t p = 0; p < 4; ++p)
      EXPECT_EQ(series.at(t, p), 10.0f * (t + 1) + (p + 1));
  }

  Volume four_d(data_grid, 2);
  const fs::path four_d_file = dir_ / "mask_4d.nii";
  neuro::write_nifti(four_d, four_d_file);
  expect_error_naming([&] { neuro::BrainMask::load(four_d_file, data_grid); }, four_d_file,
                      "must be 3-D, this one has 2 volumes");
}

}  // namespace
