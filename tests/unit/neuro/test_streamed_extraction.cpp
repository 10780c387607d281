// Extraction that converts a stored image frame by frame must give exactly
// what extraction of the whole float volume gives, and refuse NaN the same way.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/random/philox.h"
#include "neuro/atlas/extraction.h"
#include "neuro/image/nifti_reader.h"
#include "neuro/image/nifti_writer.h"
#include "temp_dir.h"

namespace {

neuro::Grid grid() {
  return {{9, 7, 5}, neuro::Affine::diagonal(-3, 3, 3, 12, -9, -6)};
}

neuro::LabelAtlas atlas() {
  neuro::Volume labels(grid(), 1);
  for (int64_t k = 0; k < 5; ++k) {
    for (int64_t j = 0; j < 7; ++j) {
      for (int64_t i = 0; i < 9; ++i)
        labels.at(i, j, k) = static_cast<float>((i + 2 * j) % 4);
    }
  }
  return neuro::LabelAtlas(labels);
}

}  // namespace

TEST(StreamedExtraction, EqualsExtractionOfTheWholeVolume) {
  neuroseq_test::TempDir dir("streamed");
  neuro::Volume bold(grid(), 12, 2.0);
  core::RandomStream random(3, 0);
  for (auto& v : bold.data())
    v = static_cast<float>(100 + 5 * random.normal());
  neuro::write_nifti(bold, dir / "bold.nii.gz");

  const auto image = neuro::StoredImage::open(dir / "bold.nii.gz");
  EXPECT_EQ(image.frames(), 12);
  const neuro::LabelsMasker masker(atlas(), neuro::BrainMask::everywhere(grid()));
  const auto whole = masker.extract(neuro::read_volume(dir / "bold.nii.gz"));
  const auto streamed = masker.extract(image.frames_view());
  ASSERT_EQ(streamed.values.size(), whole.values.size());
  for (size_t i = 0; i < whole.values.size(); ++i)
    ASSERT_EQ(streamed.values[i], whole.values[i]);
  EXPECT_EQ(streamed.names, whole.names);
  EXPECT_NEAR(streamed.tr_seconds, 2.0, 1e-6);

  // And a stored frame is the volume's frame.
  std::vector<float> frame(static_cast<size_t>(grid().voxel_count()));
  image.read_frame(7, frame);
  const auto in_memory = bold.frame(7);
  for (size_t i = 0; i < frame.size(); ++i)
    ASSERT_EQ(frame[i], in_memory[i]);
}

TEST(StreamedExtraction, NanIsRefusedWithItsFrameAndCount) {
  neuroseq_test::TempDir dir("streamed_nan");
  neuro::Volume bold(grid(), 6, 2.0);
  for (auto& v : bold.data())
    v = 1.0f;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  bold.at(2, 2, 2, 3) = nan;
  bold.at(3, 2, 2, 3) = nan;
  bold.at(3, 2, 2, 5) = nan;
  neuro::write_nifti(bold, dir / "bold.nii");
  const auto image = neuro::StoredImage::open(dir / "bold.nii");
  const neuro::LabelsMasker masker(atlas(), neuro::BrainMask::everywhere(grid()));
  try {
    masker.extract(image.frames_view());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("bold.nii: 2 voxels"), std::string::npos) << m;
    EXPECT_NE(m.find("NaN at frame 3"), std::string::npos) << m;
    EXPECT_NE(m.find("2 of 6 frames have NaN"), std::string::npos) << m;
  }
}
