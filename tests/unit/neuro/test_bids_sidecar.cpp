#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bids_tree.h"
#include "error_of.h"
#include "neuro/bids/sidecar.h"

namespace neuro {
namespace {

namespace fs = std::filesystem;
using neuroseq_test::error_of;
using ::testing::HasSubstr;
using testing::TempTree;

// root/task-rest_bold.json                      RepetitionTime 2, EchoTime 0.03, TaskName
// root/task-motor_bold.json                     another task: never applies to rest
// root/sub-01/sub-01_task-rest_bold.json        RepetitionTime 2.5
// root/sub-01/func/sub-01_task-rest_run-1_bold.json   EchoTime 0.025
// root/sub-01/func/sub-01_task-rest_run-2_bold.json   another run
class Inheritance : public ::testing::Test {
 protected:
  void SetUp() override {
    top = tree.write("task-rest_bold.json",
                     R"({"RepetitionTime": 2.0, "EchoTime": 0.03, "TaskName": "rest"})");
    tree.write("task-motor_bold.json", R"({"RepetitionTime": 9.0, "TaskName": "motor"})");
    subject = tree.write("sub-01/sub-01_task-rest_bold.json", R"({"RepetitionTime": 2.5})");
    run1 = tree.write("sub-01/func/sub-01_task-rest_run-1_bold.json", R"({"EchoTime": 0.025})");
    tree.write("sub-01/func/sub-01_task-rest_run-2_bold.json", R"({"RepetitionTime": 7.0})");
    bold = tree.write("sub-01/func/sub-01_task-rest_run-1_bold.nii.gz", "");
  }

  TempTree tree;
  fs::path top, subject, run1, bold;
};

TEST_F(Inheritance, FindsEveryApplicableSidecarFromTheRootDown) {
  const auto files =
      inherited_files(tree.root(), bold.parent_path(),
                      {{"sub", "01"}, {"task", "rest"}, {"run", "1"}}, "bold", ".json");
  EXPECT_EQ(files, (std::vector<fs::path>{top, subject, run1}));
  EXPECT_EQ(
      nearest_inherited_file(tree.root(), bold.parent_path(),
                             {{"sub", "01"}, {"task", "rest"}, {"run", "1"}}, "bold", ".json"),
      run1);
}

TEST_F(Inheritance, TheMostSpecificValueWinsKeyByKey) {
  const auto metadata = read_sidecar_metadata(bold, tree.root());
  EXPECT_DOUBLE_EQ(metadata.values.at("RepetitionTime").get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(metadata.values.at("EchoTime").get<double>(), 0.025);
  EXPECT_EQ(metadata.values.at("TaskName"), "rest");
  EXPECT_EQ(metadata.source_of.at("RepetitionTime"), subject);
  EXPECT_EQ(metadata.source_of.at("TaskName"), top);
  EXPECT_EQ(metadata.files, (std::vector<fs::path>{top, subject, run1}));
}

TEST_F(Inheritance, InOneFolderTheFileNamingMoreEntitiesWins) {
  tree.write("sub-01/func/sub-01_task-rest_bold.json", R"({"EchoTime": 0.5, "FlipAngle": 70})");
  const auto metadata = read_sidecar_metadata(bold, tree.root());
  EXPECT_DOUBLE_EQ(metadata.values.at("EchoTime").get<double>(), 0.025);
  EXPECT_EQ(metadata.values.at("FlipAngle"), 70);
}

TEST_F(Inheritance, AFileOutsideTheRootOnlySeesItsOwnFolder) {
  TempTree elsewhere;
  const auto lone = elsewhere.write("sub-01_task-rest_run-1_bold.nii.gz", "");
  elsewhere.write("sub-01_task-rest_bold.json", R"({"RepetitionTime": 1.5})");
  const auto metadata = read_sidecar_metadata(lone, tree.root());
  EXPECT_EQ(metadata.files.size(), 1u);
  EXPECT_DOUBLE_EQ(metadata.values.at("RepetitionTime").get<double>(), 1.5);
}

TEST_F(Inheritance, EventsInheritLikeSidecars) {
  const auto dataset_events = tree.write("task-rest_events.tsv", "onset\tduration\ttrial_type\n");
  const std::vector<BidsEntity> entities = {{"sub", "01"}, {"task", "rest"}, {"run", "1"}};
  EXPECT_EQ(nearest_inherited_file(tree.root(), bold.parent_path(), entities, "events", ".tsv"),
            dataset_events);
  const auto own =
      tree.write("sub-01/func/sub-01_task-rest_run-1_events.tsv", "onset\tduration\ttrial_type\n");
  EXPECT_EQ(nearest_inherited_file(tree.root(), bold.parent_path(), entities, "events", ".tsv"),
            own);
  EXPECT_EQ(
      nearest_inherited_file(tree.root(), bold.parent_path(), {{"sub", "01"}}, "events", ".tsv"),
      fs::path());
}

TEST_F(Inheritance, AMalformedSidecarIsAnErrorNamingIt) {
  const auto broken =
      tree.write("sub-01/func/sub-01_task-rest_run-1_bold.json", R"({"RepetitionTime": 2.0,)");
  const auto message = error_of([&] { read_sidecar_metadata(bold, tree.root()); });
  EXPECT_THAT(message, HasSubstr(broken.string() + ": malformed JSON"));
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST_F(Inheritance, ASidecarThatIsNotAnObjectIsAnError) {
  tree.write("sub-01/func/sub-01_task-rest_run-1_bold.json", "[1, 2]");
  EXPECT_THAT(error_of([&] { read_sidecar_metadata(bold, tree.root()); }),
              HasSubstr("sub-01_task-rest_run-1_bold.json: a sidecar must hold a JSON object"));
}

TEST(ReadJsonFile, AMissingFileIsAnErrorNamingIt) {
  EXPECT_THAT(error_of([] { read_json_file("/nonexistent/x.json"); }),
              HasSubstr("/nonexistent/x.json: cannot open"));
}

}  // namespace
}  // namespace neuro
