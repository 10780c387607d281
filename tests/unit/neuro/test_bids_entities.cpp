#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "error_of.h"
#include "neuro/bids/derivatives.h"
#include "neuro/bids/entities.h"

namespace neuro {
namespace {

using ::testing::HasSubstr;

TEST(BidsEntities, ParsesAPreprocessedBoldName) {
  const auto name = parse_bids_name(
      "sub-01_ses-02_task-rest_acq-x_run-1_space-MNI152NLin2009cAsym_res-2_desc-preproc_bold.nii."
      "gz");
  const std::vector<BidsEntity> expected = {{"sub", "01"},    {"ses", "02"},
                                            {"task", "rest"}, {"acq", "x"},
                                            {"run", "1"},     {"space", "MNI152NLin2009cAsym"},
                                            {"res", "2"},     {"desc", "preproc"}};
  EXPECT_EQ(name.entities, expected);
  EXPECT_EQ(name.suffix, "bold");
  EXPECT_EQ(name.extension, ".nii.gz");
  EXPECT_EQ(name.get("space"), "MNI152NLin2009cAsym");
  EXPECT_FALSE(name.get("echo").has_value());
  EXPECT_EQ(name.value_or("echo", "none"), "none");
}

TEST(BidsEntities, IgnoresTheFolderAndKeepsTheWholeExtension) {
  const auto name = parse_bids_name("/data/ds/sub-01/func/sub-01_task-motor_events.tsv");
  EXPECT_EQ(name.entities.size(), 2u);
  EXPECT_EQ(name.suffix, "events");
  EXPECT_EQ(name.extension, ".tsv");
  const auto top = parse_bids_name("task-rest_bold.json");
  EXPECT_EQ(top.entities, (std::vector<BidsEntity>{{"task", "rest"}}));
  const auto bare = parse_bids_name("sub-01_T1w");
  EXPECT_EQ(bare.suffix, "T1w");
  EXPECT_EQ(bare.extension, "");
}

TEST(BidsEntities, BuildsTheSameNameBack) {
  const std::string text =
      "sub-01_ses-02_task-rest_acq-x_run-1_space-MNI152NLin2009cAsym_res-2_desc-preproc_bold.nii."
      "gz";
  EXPECT_EQ(parse_bids_name(text).filename(), text);
}

TEST(BidsEntities, BuildsInTheSpecificationOrderWhateverTheOrderGiven) {
  BidsName name;
  name.suffix = "bold";
  name.extension = ".nii";
  name.set("desc", "preproc").set("run", "2").set("space", "T1w").set("sub", "07");
  name.set("echo", "1").set("ses", "a").set("task", "nback").set("acq", "mb").set("res", "2");
  EXPECT_EQ(name.filename(),
            "sub-07_ses-a_task-nback_acq-mb_run-2_echo-1_space-T1w_res-2_desc-preproc_bold.nii");
}

TEST(BidsEntities, PutsEntitiesTheTableDoesNotKnowJustBeforeDesc) {
  BidsName name;
  name.suffix = "statmap";
  name.extension = ".nii.gz";
  name.set("desc", "left").set("stat", "lrp").set("task", "motor").set("sub", "01");
  EXPECT_EQ(name.filename(), "sub-01_task-motor_stat-lrp_desc-left_statmap.nii.gz");

  // Two unknown keys keep the order they were given in.
  BidsName two;
  two.suffix = "xfm";
  two.extension = ".h5";
  two.set("to", "T1w").set("from", "MNI").set("sub", "01").set("mode", "image");
  EXPECT_EQ(two.filename(), "sub-01_to-T1w_from-MNI_mode-image_xfm.h5");
}

TEST(BidsEntities, SetReplacesAndEraseRemoves) {
  auto name = parse_bids_name("sub-01_task-rest_desc-preproc_bold.nii.gz");
  name.set("desc", "smoothed").erase("task");
  EXPECT_EQ(name.filename(), "sub-01_desc-smoothed_bold.nii.gz");
  EXPECT_THROW(name.set("desc", "has space"), std::invalid_argument);
  EXPECT_THROW(name.set("de_sc", "x"), std::invalid_argument);
  EXPECT_THROW(name.set("desc", ""), std::invalid_argument);
}

TEST(BidsEntities, EntityRanksFollowTheEntityTable) {
  const std::vector<std::string> order = {"sub",   "ses", "task", "acq",   "ce",
                                          "rec",   "dir", "run",  "echo",  "part",
                                          "space", "res", "den",  "label", "desc"};
  for (size_t i = 1; i < order.size(); ++i) {
    ASSERT_TRUE(entity_rank(order[i - 1]) && entity_rank(order[i]));
    EXPECT_LT(*entity_rank(order[i - 1]), *entity_rank(order[i]))
        << order[i - 1] << " " << order[i];
  }
  EXPECT_EQ(entity_rank("sub"), 0);
  EXPECT_FALSE(entity_rank("stat").has_value());
}

TEST(BidsEntities, RejectsNamesThatAreNotBids) {
  const auto message = [](const std::string& text) {
    return neuroseq_test::error_of<std::runtime_error>([&] { parse_bids_name(text); });
  };
  EXPECT_THAT(message("sub-01_task-rest.nii.gz"), HasSubstr("sub-01_task-rest.nii.gz: "));
  EXPECT_THAT(message("sub-01_task-rest.nii.gz"), HasSubstr("suffix"));
  EXPECT_THAT(message("sub-01_sub-02_bold.nii"), HasSubstr("'sub' is given twice"));
  EXPECT_THAT(message("sub-01__bold.nii"), HasSubstr("not a key-value entity"));
  EXPECT_THAT(message("sub-01_task-re-st_bold.nii"), HasSubstr("task-re-st"));
  EXPECT_THAT(message("sub-_bold.nii"), HasSubstr("sub-"));
  EXPECT_THAT(message(".nii.gz"), HasSubstr("no name"));
  // A bare word is a suffix without entities, as participants.tsv is.
  ASSERT_TRUE(try_parse_bids_name("README").has_value());
  EXPECT_TRUE(try_parse_bids_name("README")->entities.empty());
  EXPECT_FALSE(try_parse_bids_name("dataset-description.json").has_value());
  EXPECT_TRUE(try_parse_bids_name("participants.tsv").has_value());
}

TEST(BidsEntities, BuildingRefusesAnEmptySuffixOrABadValue) {
  BidsName name;
  name.entities = {{"sub", "01"}};
  EXPECT_THROW(name.filename(), std::invalid_argument);
  name.suffix = "bold";
  name.entities.push_back({"task", "a b"});
  EXPECT_THROW(name.filename(), std::invalid_argument);
}

TEST(BidsEntities, MakesLabelsFromFreeText) {
  EXPECT_EQ(to_bids_label("left hand"), "leftHand");
  EXPECT_EQ(to_bids_label("2-back"), "2Back");
  EXPECT_EQ(to_bids_label("  face_vs_house "), "faceVsHouse");
  EXPECT_EQ(to_bids_label("Rest"), "Rest");
  EXPECT_THROW(to_bids_label(" -_ "), std::invalid_argument);
  EXPECT_TRUE(is_bids_label("MNI152NLin2009cAsym"));
  EXPECT_FALSE(is_bids_label("a.b"));
}

TEST(BidsDerivativePath, PlacesFilesUnderSubjectSessionAndDatatype) {
  auto name = parse_bids_name("sub-01_ses-2_task-motor_stat-lrp_desc-left_statmap.nii.gz");
  EXPECT_EQ(
      derivative_path("/out", name, "func"),
      std::filesystem::path(
          "/out/sub-01/ses-2/func/sub-01_ses-2_task-motor_stat-lrp_desc-left_statmap.nii.gz"));
  name.erase("ses");
  EXPECT_EQ(derivative_path("/out", name, "func"),
            std::filesystem::path(
                "/out/sub-01/func/sub-01_task-motor_stat-lrp_desc-left_statmap.nii.gz"));
  name.erase("sub");
  EXPECT_THROW(derivative_path("/out", name, "func"), std::invalid_argument);
}

}  // namespace
}  // namespace neuro
