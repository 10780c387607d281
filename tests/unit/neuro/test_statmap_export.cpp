// Statmap export: the NIfTI header a z-, t- or attribution map is written
// with, read back through the project's own reader, its JSON sidecar, and the
// BIDS-derivatives file names.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "error_of.h"
#include "neuro/bids/entities.h"
#include "neuro/image/nifti_header.h"
#include "neuro/image/nifti_reader.h"
#include "neuro/maps/statmap_export.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using neuro::Affine;
using neuro::Grid;
using neuro::StatIntent;
using neuro::StatmapInfo;
using neuro::StatmapName;
using neuro::Volume;
using neuro::XformCode;
using neuroseq_test::error_of;

namespace {

Volume sample_map() {
  Grid grid{{7, 6, 5}, Affine::diagonal(-2, 2, 2, 90, -126, -72)};
  grid.affine(0, 1) = 0.25;
  grid.affine(2, 0) = -0.125;
  Volume v(grid, 1);
  for (size_t n = 0; n < v.data().size(); ++n)
    v.data()[n] = static_cast<float>(n % 23) * 0.5f - 4.25f;  // -4.25 .. 6.75
  return v;
}

StatmapName sample_name() {
  return {"01", "wm", "MNI152NLin2009cAsym", "z", "faces"};
}

int files_in(const fs::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& entry : fs::recursive_directory_iterator(dir))
    ++n;
  return n;
}

}  // namespace

TEST(StatmapName, BuildsTheBidsDerivativesName) {
  EXPECT_EQ(sample_name().filename(),
            "sub-01_task-wm_space-MNI152NLin2009cAsym_stat-z_desc-faces_statmap.nii.gz");
  EXPECT_EQ(sample_name().sidecar_filename(),
            "sub-01_task-wm_space-MNI152NLin2009cAsym_stat-z_desc-faces_statmap.json");
  const StatmapName no_task{"group", "", "MNI152NLin6Asym", "relevance", "twoBack"};
  EXPECT_EQ(no_task.filename(),
            "sub-group_space-MNI152NLin6Asym_stat-relevance_desc-twoBack_statmap.nii.gz");
  // The project's BIDS parser reads the same entities back.
  const auto parsed = neuro::parse_bids_name(sample_name().filename());
  EXPECT_EQ(parsed.value_or("sub"), "01");
  EXPECT_EQ(parsed.value_or("task"), "wm");
  EXPECT_EQ(parsed.value_or("space"), "MNI152NLin2009cAsym");
  EXPECT_EQ(parsed.value_or("stat"), "z");
  EXPECT_EQ(parsed.value_or("desc"), "faces");
  EXPECT_EQ(parsed.suffix, "statmap");
  EXPECT_EQ(parsed.extension, ".nii.gz");
}

TEST(StatmapName, RejectsLabelsThatAreNotAlphanumeric) {
  const auto rejects = [](StatmapName name, const std::string& label, const std::string& key) {
    const std::string what = error_of<std::invalid_argument>([&] { (void)name.filename(); });
    EXPECT_NE(what.find(key), std::string::npos) << what;
    EXPECT_NE(what.find(label), std::string::npos) << what;
  };
  auto name = sample_name();
  name.subject = "0-1";
  rejects(name, "\"0-1\"", "sub");
  name = sample_name();
  name.task = "working_memory";
  rejects(name, "\"working_memory\"", "task");
  name = sample_name();
  name.space = "MNI 152";
  rejects(name, "\"MNI 152\"", "space");
  name = sample_name();
  name.stat = "z.score";
  rejects(name, "\"z.score\"", "stat");
  name = sample_name();
  name.state = "left hand";
  rejects(name, "\"left hand\"", "desc");
  name = sample_name();
  name.state = "";
  rejects(name, "required", "desc");
  name = sample_name();
  name.subject = "";
  rejects(name, "required", "sub");
}

TEST(StatmapExport, ZMapReadsBackWithItsHeader) {
  neuroseq_test::TempDir dir("statmap_z");
  Volume map = sample_map();
  map.data()[3] = std::numeric_limits<float>::quiet_NaN();  // outside cal range
  StatmapInfo info;
  info.intent = StatIntent::kZScore;
  info.method = "glm";
  info.state = "faces";
  info.units = "z";
  info.threshold = 3.1;
  const auto files = neuro::write_statmap(map, info, dir.path() / "deriv", sample_name());
  EXPECT_EQ(files.image.filename().string(), sample_name().filename());
  EXPECT_EQ(files.sidecar.filename().string(), sample_name().sidecar_filename());

  neuro::ImageHeader header;
  const Volume back = neuro::read_volume(files.image, header);
  EXPECT_EQ(back.dims(), map.dims());
  EXPECT_EQ(back.frames(), 1);
  EXPECT_EQ(header.dim[0], 3);
  EXPECT_LT(back.affine().max_abs_difference(map.affine()), 1e-6);
  EXPECT_LT(header.sform_affine().max_abs_difference(map.affine()), 1e-6);
  EXPECT_EQ(header.sform_code, 4);
  EXPECT_EQ(header.qform_code, 4);
  EXPECT_EQ(header.intent_code, 5);
  EXPECT_EQ(header.intent_name, "zscore");
  EXPECT_DOUBLE_EQ(header.cal_min, -4.25);
  EXPECT_DOUBLE_EQ(header.cal_max, 6.75);
  EXPECT_EQ(header.descrip, "NeuroSeq glm z map, state faces");
  for (size_t n = 0; n < map.data().size(); ++n) {
    if (n == 3) {
      EXPECT_TRUE(std::isnan(back.data()[n]));
    } else {
      ASSERT_EQ(back.data()[n], map.data()[n]) << n;
    }
  }

  const auto sidecar = nlohmann::json::parse(std::ifstream(files.sidecar));
  EXPECT_EQ(sidecar["Method"], "glm");
  EXPECT_EQ(sidecar["State"], "faces");
  EXPECT_EQ(sidecar["Units"], "z");
  EXPECT_EQ(sidecar["Statistic"], "z");
  EXPECT_EQ(sidecar["IntentCode"], 5);
  EXPECT_DOUBLE_EQ(sidecar["Threshold"].get<double>(), 3.1);
  EXPECT_EQ(sidecar["Space"], "mni");
  EXPECT_FALSE(sidecar.contains("DegreesOfFreedom"));
  EXPECT_EQ(files_in(dir.path() / "deriv"), 2);  // no temporaries left
}

TEST(StatmapExport, TMapCarriesItsDegreesOfFreedom) {
  neuroseq_test::TempDir dir("statmap_t");
  StatmapInfo info;
  info.intent = StatIntent::kTTest;
  info.dof = 23;
  info.method = "glm";
  const auto files = neuro::write_statmap(sample_map(), info, dir / "t.nii.gz");
  const auto header = neuro::read_header(files.image);
  EXPECT_EQ(header.intent_code, 3);
  EXPECT_DOUBLE_EQ(header.intent_params[0], 23.0);
  EXPECT_EQ(header.intent_name, "ttest");
  EXPECT_EQ(header.descrip, "NeuroSeq glm t map");
  const auto sidecar = nlohmann::json::parse(std::ifstream(dir / "t.json"));
  EXPECT_DOUBLE_EQ(sidecar["DegreesOfFreedom"].get<double>(), 23.0);
  EXPECT_FALSE(sidecar.contains("Threshold"));
  EXPECT_FALSE(sidecar.contains("State"));
}

TEST(StatmapExport, AttributionMapIsAnEstimateInScannerSpace) {
  neuroseq_test::TempDir dir("statmap_lrp");
  StatmapInfo info;
  info.intent = StatIntent::kEstimate;
  info.intent_name = "relevance-lrp";
  info.space_code = XformCode::kScannerAnat;
  info.method = "lrp-epsilon";
  info.state = "twoBack";
  info.units = "relevance";
  const Volume map = sample_map();
  const auto files = neuro::write_statmap(map, info, dir / "lrp.nii");
  neuro::ImageHeader header;
  const Volume back = neuro::read_volume(files.image, header);
  EXPECT_EQ(header.intent_code, 1001);
  EXPECT_EQ(header.intent_name, "relevance-lrp");
  EXPECT_EQ(header.sform_code, 1);
  EXPECT_EQ(header.qform_code, 1);
  EXPECT_EQ(header.descrip, "NeuroSeq lrp-epsilon map, state twoBack");
  EXPECT_LT(back.affine().max_abs_difference(map.affine()), 1e-6);
  EXPECT_TRUE(fs::exists(dir / "lrp.json"));
}

TEST(StatmapExport, MetaOfAPlainMap) {
  StatmapInfo info;
  info.method = "saliency";
  const auto meta = neuro::statmap_meta(sample_map(), info);
  EXPECT_EQ(meta.intent_code, 0);
  EXPECT_EQ(meta.intent_name, "");
  EXPECT_EQ(meta.sform_code, XformCode::kMni152);
  EXPECT_DOUBLE_EQ(meta.cal_min, -4.25);
  EXPECT_DOUBLE_EQ(meta.cal_max, 6.75);
  // An all-NaN map has no range to show.
  Volume nan_map(sample_map().grid(), 1);
  for (float& v : nan_map.data())
    v = std::numeric_limits<float>::quiet_NaN();
  const auto nan_meta = neuro::statmap_meta(nan_map, info);
  EXPECT_EQ(nan_meta.cal_min, 0.0);
  EXPECT_EQ(nan_meta.cal_max, 0.0);
  // descrip is cut to NIfTI-1's 79 characters.
  info.method = std::string(100, 'm');
  EXPECT_EQ(neuro::statmap_meta(sample_map(), info).descrip.size(), 79u);
}

TEST(StatmapExport, SidecarPathReplacesTheNiftiExtension) {
  EXPECT_EQ(neuro::statmap_sidecar_path("/a/b/x_statmap.nii.gz"), fs::path("/a/b/x_statmap.json"));
  EXPECT_EQ(neuro::statmap_sidecar_path("x.nii"), fs::path("x.json"));
  EXPECT_THROW(neuro::statmap_sidecar_path("x.mgz"), std::invalid_argument);
}

TEST(StatmapExport, RejectsInconsistentRequestsAndWritesNothing) {
  neuroseq_test::TempDir dir("statmap_bad");
  const auto target = dir / "bad.nii.gz";
  const auto fails = [&](const Volume& map, const StatmapInfo& info, const std::string& fragment) {
    const std::string what =
        error_of<std::invalid_argument>([&] { neuro::write_statmap(map, info, target); });
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
    EXPECT_NE(what.find("bad.nii.gz"), std::string::npos) << what;
    EXPECT_EQ(files_in(dir.path()), 0);
  };
  StatmapInfo ok;
  ok.intent = StatIntent::kZScore;
  ok.method = "glm";

  StatmapInfo t = ok;
  t.intent = StatIntent::kTTest;
  fails(sample_map(), t, "degrees of freedom");
  StatmapInfo dof_on_z = ok;
  dof_on_z.dof = 10;
  fails(sample_map(), dof_on_z, "t-maps only");
  StatmapInfo long_name = ok;
  long_name.intent_name = "relevance-integrated";
  fails(sample_map(), long_name, "15 characters");
  StatmapInfo no_method = ok;
  no_method.method.clear();
  fails(sample_map(), no_method, "method");
  StatmapInfo unknown_space = ok;
  unknown_space.space_code = XformCode::kUnknown;
  fails(sample_map(), unknown_space, "space code");
  StatmapInfo bad_threshold = ok;
  bad_threshold.threshold = std::numeric_limits<double>::infinity();
  fails(sample_map(), bad_threshold, "threshold");
  fails(Volume(sample_map().grid(), 3), ok, "3-D");
  EXPECT_THROW(neuro::write_statmap(sample_map(), ok, dir / "bad.mgz"), std::invalid_argument);
  EXPECT_EQ(files_in(dir.path()), 0);
}

TEST(StatmapExport, PerFrameMapKeepsItsFramesAndTr) {
  neuroseq_test::TempDir dir("statmap_frames");
  const Volume one = sample_map();
  Volume map(one.grid(), 3, 1.5);
  for (int64_t t = 0; t < 3; ++t) {
    for (size_t n = 0; n < one.data().size(); ++n)
      map.frame(t)[n] = one.data()[n] * static_cast<float>(t + 1);
  }
  StatmapInfo info;
  info.intent = StatIntent::kEstimate;
  info.method = "lrp";
  info.per_frame = true;
  const auto files = neuro::write_statmap(map, info, dir.path() / "m_statmap.nii.gz");
  neuro::ImageHeader header;
  const Volume back = neuro::read_volume(files.image, header);
  EXPECT_EQ(header.dim[0], 4);
  EXPECT_EQ(back.frames(), 3);
  EXPECT_DOUBLE_EQ(back.tr_seconds(), 1.5);
  EXPECT_EQ(back.at(2, 3, 4, 2), 3.0f * one.at(2, 3, 4));
  // cal range over every frame: -4.25 * 3 .. 6.75 * 3
  EXPECT_DOUBLE_EQ(header.cal_min, -12.75);
  EXPECT_DOUBLE_EQ(header.cal_max, 20.25);
  const auto sidecar = nlohmann::json::parse(std::ifstream(files.sidecar));
  EXPECT_EQ(sidecar["Frames"], 3);
  EXPECT_DOUBLE_EQ(sidecar["RepetitionTime"].get<double>(), 1.5);

  Volume no_tr(one.grid(), 3);
  EXPECT_NE(
      error_of([&] { neuro::write_statmap(no_tr, info, dir.path() / "x.nii.gz"); }).find("TR > 0"),
      std::string::npos);
}
