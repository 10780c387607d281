#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bids_tree.h"
#include "error_of.h"
#include "neuro/bids/dataset_index.h"
#include "neuro/image/nifti_writer.h"
#include "neuro/image/volume.h"

namespace neuro {
namespace {

namespace fs = std::filesystem;
using neuroseq_test::error_of;
using ::testing::HasSubstr;
using testing::TempTree;

constexpr const char* kEvents = "onset\tduration\ttrial_type\n0\t10\tleft\n20\t10\tright\n";
constexpr const char* kMni = "space-MNI152NLin2009cAsym";

// A raw dataset "ds" with fMRIPrep outputs in ds/derivatives/fmriprep. Images
// are empty files: these tests do not read headers.
class Dataset : public ::testing::Test {
 protected:
  void SetUp() override {
    tree.write("ds/dataset_description.json", R"({"Name": "ds", "BIDSVersion": "1.8.0"})");
    tree.write("ds/task-motor_bold.json", R"({"RepetitionTime": 2.0, "TaskName": "motor"})");
    tree.write("ds/task-rest_bold.json", R"({"RepetitionTime": 2.0})");
    tree.write("ds/sub-01/anat/sub-01_T1w.nii.gz", "");
    tree.write("ds/sub-01/func/sub-01_task-motor_run-1_sbref.nii.gz", "");
    tree.write("ds/sub-01/func/sub-01_task-motor_run-1_bold.nii.gz", "");
    tree.write("ds/sub-01/func/sub-01_task-motor_run-1_events.tsv", kEvents);
    tree.write("ds/sub-01/func/sub-01_task-motor_run-2_bold.nii.gz", "");
    tree.write("ds/sub-01/func/sub-01_task-motor_run-2_events.tsv", kEvents);
    tree.write("ds/sub-01/func/sub-01_task-rest_bold.nii.gz", "");
    tree.write("ds/sub-02/ses-1/func/sub-02_ses-1_task-motor_run-01_bold.nii.gz", "");
    tree.write("ds/sub-02/ses-1/func/sub-02_ses-1_task-motor_run-01_bold.json",
               R"({"RepetitionTime": 2.5})");
    tree.write("ds/sub-02/sub-02_task-motor_events.tsv", kEvents);
    tree.write("ds/sourcedata/sub-03/func/sub-03_task-motor_bold.nii.gz", "");

    const fs::path prep = "ds/derivatives/fmriprep";
    tree.write(prep / "dataset_description.json",
               R"({"Name": "fMRIPrep outputs", "BIDSVersion": "1.4.0",
                   "DatasetType": "derivative",
                   "GeneratedBy": [{"Name": "fMRIPrep", "Version": "23.1.0"}]})");
    const fs::path s1 = prep / "sub-01/func";
    const std::string r1 = "sub-01_task-motor_run-1_";
    tree.write(s1 / (r1 + kMni + "_desc-preproc_bold.nii.gz"), "");
    tree.write(s1 / (r1 + kMni + "_desc-preproc_bold.json"),
               R"({"RepetitionTime": 2.0, "SkullStripped": false})");
    tree.write(s1 / (r1 + kMni + "_desc-brain_mask.nii.gz"), "");
    tree.write(s1 / (r1 + "space-T1w_desc-preproc_bold.nii.gz"), "");
    tree.write(s1 / (r1 + "space-T1w_desc-brain_mask.nii.gz"), "");
    tree.write(s1 / (r1 + "desc-confounds_timeseries.tsv"), "");
    const std::string r2 = "sub-01_task-motor_run-2_";
    tree.write(s1 / (r2 + kMni + "_desc-preproc_bold.nii.gz"), "");
    tree.write(s1 / (r2 + "desc-confounds_regressors.tsv"), "");
    // Another resolution: not the mask of the image above.
    tree.write(s1 / (r2 + kMni + "_res-2_desc-brain_mask.nii.gz"), "");
    tree.write(prep / "sub-01/figures/sub-01_task-motor_run-1_desc-carpetplot_bold.svg", "");
    const fs::path s2 = prep / "sub-02/ses-1/func";
    const std::string r3 = "sub-02_ses-1_task-motor_run-01_";
    tree.write(s2 / (r3 + kMni + "_desc-preproc_bold.nii.gz"), "");
    tree.write(s2 / (r3 + "desc-confounds_timeseries.tsv"), "");
    tree.write(s2 / (r3 + kMni + "_desc-brain_mask.nii.gz"), "");
  }

  IndexOptions options(BoldSource source = BoldSource::kAuto) const {
    IndexOptions o;
    o.source = source;
    o.check_header_tr = false;
    return o;
  }

  fs::path ds() const { return tree.root() / "ds"; }
  fs::path prep() const { return ds() / "derivatives/fmriprep"; }

  TempTree tree;
};

TEST_F(Dataset, ListsRawRunsWithInheritedTrAndEvents) {
  const auto index = index_dataset(ds(), options(BoldSource::kRaw));
  EXPECT_EQ(index.raw_root, ds());
  EXPECT_EQ(index.derivatives_root, prep());
  ASSERT_EQ(index.runs.size(), 4u);
  const auto& r = index.runs;
  EXPECT_EQ(r[0].bold, ds() / "sub-01/func/sub-01_task-motor_run-1_bold.nii.gz");
  EXPECT_EQ(r[1].bold, ds() / "sub-01/func/sub-01_task-motor_run-2_bold.nii.gz");
  EXPECT_EQ(r[2].bold, ds() / "sub-01/func/sub-01_task-rest_bold.nii.gz");
  EXPECT_EQ(r[3].bold, ds() / "sub-02/ses-1/func/sub-02_ses-1_task-motor_run-01_bold.nii.gz");
  EXPECT_EQ(r[3].subject, "02");
  EXPECT_EQ(r[3].session, "1");
  EXPECT_EQ(r[3].task, "motor");
  EXPECT_EQ(r[3].run, "01");
  EXPECT_EQ(r[2].run, "");
  for (const auto& run : r)
    EXPECT_FALSE(run.preprocessed);

  EXPECT_DOUBLE_EQ(r[0].repetition_time, 2.0);
  EXPECT_EQ(r[0].repetition_time_source, ds() / "task-motor_bold.json");
  EXPECT_DOUBLE_EQ(r[3].repetition_time, 2.5);  // the run's own sidecar overrides the dataset's
  EXPECT_EQ(
      r[3].sidecars,
      (std::vector<fs::path>{ds() / "task-motor_bold.json",
                             ds() / "sub-02/ses-1/func/sub-02_ses-1_task-motor_run-01_bold.json"}));

  EXPECT_EQ(r[0].events, ds() / "sub-01/func/sub-01_task-motor_run-1_events.tsv");
  EXPECT_EQ(r[1].events, ds() / "sub-01/func/sub-01_task-motor_run-2_events.tsv");
  EXPECT_EQ(r[2].events, fs::path());                                    // resting state
  EXPECT_EQ(r[3].events, ds() / "sub-02/sub-02_task-motor_events.tsv");  // inherited
  EXPECT_EQ(r[0].confounds, fs::path());
  EXPECT_TRUE(index.warnings.empty());
}

TEST_F(Dataset, PrefersFmriprepOutputsMatchedToRawEvents) {
  const auto index = index_dataset(ds(), options());
  ASSERT_EQ(index.runs.size(), 4u);
  const auto& r = index.runs;
  const auto func1 = prep() / "sub-01/func";
  const std::string r1 = "sub-01_task-motor_run-1_";
  EXPECT_EQ(r[0].bold, func1 / (r1 + kMni + "_desc-preproc_bold.nii.gz"));
  EXPECT_EQ(r[1].bold, func1 / (r1 + "space-T1w_desc-preproc_bold.nii.gz"));
  EXPECT_EQ(r[2].bold,
            func1 / ("sub-01_task-motor_run-2_" + std::string(kMni) + "_desc-preproc_bold.nii.gz"));
  EXPECT_EQ(r[0].space, "MNI152NLin2009cAsym");
  EXPECT_EQ(r[1].space, "T1w");
  for (const auto& run : r)
    EXPECT_TRUE(run.preprocessed);

  // Events come from the raw dataset, whatever the space.
  EXPECT_EQ(r[0].events, ds() / "sub-01/func/sub-01_task-motor_run-1_events.tsv");
  EXPECT_EQ(r[1].events, r[0].events);
  EXPECT_EQ(r[2].events, ds() / "sub-01/func/sub-01_task-motor_run-2_events.tsv");
  EXPECT_EQ(r[3].events, ds() / "sub-02/sub-02_task-motor_events.tsv");

  // One confounds table per acquisition; the mask in the image's own space.
  EXPECT_EQ(r[0].confounds, func1 / (r1 + "desc-confounds_timeseries.tsv"));
  EXPECT_EQ(r[1].confounds, r[0].confounds);
  EXPECT_EQ(r[2].confounds, func1 / "sub-01_task-motor_run-2_desc-confounds_regressors.tsv");
  EXPECT_EQ(r[0].brain_mask, func1 / (r1 + kMni + "_desc-brain_mask.nii.gz"));
  EXPECT_EQ(r[1].brain_mask, func1 / (r1 + "space-T1w_desc-brain_mask.nii.gz"));
  EXPECT_EQ(r[2].brain_mask, fs::path());

  // fMRIPrep's sidecar is laid over the raw ones; without it the raw TR holds.
  EXPECT_EQ(r[0].sidecars,
            (std::vector<fs::path>{ds() / "task-motor_bold.json",
                                   func1 / (r1 + kMni + "_desc-preproc_bold.json")}));
  EXPECT_EQ(r[0].repetition_time_source, func1 / (r1 + kMni + "_desc-preproc_bold.json"));
  EXPECT_DOUBLE_EQ(r[1].repetition_time, 2.0);
  EXPECT_EQ(r[1].repetition_time_source, ds() / "task-motor_bold.json");
  EXPECT_DOUBLE_EQ(r[3].repetition_time, 2.5);
}

TEST_F(Dataset, FiltersBySubjectSessionTaskRunAndSpace) {
  auto o = options();
  o.filters.space = "MNI152NLin2009cAsym";
  EXPECT_EQ(index_dataset(ds(), o).runs.size(), 3u);

  o = options();
  o.filters.subjects = {"sub-02"};
  auto index = index_dataset(ds(), o);
  ASSERT_EQ(index.runs.size(), 1u);
  EXPECT_EQ(index.runs[0].subject, "02");

  o = options();
  o.filters.runs = {"1"};  // run-01 is run 1 too
  index = index_dataset(ds(), o);
  ASSERT_EQ(index.runs.size(), 3u);
  EXPECT_EQ(index.runs[2].run, "01");

  o = options();
  o.filters.sessions = {"1"};
  o.filters.subjects = {"01", "02"};
  EXPECT_EQ(index_dataset(ds(), o).runs.size(), 1u);

  o = options(BoldSource::kRaw);
  o.filters.tasks = {"task-rest"};
  index = index_dataset(ds(), o);
  ASSERT_EQ(index.runs.size(), 1u);
  EXPECT_EQ(index.runs[0].task, "rest");
}

TEST_F(Dataset, NoMatchNamesTheFilters) {
  auto o = options();
  o.filters.tasks = {"rest"};
  o.filters.subjects = {"01"};
  const auto message = error_of([&] { index_dataset(ds(), o); });
  EXPECT_THAT(message, HasSubstr(prep().string() + ": "));
  EXPECT_THAT(message, HasSubstr("subject=01 task=rest"));

  o = options(BoldSource::kRaw);
  o.filters.space = "T1w";
  EXPECT_THAT(error_of([&] { index_dataset(ds(), o); }), HasSubstr("raw images have no space"));
}

TEST_F(Dataset, FindsTheRawDatasetFromItsDerivativeFolder) {
  const auto index = index_dataset(prep(), options());
  EXPECT_EQ(index.raw_root, ds());
  EXPECT_EQ(index.derivatives_root, prep());
  ASSERT_EQ(index.runs.size(), 4u);
  EXPECT_EQ(index.runs[0].events, ds() / "sub-01/func/sub-01_task-motor_run-1_events.tsv");
}

TEST_F(Dataset, FindsFmriprepByItsDescriptionUnderAnotherName) {
  fs::rename(prep(), ds() / "derivatives/preprocessed");
  const auto index = index_dataset(ds(), options());
  EXPECT_EQ(index.derivatives_root, ds() / "derivatives/preprocessed");
  EXPECT_TRUE(index.runs.at(0).preprocessed);
}

TEST_F(Dataset, AMalformedSidecarIsAnErrorNamingIt) {
  const auto broken =
      tree.write("ds/sub-01/func/sub-01_task-motor_run-2_bold.json", "{\"RepetitionTime\": }");
  EXPECT_THAT(error_of([&] { index_dataset(ds(), options(BoldSource::kRaw)); }),
              HasSubstr(broken.string() + ": malformed JSON"));
  tree.write("ds/sub-01/func/sub-01_task-motor_run-2_bold.json", R"({"RepetitionTime": "2"})");
  EXPECT_THAT(error_of([&] { index_dataset(ds(), options(BoldSource::kRaw)); }),
              HasSubstr(broken.string() + ": RepetitionTime must be a positive number"));
  tree.write("ds/sub-01/func/sub-01_task-motor_run-2_bold.json", R"({"RepetitionTime": 0})");
  EXPECT_THAT(error_of([&] { index_dataset(ds(), options(BoldSource::kRaw)); }),
              HasSubstr(broken.string() + ": RepetitionTime must be a positive number"));
}

TEST_F(Dataset, AMissingRepetitionTimeIsAWarning) {
  fs::remove(ds() / "task-rest_bold.json");
  const auto index = index_dataset(ds(), options(BoldSource::kRaw));
  ASSERT_EQ(index.warnings.size(), 1u);
  EXPECT_THAT(index.warnings[0], HasSubstr("sub-01_task-rest_bold.nii.gz: no sidecar gives"));
  EXPECT_EQ(index.runs[2].repetition_time, 0.0);
}

TEST(DatasetIndex, AStandaloneDerivativeDatasetHasItsEventsBesideTheImages) {
  TempTree tree;
  const auto root = tree.root() / "out";
  tree.write("out/dataset_description.json",
             R"({"Name": "sim", "BIDSVersion": "1.8.0", "DatasetType": "derivative"})");
  const auto bold = tree.write("out/sub-01/func/sub-01_task-sim_desc-preproc_bold.nii", "");
  tree.write("out/sub-01/func/sub-01_task-sim_desc-preproc_bold.json", R"({"RepetitionTime": 1})");
  const auto events = tree.write("out/sub-01/func/sub-01_task-sim_events.tsv", kEvents);
  IndexOptions o;
  o.check_header_tr = false;
  const auto index = index_dataset(root, o);
  EXPECT_EQ(index.raw_root, fs::path());
  ASSERT_EQ(index.runs.size(), 1u);
  EXPECT_EQ(index.runs[0].bold, bold);
  EXPECT_EQ(index.runs[0].events, events);
  EXPECT_DOUBLE_EQ(index.runs[0].repetition_time, 1.0);
  o.source = BoldSource::kRaw;
  EXPECT_THAT(error_of([&] { index_dataset(root, o); }), HasSubstr("no raw dataset"));
}

TEST_F(Dataset, FallsBackToRawImagesWhenFmriprepHasNoBold) {
  for (const auto& entry : fs::recursive_directory_iterator(prep())) {
    if (entry.path().string().ends_with("_bold.nii.gz")) fs::remove(entry.path());
  }
  const auto index = index_dataset(ds(), options());
  ASSERT_EQ(index.runs.size(), 4u);
  EXPECT_FALSE(index.runs[0].preprocessed);
  EXPECT_EQ(index.runs[0].bold, ds() / "sub-01/func/sub-01_task-motor_run-1_bold.nii.gz");
  EXPECT_THAT(error_of([&] { index_dataset(ds(), options(BoldSource::kPreprocessed)); }),
              HasSubstr(prep().string() + ": no BOLD images (*_desc-preproc_bold.nii[.gz])"));
}

TEST(DatasetIndex, ADerivativeDatasetOfRawStyleImagesIsIndexedAsItIs) {
  TempTree tree;
  tree.write("sim/dataset_description.json",
             R"({"Name": "simulated", "BIDSVersion": "1.8.0", "DatasetType": "derivative",
                 "GeneratedBy": [{"Name": "NeuroSeq", "Version": "0.1.0"}]})");
  tree.write("sim/task-sim_bold.json", R"({"RepetitionTime": 0.8})");
  const auto bold = tree.write("sim/sub-03/func/sub-03_task-sim_run-1_bold.nii.gz", "");
  const auto events = tree.write("sim/sub-03/func/sub-03_task-sim_run-1_events.tsv", kEvents);
  IndexOptions o;
  o.check_header_tr = false;
  const auto index = index_dataset(tree.root() / "sim", o);
  ASSERT_EQ(index.runs.size(), 1u);
  EXPECT_FALSE(index.runs[0].preprocessed);
  EXPECT_EQ(index.runs[0].bold, bold);
  EXPECT_EQ(index.runs[0].events, events);
  EXPECT_DOUBLE_EQ(index.runs[0].repetition_time, 0.8);
  EXPECT_EQ(index.runs[0].repetition_time_source, tree.root() / "sim/task-sim_bold.json");
}

TEST(DatasetIndex, DerivativesGivenApartFindRawEventsWhateverTheZeroPadding) {
  // fMRIPrep writes run-1 and the raw dataset has run-01 (as ds000001 does).
  TempTree tree;
  tree.write("raw/dataset_description.json", R"({"Name": "raw", "BIDSVersion": "1.8.0"})");
  tree.write("raw/task-bart_bold.json", R"({"RepetitionTime": 2.0})");
  tree.write("raw/sub-10/func/sub-10_task-bart_run-01_bold.nii.gz", "");
  const auto events = tree.write("raw/sub-10/func/sub-10_task-bart_run-01_events.tsv", kEvents);
  tree.write("prep/dataset_description.json",
             R"({"Name": "prep", "BIDSVersion": "1.4.0", "DatasetType": "derivative",
                 "GeneratedBy": [{"Name": "fMRIPrep"}]})");
  tree.write(
      std::string("prep/sub-10/func/sub-10_task-bart_run-1_") + kMni + "_desc-preproc_bold.nii.gz",
      "");
  IndexOptions options;
  options.check_header_tr = false;
  const auto index = index_dataset(tree.root() / "raw", tree.root() / "prep", options);
  ASSERT_EQ(index.runs.size(), 1u);
  EXPECT_TRUE(index.runs[0].preprocessed);
  EXPECT_EQ(index.runs[0].events, events);
  EXPECT_DOUBLE_EQ(index.runs[0].repetition_time, 2.0);
  // And a filter given without padding finds the padded label.
  options.filters.runs = {"1"};
  options.filters.subjects = {"sub-10"};
  EXPECT_EQ(index_dataset(tree.root() / "raw", tree.root() / "prep", options).runs.size(), 1u);
}

TEST(DatasetIndex, BadRootsAreErrorsNamingThem) {
  TempTree tree;
  const auto missing = tree.root() / "nowhere";
  EXPECT_EQ(error_of([&] { index_dataset(missing); }), missing.string() + ": no such folder");

  tree.write("ds/dataset_description.json", R"({"Name": "ds", "BIDSVersion": "1.8.0"})");
  tree.write("ds/sub-01/anat/sub-01_T1w.nii.gz", "");
  const auto message = error_of([&] { index_dataset(tree.root() / "ds"); });
  EXPECT_THAT(message, HasSubstr((tree.root() / "ds").string() + ": no BOLD images"));
  EXPECT_EQ(message.find('\n'), std::string::npos);

  IndexOptions o;
  o.source = BoldSource::kPreprocessed;
  EXPECT_THAT(error_of([&] { index_dataset(tree.root() / "ds", o); }),
              HasSubstr("no fMRIPrep derivatives"));

  tree.write("bad/dataset_description.json", "{");
  EXPECT_THAT(error_of([&] { index_dataset(tree.root() / "bad"); }),
              HasSubstr((tree.root() / "bad/dataset_description.json").string()));
}

// Real images: 2x2x2 voxels, 3 frames, header TR 2 s.
void write_image(const fs::path& path) {
  Volume volume(Grid{{2, 2, 2}, Affine::diagonal(3, 3, 3)}, 3, 2.0);
  write_nifti(volume, path);
}

TEST(DatasetIndex, WarnsWhenTheSidecarTrDiffersFromTheHeaderByAMillisecond) {
  TempTree tree;
  tree.write("dataset_description.json", R"({"Name": "ds", "BIDSVersion": "1.8.0"})");
  const auto func = tree.root() / "sub-01/func";
  fs::create_directories(func);
  for (const char* run : {"1", "2", "3", "4"}) {
    write_image(func / ("sub-01_task-a_run-" + std::string(run) + "_bold.nii.gz"));
  }
  tree.write("sub-01/func/sub-01_task-a_run-1_bold.json", R"({"RepetitionTime": 2.001})");
  tree.write("sub-01/func/sub-01_task-a_run-2_bold.json", R"({"RepetitionTime": 2.0005})");
  tree.write("sub-01/func/sub-01_task-a_run-3_bold.json", R"({"RepetitionTime": 1.999})");
  // run 4 has no sidecar: the header's TR is used, with a warning.

  const auto index = index_dataset(tree.root());
  ASSERT_EQ(index.runs.size(), 4u);
  ASSERT_EQ(index.warnings.size(), 3u) << ::testing::PrintToString(index.warnings);
  EXPECT_THAT(index.warnings[0],
              HasSubstr(index.runs[0].bold.string() + ": RepetitionTime 2.001 s"));
  EXPECT_THAT(index.warnings[0], HasSubstr("sub-01_task-a_run-1_bold.json"));
  EXPECT_THAT(index.warnings[0], HasSubstr("header's TR of 2 s"));
  EXPECT_THAT(index.warnings[1], HasSubstr("run-3_bold.nii.gz: RepetitionTime 1.999 s"));
  EXPECT_THAT(index.warnings[2], HasSubstr("run-4_bold.nii.gz: no sidecar gives RepetitionTime"));
  EXPECT_DOUBLE_EQ(index.runs[0].repetition_time, 2.001);  // the sidecar is believed
  EXPECT_DOUBLE_EQ(index.runs[1].repetition_time, 2.0005);
  EXPECT_DOUBLE_EQ(index.runs[3].repetition_time, 2.0);
  EXPECT_EQ(index.runs[3].repetition_time_source, index.runs[3].bold);
}

TEST(DatasetIndex, AnUnreadableHeaderIsAWarningNotAnError) {
  TempTree tree;
  const auto bold = tree.write("sub-01/func/sub-01_task-a_bold.nii", "not an image");
  tree.write("task-a_bold.json", R"({"RepetitionTime": 2})");
  const auto index = index_dataset(tree.root());
  ASSERT_EQ(index.warnings.size(), 1u);
  EXPECT_THAT(index.warnings[0], HasSubstr(bold.string() + ": cannot read the header"));
}

}  // namespace
}  // namespace neuro
