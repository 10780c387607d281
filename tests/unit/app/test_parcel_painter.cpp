// Painting parcel values back into brain space with a probabilistic atlas:
// each voxel holds the maps' weighted sum (the image the maps masker's fit
// models), and clusters are named by each voxel's strongest map.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "app/jobs/explanation_maps.h"
#include "neuro/image/nifti_writer.h"
#include "temp_dir.h"

namespace {

constexpr int64_t kSide = 8;

// Three smooth blobs, each peaking in its own corner of the cube.
neuro::Volume three_maps() {
  neuro::Grid grid{{kSide, kSide, kSide}, neuro::Affine::diagonal(2, 2, 2, -8, -8, -8)};
  neuro::Volume maps(grid, 3, 0.0);
  const double centres[3][3] = {{1, 1, 1}, {6, 1, 6}, {3, 6, 3}};
  for (int64_t k = 0; k < 3; ++k) {
    for (int64_t z = 0; z < kSide; ++z)
      for (int64_t y = 0; y < kSide; ++y)
        for (int64_t x = 0; x < kSide; ++x) {
          const double d2 = std::pow(x - centres[k][0], 2) + std::pow(y - centres[k][1], 2) +
                            std::pow(z - centres[k][2], 2);
          maps.at(x, y, z, k) = static_cast<float>(std::exp(-d2 / 6.0));
        }
  }
  return maps;
}

TEST(ParcelPainter, AProbabilisticAtlasPaintsTheWeightedSumOfItsMaps) {
  neuroseq_test::TempDir dir("painter_maps");
  const auto maps = three_maps();
  const auto file = dir / "maps.nii.gz";
  neuro::write_nifti(maps, file);
  const jobs::ParcelPainter painter(file, {"map_0", "map_2"}, std::nullopt);
  EXPECT_EQ(painter.labels(), (std::vector<int>{1, 3}));
  const std::vector<float> values{2.0f, -3.0f};
  const auto painted = painter.paint(values);
  for (int64_t z = 0; z < kSide; ++z)
    for (int64_t y = 0; y < kSide; ++y)
      for (int64_t x = 0; x < kSide; ++x) {
        const double expected = 2.0 * maps.at(x, y, z, 0) - 3.0 * maps.at(x, y, z, 2);
        EXPECT_NEAR(painted.at(x, y, z), expected, 1e-5) << x << "," << y << "," << z;
      }
  // Clusters name the strongest map at each voxel.
  EXPECT_EQ(painter.atlas().label_at(1, 1, 1), 1);
  EXPECT_EQ(painter.atlas().label_at(6, 1, 6), 2);
  EXPECT_EQ(painter.atlas().label_at(3, 6, 3), 3);
  EXPECT_EQ(painter.atlas().name_of(3), "map_2");
}

TEST(ParcelPainter, AParcelTheAtlasLacksIsAnErrorNamingIt) {
  neuroseq_test::TempDir dir("painter_missing");
  const auto file = dir / "maps.nii.gz";
  neuro::write_nifti(three_maps(), file);
  try {
    const jobs::ParcelPainter painter(file, {"map_7"}, std::nullopt);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("the model's region 'map_7' is not in this atlas"),
              std::string::npos);
  }
}

}  // namespace
