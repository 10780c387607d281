// Atlases shared as BIDS derivatives: the real layouts of bids-examples'
// atlas-* datasets (whose images are empty placeholders there, so the tests
// write small images in their place), names from their tables and sidecars,
// template spaces and the warnings about them, and the refusal of intensity
// images given as label atlases. Expected names are read here, straight from
// the files, never through the code under test.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuro/atlas/atlas_derivatives.h"
#include "neuro/atlas/parcel_atlas.h"
#include "neuro/image/nifti_writer.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using neuro::Affine;
using neuro::Grid;
using neuro::ParcelAtlas;
using neuro::SpaceCheck;
using neuro::Volume;

namespace {

const fs::path kMricron = "/usr/share/mricron/templates";

fs::path examples_root() {
  if (const char* env = std::getenv("NEUROSEQ_BIDS_EXAMPLES")) return env;
  return std::filesystem::path(NEUROSEQ_SHARED_DIR) / "bids-examples";
}

#define SKIP_UNLESS_EXISTS(path, why)                          \
  if (!fs::exists(path)) {                                     \
    GTEST_SKIP() << (path) << " is not there (" << why << ")"; \
  }

// The table as the test reads it: (index, name) rows in file order, columns
// found by the header, names trimmed of the blanks that some tables carry.
std::vector<std::pair<int, std::string>> read_table(const fs::path& tsv) {
  std::ifstream in(tsv);
  std::string line;
  std::getline(in, line);
  auto split = [](std::string text) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    std::vector<std::string> fields;
    std::stringstream stream(text);
    std::string field;
    while (std::getline(stream, field, '\t'))
      fields.push_back(field);
    return fields;
  };
  const auto header = split(line);
  const auto column = [&](const std::string& name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const size_t index_at = column("index");
  const size_t name_at = column("name");
  std::vector<std::pair<int, std::string>> rows;
  while (std::getline(in, line)) {
    const auto fields = split(line);
    if (fields.size() <= std::max(index_at, name_at)) continue;
    std::string name = fields[name_at];
    while (!name.empty() && name.back() == ' ')
      name.pop_back();
    rows.emplace_back(std::stoi(fields[index_at]), name);
  }
  return rows;
}

std::vector<std::string> read_label_map(const fs::path& json) {
  std::ifstream in(json);
  return nlohmann::json::parse(in).at("LabelMap").get<std::vector<std::string>>();
}

// A label image holding each of `labels` in a 3x3x3 block (the rest
// background): regions as compact as real parcels.
Volume label_image(const std::vector<int>& labels) {
  const auto side =
      static_cast<int64_t>(std::ceil(std::cbrt(static_cast<double>(labels.size())) - 1e-9));
  const Grid grid{{3 * side + 2, 3 * side + 2, 3 * side + 2}, Affine::diagonal(2, 2, 2)};
  Volume volume(grid, 1);
  for (size_t n = 0; n < labels.size(); ++n) {
    const auto c = static_cast<int64_t>(n);
    const int64_t bi = c % side, bj = c / side % side, bk = c / (side * side);
    for (int64_t k = 0; k < 3; ++k)
      for (int64_t j = 0; j < 3; ++j)
        for (int64_t i = 0; i < 3; ++i)
          volume.at(1 + 3 * bi + i, 1 + 3 * bj + j, 1 + 3 * bk + k) = static_cast<float>(labels[n]);
  }
  return volume;
}

// `count` maps on a small grid, each a different pair of voxels.
Volume map_image(int64_t count) {
  const Grid grid{{6, 6, 6}, Affine::diagonal(2, 2, 2)};
  Volume maps(grid, count);
  const auto voxels = static_cast<size_t>(grid.voxel_count());
  for (int64_t k = 0; k < count; ++k) {
    auto map = maps.frame(k);
    map[static_cast<size_t>(k) % voxels] = 1.0f;
    map[(static_cast<size_t>(k) * 7 + 3) % voxels] += 0.5f;
  }
  return maps;
}

std::vector<int> nonzero_indices(const std::vector<std::pair<int, std::string>>& rows) {
  std::vector<int> out;
  for (const auto& [index, name] : rows) {
    if (index != 0) out.push_back(index);
  }
  return out;
}

// The names of the table's regions other than the background, by index.
std::vector<std::string> names_by_index(std::vector<std::pair<int, std::string>> rows) {
  std::sort(rows.begin(), rows.end());
  std::vector<std::string> out;
  for (const auto& [index, name] : rows) {
    if (index != 0) out.push_back(name);
  }
  return out;
}

bool has_note(const ParcelAtlas& atlas, const std::string& a, const std::string& b = "") {
  return std::any_of(atlas.notes().begin(), atlas.notes().end(), [&](const std::string& note) {
    return note.find(a) != std::string::npos && note.find(b) != std::string::npos;
  });
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

class AtlasDerivatives : public ::testing::Test {
 protected:
  // A copy of bids-examples/<name>, to write images into.
  fs::path copy_example(const std::string& name) {
    const fs::path from = examples_root() / name;
    const fs::path to = dir_ / name;
    fs::copy(from, to, fs::copy_options::recursive);
    return to;
  }
  neuroseq_test::TempDir dir_{"atlas_derivatives"};
};

// --- real layouts --------------------------------------------------------

TEST_F(AtlasDerivatives, AalNamesComeFromItsTableInIndexOrder) {
  SKIP_UNLESS_EXISTS(examples_root() / "atlas-AAL", "bids-examples");
  const fs::path root = copy_example("atlas-AAL");
  const fs::path anat = root / "tpl-MNIColin27/anat";
  const fs::path image = anat / "tpl-MNIColin27_atlas-AAL_res-1_dseg.nii.gz";
  const auto rows = read_table(anat / "tpl-MNIColin27_atlas-AAL_res-1_dseg.tsv");
  neuro::write_nifti(label_image(nonzero_indices(rows)), image);

  const ParcelAtlas atlas = neuro::load_parcel_atlas(image);
  ASSERT_TRUE(atlas.is_labels());
  EXPECT_EQ(atlas.names(), names_by_index(rows));
  EXPECT_EQ(atlas.names().front(), rows[1].second);  // the first region after the background
  EXPECT_EQ(atlas.labels().labels().front(), rows[1].first);
  EXPECT_EQ(atlas.template_space(), "MNIColin27");
  EXPECT_EQ(atlas.names_file(), anat / "tpl-MNIColin27_atlas-AAL_res-1_dseg.tsv");
  EXPECT_TRUE(atlas.notes().empty()) << atlas.notes().front();
}

TEST_F(AtlasDerivatives, FourSTablesUseTheNameColumnAndTheCohort) {
  SKIP_UNLESS_EXISTS(examples_root() / "atlas-4S", "bids-examples");
  const fs::path root = copy_example("atlas-4S") / "sourcedata/atlas-4S";
  int checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with("_dseg.nii.gz")) continue;
    const fs::path tsv = entry.path().parent_path() / (name.substr(0, name.size() - 7) + ".tsv");
    const auto rows = read_table(tsv);
    neuro::write_nifti(label_image(nonzero_indices(rows)), entry.path());
    const ParcelAtlas atlas = neuro::load_parcel_atlas(entry.path());
    EXPECT_EQ(atlas.names(), names_by_index(rows)) << entry.path();
    EXPECT_EQ(atlas.names_file(), tsv);
    if (name.find("cohort-2") != std::string::npos) {
      EXPECT_EQ(atlas.template_space(), "MNIInfant+2");
      EXPECT_EQ(atlas.check_space("MNIInfant+2").level, SpaceCheck::Level::kNone);
      EXPECT_EQ(atlas.check_space("MNIInfant+1").level, SpaceCheck::Level::kWarning);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 8);
  EXPECT_EQ(read_table(root / "tpl-MNI152NLin6Asym/anat/"
                              "tpl-MNI152NLin6Asym_atlas-4S_scale-156_res-01_dseg.tsv")
                .front()
                .second,
            "LH_Vis_1");  // the name column, not name_7network
}

TEST_F(AtlasDerivatives, SubjectLevelAtlasesKeepTheirSpace) {
  SKIP_UNLESS_EXISTS(examples_root() / "atlas-4S", "bids-examples");
  const fs::path anat = copy_example("atlas-4S") / "sub-01/ses-2mo/anat";
  const fs::path image = anat / "sub-01_ses-2mo_space-MNIInfant+1_atlas-4S_scale-156_dseg.nii.gz";
  const auto rows =
      read_table(anat / "sub-01_ses-2mo_space-MNIInfant+1_atlas-4S_scale-156_dseg.tsv");
  neuro::write_nifti(label_image(nonzero_indices(rows)), image);
  const ParcelAtlas atlas = neuro::load_parcel_atlas(image);
  EXPECT_EQ(atlas.names(), names_by_index(rows));
  EXPECT_EQ(atlas.template_space(), "MNIInfant+1");
  EXPECT_EQ(atlas.check_space("MNIInfant+1").level, SpaceCheck::Level::kNone);
}

TEST_F(AtlasDerivatives, TablesAreInheritedFromTheDatasetRoot) {
  SKIP_UNLESS_EXISTS(examples_root() / "atlas-4S", "bids-examples");
  const fs::path root = copy_example("atlas-4S") / "sourcedata/atlas-4S";
  const fs::path anat = root / "tpl-MNI152NLin6Asym/anat";
  const std::string base = "tpl-MNI152NLin6Asym_atlas-4S_scale-156_res-01_dseg";
  const auto rows = read_table(anat / (base + ".tsv"));
  // The table moves to the root without tpl- and res-; the other scale's
  // table there must not be taken for this one.
  fs::rename(anat / (base + ".tsv"), root / "atlas-4S_scale-156_dseg.tsv");
  fs::copy_file(anat / "tpl-MNI152NLin6Asym_atlas-4S_scale-256_res-01_dseg.tsv",
                root / "atlas-4S_scale-256_dseg.tsv");
  const fs::path image = anat / (base + ".nii.gz");
  neuro::write_nifti(label_image(nonzero_indices(rows)), image);

  const ParcelAtlas atlas = neuro::load_parcel_atlas(image);
  EXPECT_EQ(atlas.names_file(), root / "atlas-4S_scale-156_dseg.tsv");
  EXPECT_EQ(atlas.names(), names_by_index(rows));
  EXPECT_EQ(neuro::atlas_dataset_root(image), root);

  // A table nearer the image wins over the root's.
  std::ofstream(anat / "tpl-MNI152NLin6Asym_atlas-4S_scale-156_dseg.tsv")
      << "index\tname\n1\tNearer\n";
  const ParcelAtlas nearer = neuro::load_parcel_atlas(image);
  EXPECT_EQ(nearer.names().front(), "Nearer");
  EXPECT_EQ(nearer.names()[1], "label_2");
}

TEST_F(AtlasDerivatives, DiFuMoIsFourDimensionalWhateverItsSuffix) {
  SKIP_UNLESS_EXISTS(examples_root() / "atlas-DiFuMo", "bids-examples");
  const fs::path anat = copy_example("atlas-DiFuMo") / "tpl-MNI152NLin6Asym/anat";
  for (const int scale : {64, 1024}) {
    const std::string base =
        "tpl-MNI152NLin6Asym_atlas-DiFuMo_scale-" + std::to_string(scale) + "_res-2_dseg";
    const auto rows = read_table(anat / (base + ".tsv"));
    ASSERT_EQ(rows.size(), static_cast<size_t>(scale));
    neuro::write_nifti(map_image(scale), anat / (base + ".nii.gz"));
    const ParcelAtlas maps = neuro::load_parcel_atlas(anat / (base + ".nii.gz"));
    ASSERT_FALSE(maps.is_labels());
    EXPECT_EQ(maps.region_count(), scale);
    for (int k = 0; k < scale; ++k)
      ASSERT_EQ(maps.names()[static_cast<size_t>(k)], rows[static_cast<size_t>(k)].second);
    EXPECT_TRUE(has_note(maps, "named _dseg but holds " + std::to_string(scale) + " volumes"));
  }
  // The 1024 regions as a true dseg are a plausible label atlas.
  const std::string base = "tpl-MNI152NLin6Asym_atlas-DiFuMo_scale-1024_res-2_dseg";
  const auto rows = read_table(anat / (base + ".tsv"));
  neuro::write_nifti(label_image(nonzero_indices(rows)), anat / (base + ".nii.gz"));
  const ParcelAtlas labels = neuro::load_parcel_atlas(anat / (base + ".nii.gz"));
  ASSERT_TRUE(labels.is_labels());
  EXPECT_EQ(labels.names(), names_by_index(rows));
}

TEST_F(AtlasDerivatives, ProbsegWithoutATableTakesItsLabelMap) {
  for (const std::string atlas_name : {"HarvardOxford", "Juelich"}) {
    SKIP_UNLESS_EXISTS(examples_root() / ("atlas-" + atlas_name), "bids-examples");
    const fs::path anat = copy_example("atlas-" + atlas_name) / "tpl-MNI152NLin6Asym/anat";
    const std::string base = "tpl-MNI152NLin6Asym_atlas-" + atlas_name + "_res-2_probseg";
    const auto label_map = read_label_map(anat / (base + ".json"));
    ASSERT_EQ(label_map.front(), "Background");
    const auto volumes = static_cast<int64_t>(label_map.size()) - 1;
    const fs::path image = anat / (base + ".nii.gz");
    neuro::write_nifti(map_image(volumes), image);
    const ParcelAtlas maps = neuro::load_parcel_atlas(image);
    ASSERT_FALSE(maps.is_labels());
    EXPECT_EQ(maps.names(), std::vector<std::string>(label_map.begin() + 1, label_map.end()));
    EXPECT_EQ(maps.names_file(), anat / (base + ".json"));
    EXPECT_TRUE(maps.notes().empty());
    EXPECT_EQ(maps.template_space(), "MNI152NLin6Asym");
    const SpaceCheck check = maps.check_space("MNI152NLin2009cAsym");
    EXPECT_EQ(check.level, SpaceCheck::Level::kWarning);
    EXPECT_EQ(check.message, base +
                                 ".nii.gz: the atlas is in tpl-MNI152NLin6Asym but the runs are "
                                 "in space-MNI152NLin2009cAsym; regions may be misplaced by a few "
                                 "mm");

    // Its maximum-probability dseg has a table, background row first.
    const std::string dseg =
        "tpl-MNI152NLin6Asym_atlas-" + atlas_name + "_seg-threshold25_res-2_dseg";
    const auto rows = read_table(anat / (dseg + ".tsv"));
    neuro::write_nifti(label_image(nonzero_indices(rows)), anat / (dseg + ".nii.gz"));
    const ParcelAtlas labels = neuro::load_parcel_atlas(anat / (dseg + ".nii.gz"));
    EXPECT_EQ(labels.names(), names_by_index(rows));
  }
}

TEST_F(AtlasDerivatives, SchaeferProbsegMayHoldLabelsOrMaps) {
  SKIP_UNLESS_EXISTS(examples_root() / "atlas-Schaefer", "bids-examples");
  const fs::path anat = copy_example("atlas-Schaefer") / "tpl-MNI152NLin6Asym/anat";
  const std::string base =
      "tpl-MNI152NLin6Asym_atlas-Schaefer2018_seg-7Networks_scale-100_res-2_probseg";
  const auto label_map = read_label_map(anat / (base + ".json"));
  const std::vector<std::string> regions(label_map.begin() + 1, label_map.end());
  ASSERT_EQ(regions.size(), 100u);
  ASSERT_EQ(regions.front(), "7Networks_LH_Vis_1");
  const fs::path image = anat / (base + ".nii.gz");

  // As nilearn ships it: one volume of labels 1..100.
  std::vector<int> values(100);
  for (int v = 0; v < 100; ++v)
    values[static_cast<size_t>(v)] = v + 1;
  neuro::write_nifti(label_image(values), image);
  const ParcelAtlas labels = neuro::load_parcel_atlas(image);
  ASSERT_TRUE(labels.is_labels());
  EXPECT_EQ(labels.names(), regions);
  EXPECT_TRUE(has_note(labels, "named _probseg but holds integer labels"));

  // As the name says: one map per region.
  neuro::write_nifti(map_image(100), image);
  const ParcelAtlas maps = neuro::load_parcel_atlas(image);
  ASSERT_FALSE(maps.is_labels());
  EXPECT_EQ(maps.names(), regions);
}

// --- synthetic layouts -----------------------------------------------------

TEST_F(AtlasDerivatives, LabelsAndRowsThatDoNotMatch) {
  const fs::path anat = dir_ / "tpl-MNI152NLin6Asym/anat";
  fs::create_directories(anat);
  const fs::path image = anat / "tpl-MNI152NLin6Asym_atlas-Toy_res-2_dseg.nii.gz";
  neuro::write_nifti(label_image({1, 2, 3, 7}), image);
  std::ofstream(anat / "tpl-MNI152NLin6Asym_atlas-Toy_res-2_dseg.tsv")
      << "index\tname\tcolor\n0\tBackground\t#000000\n1\tA\t#ff0000\n2\tB\t#00ff00\n"
         "3\tC\t#0000ff\n4\tD\t#ffff00\n5\tE\t#00ffff\n";
  const ParcelAtlas atlas = neuro::load_parcel_atlas(image);
  // Every label of the image is a parcel, named or not; rows 4 and 5 give none.
  EXPECT_EQ(atlas.names(), (std::vector<std::string>{"A", "B", "C", "label_7"}));
  EXPECT_TRUE(has_note(atlas, "no name for label 7", "label_<value>"));
  EXPECT_TRUE(has_note(atlas, "2 regions not in the image (index 4, 5", "give no parcel"));
  EXPECT_EQ(atlas.template_space(), "MNI152NLin6Asym");
}

TEST_F(AtlasDerivatives, ProbsegRowsNameTheVolumesInOrder) {
  const fs::path image = dir_ / "atlas-Toy_probseg.nii.gz";
  neuro::write_nifti(map_image(5), image);
  // Row order, not index order, is volume order; the background row goes.
  std::ofstream(dir_ / "atlas-Toy_probseg.tsv")
      << "index\tlabel\n0\tBackground\n9\tNine\n3\tThree\n4\tFour\n1\tOne\n2\tTwo\n";
  EXPECT_EQ(neuro::load_parcel_atlas(image).names(),
            (std::vector<std::string>{"Nine", "Three", "Four", "One", "Two"}));

  std::ofstream(dir_ / "atlas-Toy_probseg.tsv") << "index\tname\n1\tOne\n2\tTwo\n3\tThree\n";
  const ParcelAtlas short_table = neuro::load_parcel_atlas(image);
  EXPECT_EQ(short_table.names(),
            (std::vector<std::string>{"One", "Two", "Three", "map_3", "map_4"}));
  EXPECT_TRUE(has_note(short_table, "names 3 regions but the image has 5 volumes"));
}

TEST_F(AtlasDerivatives, NoNamesAtAllIsANote) {
  const fs::path image = dir_ / "plain.nii.gz";
  neuro::write_nifti(label_image({1, 2}), image);
  const ParcelAtlas atlas = neuro::load_parcel_atlas(image);
  EXPECT_EQ(atlas.names(), (std::vector<std::string>{"label_1", "label_2"}));
  EXPECT_TRUE(has_note(atlas, "no region names found"));
  EXPECT_EQ(atlas.template_space(), "");
}

TEST_F(AtlasDerivatives, TemplateFromFolderOrSidecar) {
  const fs::path anat = dir_ / "tpl-MNI152NLin2009cAsym/anat";
  fs::create_directories(anat);
  EXPECT_EQ(neuro::atlas_template_space(anat / "atlas-X_dseg.nii.gz"), "MNI152NLin2009cAsym");
  EXPECT_EQ(neuro::atlas_template_space(dir_ / "tpl-MNIInfant/cohort-3/anat/atlas-X_dseg.nii.gz"),
            "MNIInfant+3");
  std::ofstream(dir_ / "atlas-Y_dseg.json") << R"({"Space": "MNIColin27"})";
  EXPECT_EQ(neuro::atlas_template_space(dir_ / "atlas-Y_dseg.nii.gz"), "MNIColin27");
  std::ofstream(dir_ / "atlas-Z_dseg.json")
      << R"({"SpatialReference": "https://templateflow.s3.amazonaws.com/tpl-MNI152NLin6Asym_res-02_T1w.nii.gz"})";
  EXPECT_EQ(neuro::atlas_template_space(dir_ / "atlas-Z_dseg.nii.gz"), "MNI152NLin6Asym");
  EXPECT_EQ(neuro::atlas_template_space(kMricron / "aal.nii.gz"), "");
}

TEST(AtlasSpace, WarningsByKindOfSpace) {
  using Level = SpaceCheck::Level;
  EXPECT_EQ(neuro::check_atlas_space("a", "MNI152NLin6Asym", "MNI152NLin6Asym").level,
            Level::kNone);
  // BIDS's own spelling of FSL's MNI152.
  EXPECT_EQ(neuro::check_atlas_space("a", "MNI152NLin6Asym", "MNI152NLin6ASym").level,
            Level::kNone);
  const auto other = neuro::check_atlas_space("a.nii.gz", "MNI152NLin6Asym", "MNI152NLin2009cAsym");
  EXPECT_EQ(other.level, Level::kWarning);
  EXPECT_EQ(other.message,
            "a.nii.gz: the atlas is in tpl-MNI152NLin6Asym but the runs are in "
            "space-MNI152NLin2009cAsym; regions may be misplaced by a few mm");
  EXPECT_EQ(neuro::check_atlas_space("a", "MNIColin27", "MNI152NLin6Asym").level, Level::kWarning);

  const auto native = neuro::check_atlas_space("a", "MNI152NLin6Asym", "T1w");
  EXPECT_EQ(native.level, Level::kWarning);
  EXPECT_NE(native.message.find("space-T1w, a subject's own anatomy"), std::string::npos);
  const auto raw = neuro::check_atlas_space("a", "MNI152NLin6Asym", "");
  EXPECT_EQ(raw.level, Level::kWarning);
  EXPECT_NE(raw.message.find("name no space- (raw or unnormalised data)"), std::string::npos);

  // An atlas that names no template (mricron's, FSL's): nothing to compare,
  // except that native runs deserve a reminder.
  EXPECT_EQ(neuro::check_atlas_space("aal.nii.gz", "", "MNI152NLin2009cAsym").level, Level::kNone);
  EXPECT_EQ(neuro::check_atlas_space("aal.nii.gz", "", "T1w").level, Level::kNote);
  EXPECT_EQ(neuro::check_atlas_space("aal.nii.gz", "", "").level, Level::kNote);
  // A subject-level atlas in the runs' own space.
  EXPECT_EQ(neuro::check_atlas_space("a", "T1w", "T1w").level, Level::kNone);
  EXPECT_EQ(neuro::check_atlas_space("a", "T1w", "MNI152NLin6Asym").level, Level::kWarning);
}

// --- intensity images refused ------------------------------------------------

TEST(IntensityImages, RealT1TemplatesAreRefused) {
  for (const char* name : {"ch2.nii.gz", "ch2better.nii.gz"}) {
    const fs::path t1 = kMricron / name;
    SKIP_UNLESS_EXISTS(t1, "Debian package mricron-data");
    for (const auto& what : {error_of([&] { neuro::load_parcel_atlas(t1); }),
                             error_of([&] { neuro::LabelAtlas::load(t1); })}) {
      EXPECT_EQ(what.find(t1.string() + ": this looks like an intensity image ("), 0u) << what;
      EXPECT_NE(what.find("distinct values"), std::string::npos) << what;
      EXPECT_NE(what.find("give an integer label atlas (dseg) to --atlas"), std::string::npos)
          << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
}

TEST(IntensityImages, RealLabelAtlasesPass) {
  for (const char* name : {"aal.nii.gz", "AICHAmc.nii.gz", "brodmann.nii.gz",
                           "HarvardOxford-cort-maxprob-thr0-1mm.nii.gz",
                           "JHU-WhiteMatter-labels-2mm.nii.gz", "jhu189.nii.gz"}) {
    const fs::path atlas = kMricron / name;
    SKIP_UNLESS_EXISTS(atlas, "Debian package mricron-data");
    EXPECT_NO_THROW(neuro::load_parcel_atlas(atlas))
        << error_of([&] { neuro::load_parcel_atlas(atlas); });
  }
}

TEST_F(AtlasDerivatives, SyntheticIntensityImagesAreRefused) {
  const Grid grid{{40, 48, 40}, Affine::diagonal(2, 2, 2)};
  std::mt19937 random(7);
  std::normal_distribution<float> noise(0.0f, 4.0f);
  Volume t1(grid, 1);
  for (int64_t k = 0; k < 40; ++k)
    for (int64_t j = 0; j < 48; ++j)
      for (int64_t i = 0; i < 40; ++i)
        t1.at(i, j, k) = 100.0f + 1.5f * static_cast<float>(i + j) + noise(random);
  const fs::path float_file = dir_ / "float_t1.nii.gz";
  neuro::write_nifti(t1, float_file);
  const std::string what = error_of([&] { neuro::load_parcel_atlas(float_file); });
  EXPECT_EQ(what.find(float_file.string() + ": this looks like an intensity image ("), 0u) << what;
  EXPECT_NE(what.find("non-integer values such as"), std::string::npos) << what;

  // The same quantised to integers, as 8-bit templates store it.
  for (auto& v : t1.data())
    v = std::round(v);
  const fs::path int_file = dir_ / "int_t1.nii.gz";
  neuro::write_nifti(t1, int_file);
  const std::string int_what = error_of([&] { neuro::load_parcel_atlas(int_file); });
  EXPECT_NE(int_what.find("this looks like an intensity image"), std::string::npos) << int_what;
  EXPECT_NE(int_what.find("adjacent voxels hold the same value in only"), std::string::npos)
      << int_what;
}

TEST_F(AtlasDerivatives, FineAtlasesOnCoarseGridsPass) {
  // 1000 Voronoi parcels of a 30^3 cube (27 voxels each, as Schaefer 1000 on
  // a 3 mm grid) and aparc+aseg-like values up to 2035.
  const Grid grid{{30, 30, 30}, Affine::diagonal(3, 3, 3)};
  std::mt19937 random(3);
  std::uniform_int_distribution<int64_t> coordinate(0, 29);
  std::vector<std::array<int64_t, 3>> seeds(1000);
  for (auto& seed : seeds)
    seed = {coordinate(random), coordinate(random), coordinate(random)};
  Volume voronoi(grid, 1);
  for (int64_t k = 0; k < 30; ++k)
    for (int64_t j = 0; j < 30; ++j)
      for (int64_t i = 0; i < 30; ++i) {
        int64_t best = 0, best_d = 1 << 30;
        for (size_t s = 0; s < seeds.size(); ++s) {
          const int64_t d = (seeds[s][0] - i) * (seeds[s][0] - i) +
                            (seeds[s][1] - j) * (seeds[s][1] - j) +
                            (seeds[s][2] - k) * (seeds[s][2] - k);
          if (d < best_d) {
            best_d = d;
            best = static_cast<int64_t>(s);
          }
        }
        voronoi.at(i, j, k) = static_cast<float>(best + 1);
      }
  const auto stats = neuro::label_image_stats(voronoi);
  EXPECT_GT(stats.distinct_labels, 900);
  EXPECT_GT(stats.same_label_fraction, neuro::kMinSameLabelFraction + 0.1);
  const fs::path file = dir_ / "voronoi.nii.gz";
  neuro::write_nifti(voronoi, file);
  EXPECT_NO_THROW(neuro::load_parcel_atlas(file));

  std::vector<int> aparc;
  for (int v = 1; v <= 40; ++v)
    aparc.push_back(v);
  for (int v = 1001; v <= 1035; ++v)
    aparc.push_back(v);
  for (int v = 2001; v <= 2035; ++v)
    aparc.push_back(v);
  const fs::path aparc_file = dir_ / "aparc_aseg.nii.gz";
  neuro::write_nifti(label_image(aparc), aparc_file);
  EXPECT_EQ(neuro::load_parcel_atlas(aparc_file).region_count(), 110);
}

TEST_F(AtlasDerivatives, FourDimensionalImagesAreRoutedOrRefused) {
  const fs::path maps_file = dir_ / "maps.nii.gz";
  neuro::write_nifti(map_image(4), maps_file);
  EXPECT_FALSE(neuro::load_parcel_atlas(maps_file).is_labels());
  neuro::ParcelAtlasOptions labels_only;
  labels_only.kind = neuro::ParcelAtlasKind::kLabels;
  const std::string what = error_of([&] { neuro::load_parcel_atlas(maps_file, labels_only); });
  EXPECT_NE(what.find("a label atlas must be 3-D, this one has 4 volumes"), std::string::npos);
  EXPECT_NE(what.find("probabilistic atlas"), std::string::npos);

  // A BOLD run: every frame nearly the one before.
  const Grid grid{{8, 8, 8}, Affine::diagonal(3, 3, 3)};
  Volume bold(grid, 10, 2.0);
  std::mt19937 random(5);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (int64_t t = 0; t < 10; ++t)
    for (int64_t v = 0; v < grid.voxel_count(); ++v)
      bold.frame(t)[static_cast<size_t>(v)] =
          500.0f + 10.0f * static_cast<float>(v % 37) + noise(random);
  const fs::path bold_file = dir_ / "bold.nii.gz";
  neuro::write_nifti(bold, bold_file);
  const std::string bold_what = error_of([&] { neuro::load_parcel_atlas(bold_file); });
  EXPECT_NE(bold_what.find(bold_file.string() + ": this looks like a time series"),
            std::string::npos)
      << bold_what;
}

// --- extraction through either kind ------------------------------------------

TEST_F(AtlasDerivatives, OneMaskerForBothKinds) {
  const Volume labels = label_image({1, 2, 3});
  const Grid grid = labels.grid();
  Volume bold(grid, 4, 2.0);
  for (int64_t t = 0; t < 4; ++t)
    for (int64_t v = 0; v < grid.voxel_count(); ++v)
      bold.frame(t)[static_cast<size_t>(v)] = static_cast<float>(t * 100 + v % 11);
  const auto mask = neuro::BrainMask::everywhere(grid);

  const ParcelAtlas label_atlas{neuro::LabelAtlas(labels)};
  const neuro::ParcelMasker by_labels(label_atlas.resampled_to(grid), mask);
  const auto expected = neuro::LabelsMasker(label_atlas.labels(), mask).extract(bold);
  const auto got = by_labels.extract(bold);
  EXPECT_EQ(got.values, expected.values);
  EXPECT_EQ(by_labels.parcel_count(), 3);
  ASSERT_NE(by_labels.labels_masker(), nullptr);
  EXPECT_EQ(by_labels.maps_masker(), nullptr);

  Volume maps(grid, 2);
  for (int64_t v = 0; v < grid.voxel_count(); ++v) {
    maps.frame(0)[static_cast<size_t>(v)] = labels.data()[static_cast<size_t>(v)] == 1 ? 1.0f : 0;
    maps.frame(1)[static_cast<size_t>(v)] = labels.data()[static_cast<size_t>(v)] == 2 ? 1.0f : 0;
  }
  const ParcelAtlas map_atlas(
      neuro::ProbabilisticAtlas(maps, neuro::RegionNames{{1, "one"}, {2, "two"}}));
  const neuro::ParcelMasker by_maps(map_atlas, mask);
  EXPECT_EQ(by_maps.names(), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(by_maps.extract(neuro::frames_of(bold)).values,
            neuro::MapsMasker(map_atlas.maps(), mask).extract(bold).values);
  EXPECT_THROW(map_atlas.labels(), std::logic_error);
}

}  // namespace
