#include <gtest/gtest.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "error_of.h"
#include "neuro/image/gzip_file.h"
#include "neuro/image/nifti_header.h"
#include "neuro/image/nifti_reader.h"
#include "neuro/image/nifti_writer.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using neuro::Affine;
using neuro::Volume;
using neuroseq_test::error_of;

namespace {

const fs::path kCases = fs::path(NEUROSEQ_SHARED_DIR) / "nifti-cases";

Volume sample_volume() {
  neuro::Grid grid{{5, 4, 3}, Affine::diagonal(-2, 2, 2.5, 90, -126, -72)};
  grid.affine(0, 1) = 0.1;  // a little rotation survives the round trip exactly
  Volume v(grid, 2, 1.5);
  for (size_t i = 0; i < v.data().size(); ++i)
    v.data()[i] = static_cast<float>(i) * 0.25f - 3;
  v.meta().sform_code = neuro::XformCode::kMni152;
  v.meta().intent_code = 5;  // ZSCORE
  v.meta().intent_name = "zscore";
  v.meta().cal_min = -3;
  v.meta().cal_max = 3;
  v.meta().descrip = "NeuroSeq test";
  return v;
}

}  // namespace

TEST(NiftiCases, EveryEdgeCaseReadsAsNibabelReadsIt) {
  if (!fs::exists(kCases / "manifest.json")) GTEST_SKIP() << "no shared nifti-cases folder";
  const auto manifest = nlohmann::json::parse(std::ifstream(kCases / "manifest.json"));
  for (const auto& [file, expect] : manifest.items()) {
    SCOPED_TRACE(file);
    neuro::ImageHeader header;
    const Volume v = neuro::read_volume(kCases / file, header);
    const auto shape = expect["shape"].get<std::vector<int64_t>>();
    std::array<int64_t, 4> want{1, 1, 1, 1};
    for (size_t i = 0; i < shape.size(); ++i)
      want[i] = shape[i];
    EXPECT_EQ(v.dims()[0], want[0]);
    EXPECT_EQ(v.dims()[1], want[1]);
    EXPECT_EQ(v.dims()[2], want[2]);
    EXPECT_EQ(v.frames(), want[3]);
    const auto affine = expect["affine"].get<std::vector<std::vector<double>>>();
    for (int r = 0; r < 4; ++r) {
      for (int c = 0; c < 4; ++c)
        EXPECT_NEAR(v.affine()(r, c), affine[r][c], 1e-5);
    }
    const auto first = expect["first_values"].get<std::vector<double>>();
    for (size_t i = 0; i < first.size(); ++i) {
      EXPECT_NEAR(v.data()[i], first[i], 1e-6 * std::max(1.0, std::abs(first[i])));
    }
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    for (float x : v.data()) {
      sum += x;
      lo = std::min<double>(lo, x);
      hi = std::max<double>(hi, x);
    }
    const double want_sum = expect["sum"].get<double>();
    EXPECT_NEAR(sum, want_sum, 1e-6 * std::max(1.0, std::abs(want_sum)) * 10);
    EXPECT_NEAR(lo, expect["min"].get<double>(), 1e-6 * std::abs(lo) + 1e-9);
    EXPECT_NEAR(hi, expect["max"].get<double>(), 1e-6 * std::abs(hi) + 1e-9);
  }
}

TEST(NiftiCases, TimeUnitsGiveTheTrInSeconds) {
  if (!fs::exists(kCases / "tr_in_msec.nii.gz")) GTEST_SKIP() << "no shared nifti-cases folder";
  EXPECT_NEAR(neuro::read_header(kCases / "tr_in_msec.nii.gz").tr_seconds(), 1.5, 1e-9);
  EXPECT_NEAR(neuro::read_header(kCases / "bigendian_int16_scaled.nii").tr_seconds(), 2.0, 1e-9);
}

TEST(NiftiReader, BigEndianFilesReadAsNibabelReadsThem) {
  // nibabel's own test image is stored big-endian (>i2).
  const fs::path anatomical = "/usr/lib/python3/dist-packages/nibabel/tests/data/anatomical.nii";
  if (!fs::exists(anatomical)) GTEST_SKIP() << "python3-nibabel's test data is not installed";
  neuro::ImageHeader h;
  const Volume v = neuro::read_volume(anatomical, h);
  EXPECT_TRUE(h.big_endian);
  EXPECT_EQ(v.dims(), (std::array<int64_t, 3>{33, 41, 25}));
  EXPECT_NEAR(v.affine()(0, 3), 32.0, 1e-5);
  EXPECT_FALSE(neuro::read_header(kCases / "bigendian_int16_scaled.nii").big_endian)
      << "the shared case is little-endian despite its name (nibabel agrees)";
}

TEST(NiftiWriter, RoundTripKeepsAffineCodesIntentAndValues) {
  neuroseq_test::TempDir dir("nifti_rt");
  const Volume v = sample_volume();
  for (const char* name : {"map.nii.gz", "map.nii"}) {
    SCOPED_TRACE(name);
    neuro::write_nifti(v, dir / name);
    neuro::ImageHeader h;
    const Volume r = neuro::read_volume(dir / name, h);
    EXPECT_EQ(r.dims(), v.dims());
    EXPECT_EQ(r.frames(), 2);
    EXPECT_NEAR(r.tr_seconds(), 1.5, 1e-6);
    EXPECT_LT(r.affine().max_abs_difference(v.affine()), 1e-5);
    // The qform carries the same orthogonalised geometry for readers that use it.
    EXPECT_EQ(h.sform_code, 4);
    EXPECT_EQ(h.qform_code, 4);
    EXPECT_EQ(h.intent_code, 5);
    EXPECT_EQ(h.intent_name, "zscore");
    EXPECT_EQ(h.cal_min, -3);
    EXPECT_EQ(h.cal_max, 3);
    EXPECT_EQ(h.descrip, "NeuroSeq test");
    EXPECT_STREQ(h.time_unit_name(), "sec");
    ASSERT_EQ(r.data().size(), v.data().size());
    for (size_t i = 0; i < v.data().size(); ++i)
      ASSERT_EQ(r.data()[i], v.data()[i]);
  }
  EXPECT_TRUE(neuro::is_gzip_file(dir / "map.nii.gz"));
  EXPECT_FALSE(neuro::is_gzip_file(dir / "map.nii"));
}

TEST(NiftiWriter, QformOfAPlainAffineEqualsTheSform) {
  neuroseq_test::TempDir dir("nifti_q");
  neuro::Grid grid{{4, 4, 4}, Affine::diagonal(-3, 3, 3, 96, -132, -78)};
  neuro::write_nifti(Volume(grid, 1), dir / "q.nii.gz");
  const auto h = neuro::read_header(dir / "q.nii.gz");
  EXPECT_LT(h.qform_affine().max_abs_difference(h.sform_affine()), 1e-5);
  EXPECT_EQ(neuro::orientation_code(h.best_affine()), "LAS");
}

TEST(NiftiReader, TruncatedGzipIsOneClearError) {
  neuroseq_test::TempDir dir("nifti_trunc");
  neuro::write_nifti(sample_volume(), dir / "full.nii.gz");
  std::ifstream in(dir / "full.nii.gz", std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(dir / "cut.nii.gz", std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  const auto message = error_of([&] { neuro::read_volume(dir / "cut.nii.gz"); });
  EXPECT_NE(message.find("cut.nii.gz"), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

TEST(NiftiReader, WrongMagicIsOneClearError) {
  neuroseq_test::TempDir dir("nifti_magic");
  neuro::write_nifti(sample_volume(), dir / "ok.nii");
  std::fstream f(dir / "ok.nii", std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(344);
  f.write("xyz", 4);
  f.close();
  const auto message = error_of([&] { neuro::read_volume(dir / "ok.nii"); });
  EXPECT_NE(message.find("ok.nii: wrong magic"), std::string::npos) << message;
  std::ofstream(dir / "junk.nii") << std::string(400, 'j');
  const auto junk = error_of([&] { neuro::read_volume(dir / "junk.nii"); });
  EXPECT_NE(junk.find("junk.nii: not a NIfTI"), std::string::npos) << junk;
}

TEST(NiftiReader, ShortDataAndMissingPairFileAreClearErrors) {
  neuroseq_test::TempDir dir("nifti_short");
  neuro::write_nifti(sample_volume(), dir / "ok.nii");
  fs::resize_file(dir / "ok.nii", 400);
  const auto message = error_of([&] { neuro::read_volume(dir / "ok.nii"); });
  EXPECT_NE(message.find("ok.nii: truncated"), std::string::npos) << message;
  if (fs::exists(kCases / "analyze_pair.hdr")) {
    fs::copy_file(kCases / "analyze_pair.hdr", dir / "lonely.hdr");
    const auto pair = error_of([&] { neuro::read_volume(dir / "lonely.hdr"); });
    EXPECT_NE(pair.find("image file of this header pair is missing"), std::string::npos) << pair;
  }
  const auto none = error_of([&] { neuro::read_volume(dir / "absent.nii.gz"); });
  EXPECT_NE(none.find("absent.nii.gz: no such file"), std::string::npos) << none;
}

TEST(NiftiReader, ComplexDataIsRejectedNotGuessed) {
  neuroseq_test::TempDir dir("nifti_complex");
  neuro::write_nifti(sample_volume(), dir / "c.nii");
  std::fstream f(dir / "c.nii", std::ios::in | std::ios::out | std::ios::binary);
  const int16_t complex64 = 32, bitpix = 64;
  f.seekp(70);
  f.write(reinterpret_cast<const char*>(&complex64), 2);
  f.write(reinterpret_cast<const char*>(&bitpix), 2);
  f.close();
  const auto message = error_of([&] { neuro::read_volume(dir / "c.nii"); });
  EXPECT_NE(message.find("complex64"), std::string::npos) << message;
}
