// Region names from FSL XML, mricron text and TSV side files, and where the
// loader finds them.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "neuro/atlas/region_names.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using neuro::RegionNames;

namespace {

const fs::path kMricron = "/usr/share/mricron/templates";
const fs::path kResources = fs::path(NEUROSEQ_SOURCE_DIR) / "resources";

class RegionNamesTest : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  neuroseq_test::TempDir dir_{"names"};
};

// The message must name the file, so the user knows which one to fix.
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

TEST_F(RegionNamesTest, FslXmlIndexCountsFromZeroAndRegionsFromOne) {
  const auto path = write("a.xml",
                          "<?xml version=\"1.0\"?>\n<atlas><header><name>T</name></header><data>\n"
                          "<!-- <label index=\"9\">In a comment</label> -->\n"
                          "<label x=\"1\" index=\"0\" y=\"2\">Frontal Pole</label>\n"
                          "<label index='1'>  Heschl&apos;s Gyrus &amp; more </label>\n"
                          "<label index=\"3\"/>\n"
                          "<label index=\"4\">Caf&#233;</label>\n"
                          "</data></atlas>\n");
  const RegionNames names = neuro::read_fsl_xml_names(path);
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names.at(1), "Frontal Pole");
  EXPECT_EQ(names.at(2), "Heschl's Gyrus & more");
  EXPECT_EQ(names.at(5), "Caf\xC3\xA9");
  EXPECT_EQ(names.count(10), 0u);  // the commented-out label
}

TEST(ShippedNames, HarvardOxfordCorticalHas48Regions) {
  const fs::path xml = kResources / "atlases" / "HarvardOxford-Cortical.xml";
  const RegionNames names = neuro::read_region_names(xml);
  ASSERT_EQ(names.size(), 48u);
  EXPECT_EQ(names.begin()->first, 1);
  EXPECT_EQ(names.rbegin()->first, 48);
  EXPECT_EQ(names.at(1), "Frontal Pole");
  EXPECT_EQ(names.at(7), "Precentral Gyrus");
  EXPECT_EQ(names.at(26), "Juxtapositional Lobule Cortex (formerly Supplementary Motor Cortex)");
  EXPECT_EQ(names.at(45), "Heschl's Gyrus (includes H1 and H2)");
  EXPECT_EQ(names.at(48), "Occipital Pole");
}

TEST(MricronNames, AalTextFromMricron) {
  const fs::path txt = kMricron / "aal.nii.txt";
  if (!fs::exists(txt)) GTEST_SKIP() << txt << " is not installed (Debian package mricron-data)";
  const RegionNames names = neuro::read_region_names(txt);
  EXPECT_EQ(names.size(), 116u);
  EXPECT_EQ(names.at(1), "Precentral_L");  // "1 Precentral_L 2001", CRLF line ends
  EXPECT_EQ(names.at(2), "Precentral_R");
  EXPECT_EQ(names.at(116), "Vermis_10");
}

TEST(MricronNames, AichaTextFromMricron) {
  const fs::path txt = kMricron / "AICHAmc.nii.txt";
  if (!fs::exists(txt)) GTEST_SKIP() << txt << " is not installed (Debian package mricron-data)";
  const RegionNames names = neuro::read_region_names(txt);
  EXPECT_EQ(names.size(), 192u);
  EXPECT_EQ(names.at(1), "G_Frontal_Sup-1");
  EXPECT_EQ(names.at(192), "N_Thalamus-9");
}

TEST(MricronNames, JhuTabSeparatedWithBackgroundRow) {
  const fs::path txt = kMricron / "JHU-WhiteMatter-labels-2mm.nii.txt";
  if (!fs::exists(txt)) GTEST_SKIP() << txt << " is not installed (Debian package mricron-data)";
  const RegionNames names = neuro::read_region_names(txt);
  EXPECT_EQ(names.count(0), 0u);  // "0 Unclassified" is background
  EXPECT_EQ(names.at(1), "Middle_cerebellar_peduncle");
  EXPECT_EQ(names.at(2), "Pontine_crossing_tract_(a_part_of_MCP)");
}

TEST_F(RegionNamesTest, MricronTabSeparatedNamesKeepSpaces) {
  const auto path = write("x.txt", "# comment\n1\tLeft Thalamus\t7\n\n2 Right_Thalamus 8\n");
  const RegionNames names = neuro::read_mricron_names(path);
  EXPECT_EQ(names.at(1), "Left Thalamus");
  EXPECT_EQ(names.at(2), "Right_Thalamus");
}

TEST_F(RegionNamesTest, TsvWithAndWithoutHeader) {
  const auto plain = write("plain.tsv", "1\tVisual A\n2\tSomatomotor\n");
  EXPECT_EQ(neuro::read_tsv_names(plain), (RegionNames{{1, "Visual A"}, {2, "Somatomotor"}}));
  const auto header = write("header.tsv", "index\tname\n1\tVisual A\r\n3\tn/a\n4\tDefault\n");
  EXPECT_EQ(neuro::read_tsv_names(header), (RegionNames{{1, "Visual A"}, {4, "Default"}}));
  // BIDS dseg.tsv: the columns are found by their header names.
  const auto bids = write("dseg.tsv", "abbreviation\tname\tindex\nVA\tVisual A\t1\n");
  EXPECT_EQ(neuro::read_region_names(bids), (RegionNames{{1, "Visual A"}}));
}

TEST_F(RegionNamesTest, SideFileBesideTheAtlas) {
  write("atlas.nii.gz", "");
  EXPECT_FALSE(neuro::find_names_beside(dir_ / "atlas.nii.gz").has_value());
  write("atlas.tsv", "1\tA\n");
  EXPECT_EQ(neuro::find_names_beside(dir_ / "atlas.nii.gz"), dir_ / "atlas.tsv");
  // mricron's naming: aal.nii.gz beside aal.nii.txt; it comes first.
  write("atlas.nii.txt", "1 B\n");
  EXPECT_EQ(neuro::find_names_beside(dir_ / "atlas.nii.gz"), dir_ / "atlas.nii.txt");
  EXPECT_EQ(neuro::find_region_names(dir_ / "atlas.nii.gz", std::nullopt, {}).at(1), "B");
  // A file given explicitly wins over the one beside.
  EXPECT_EQ(neuro::find_region_names(dir_ / "atlas.nii.gz", dir_ / "atlas.tsv", {}).at(1), "A");
}

TEST(RealSideFiles, AalBesideItsImage) {
  const fs::path image = kMricron / "aal.nii.gz";
  if (!fs::exists(image))
    GTEST_SKIP() << image << " is not installed (Debian package mricron-data)";
  EXPECT_EQ(neuro::find_names_beside(image), kMricron / "aal.nii.txt");
}

TEST(RealSideFiles, HarvardOxfordFallsBackToShippedXml) {
  const fs::path image = kMricron / "HarvardOxford-cort-maxprob-thr0-1mm.nii.gz";
  if (!fs::exists(image))
    GTEST_SKIP() << image << " is not installed (Debian package mricron-data)";
  EXPECT_FALSE(neuro::find_names_beside(image).has_value());
  EXPECT_EQ(neuro::find_shipped_names(image, kResources),
            kResources / "atlases" / "HarvardOxford-Cortical.xml");
  const RegionNames names = neuro::find_region_names(image, std::nullopt, kResources);
  EXPECT_EQ(names.size(), 48u);
  EXPECT_EQ(names.at(1), "Frontal Pole");
  // Without a resources folder there is nothing to fall back to.
  EXPECT_TRUE(neuro::find_region_names(image, std::nullopt, {}).empty());
}

TEST_F(RegionNamesTest, UnknownAtlasHasNoShippedNames) {
  EXPECT_FALSE(neuro::find_shipped_names(dir_ / "my_atlas.nii.gz", kResources).has_value());
  EXPECT_FALSE(neuro::find_shipped_names(dir_ / "HarvardOxford-cort.nii", {}).has_value());
}

TEST_F(RegionNamesTest, BadFilesThrowWithTheFileName) {
  const fs::path missing = dir_ / "missing.xml";
  expect_error_naming([&] { neuro::read_region_names(missing); }, missing, "cannot open");

  const auto no_labels = write("none.xml", "<atlas><data></data></atlas>");
  expect_error_naming([&] { neuro::read_region_names(no_labels); }, no_labels, "no <label");

  const auto bad_index = write("bad.xml", "<atlas>\n<label index=\"x1\">A</label></atlas>");
  expect_error_naming([&] { neuro::read_region_names(bad_index); }, bad_index, "line 2");

  const auto no_index = write("noindex.xml", "<label id=\"1\">A</label>");
  expect_error_naming([&] { neuro::read_region_names(no_index); }, no_index, "no index");

  const auto unclosed = write("unclosed.xml", "<label index=\"1\">A");
  expect_error_naming([&] { neuro::read_region_names(unclosed); }, unclosed, "never closed");

  const auto twice = write("twice.txt", "1 A\n1 B\n");
  expect_error_naming([&] { neuro::read_region_names(twice); }, twice, "named twice");

  const auto garbage = write("garbage.txt", "1 A\nLeft 2\n");
  expect_error_naming([&] { neuro::read_region_names(garbage); }, garbage, "line 2");

  const auto empty = write("empty.txt", "\n# nothing\n");
  expect_error_naming([&] { neuro::read_region_names(empty); }, empty, "no region names");

  const auto tsv = write("bad.tsv", "index\tname\n1\tA\ntwo\tB\n");
  expect_error_naming([&] { neuro::read_region_names(tsv); }, tsv, "line 3");

  const auto short_row = write("short.tsv", "1\tA\n2\n");
  expect_error_naming([&] { neuro::read_region_names(short_row); }, short_row, "columns");
}

}  // namespace
