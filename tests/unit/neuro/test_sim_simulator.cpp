#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "error_of.h"
#include "neuro/atlas/brain_mask.h"
#include "neuro/atlas/extraction.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/bids/dataset_index.h"
#include "neuro/bids/derivatives.h"
#include "neuro/bids/events.h"
#include "neuro/image/nifti_reader.h"
#include "neuro/signal/clean.h"
#include "neuro/signal/confounds.h"
#include "neuro/sim/hrf.h"
#include "neuro/sim/simulator.h"
#include "neuro/sim/task_design.h"
#include "temp_dir.h"
#include "tiny_simulation.h"

namespace fs = std::filesystem;

namespace {

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const auto n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every regular file under `root`, as paths relative to it.
std::set<std::string> files_under(const fs::path& root) {
  std::set<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.insert(entry.path().lexically_relative(root).string());
  }
  return files;
}

// One subject with one short event-design task run, at 4 mm.
neuro::SimulationOptions small_options(const fs::path& root) {
  auto options = neuroseq_test::tiny_simulation(
      root, {.subjects = 1, .rest_runs = 0, .task_runs = 1, .seed = 7});
  options.space.voxel_size_mm = 4.0;
  options.task_frames = 40;
  options.design = neuro::DesignKind::kEvent;
  return options;
}

// Region means [T][P] of a run, through the dseg and mask the simulator wrote
// and NeuroSeq's own extraction.
struct RegionSeries {
  std::vector<int> labels;
  std::vector<std::string> names;
  std::vector<std::vector<double>> series;  // [P][T]
};

// Cleaned as analyses usually begin: detrended and high-passed with a cosine
// basis below 1/128 Hz, and with kDriftAndConfounds the six motion parameters,
// CSF and white-matter signals regressed out too.
enum class Cleaning { kNone, kDriftOnly, kDriftAndConfounds };

RegionSeries extract(const neuro::SimulationSummary& summary, const neuro::SimulatedRun& run,
                     Cleaning cleaning) {
  const auto bold = neuro::read_volume(run.bold);
  const auto atlas = neuro::LabelAtlas::load(summary.atlas_image);
  const auto mask = neuro::BrainMask::load(summary.brain_mask, bold.grid());
  const neuro::LabelsMasker masker(atlas, mask);
  auto parcels = masker.extract(bold);
  if (cleaning != Cleaning::kNone) {
    const auto confounds = neuro::select_confounds(neuro::read_confounds_tsv(run.confounds),
                                                   {"trans_?", "rot_?", "csf", "white_matter"});
    neuro::CleanOptions options;
    options.filter = neuro::CleanOptions::Filter::kCosine;
    options.high_pass_hz = 1.0 / 128.0;
    neuro::clean_series(parcels, options,
                        cleaning == Cleaning::kDriftAndConfounds ? &confounds : nullptr);
  }
  RegionSeries out;
  out.labels = masker.labels();
  out.names = masker.names();
  out.series.assign(static_cast<size_t>(parcels.parcels),
                    std::vector<double>(static_cast<size_t>(parcels.frames)));
  for (int64_t t = 0; t < parcels.frames; ++t) {
    for (int64_t p = 0; p < parcels.parcels; ++p) {
      out.series[static_cast<size_t>(p)][static_cast<size_t>(t)] = parcels.at(t, p);
    }
  }
  return out;
}

// Correlation matrix of the regions, upper triangle.
std::vector<double> connectivity(const RegionSeries& regions) {
  std::vector<double> upper;
  for (size_t a = 0; a < regions.series.size(); ++a) {
    for (size_t b = a + 1; b < regions.series.size(); ++b) {
      upper.push_back(correlation(regions.series[a], regions.series[b]));
    }
  }
  return upper;
}

// One dataset shared by the tests that only read it: two subjects, a rest run
// and a block-design task run each, on the phantom at 5 mm to stay quick.
class SimulatedDataset : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<neuroseq_test::TempDir>("sim_dataset");
    options_ = neuroseq_test::tiny_simulation(
        dir_->path() / "derivatives", {.subjects = 2, .rest_runs = 1, .task_runs = 1, .seed = 11});
    options_.rest_frames = 200;
    options_.task_frames = 150;
    summary_ = neuro::simulate_dataset(options_);
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static const neuro::SimulatedRun& run(const std::string& subject, bool task) {
    for (const auto& r : summary_.runs) {
      if (r.subject == subject && r.task_run == task) return r;
    }
    throw std::runtime_error("no such run");
  }

  static std::unique_ptr<neuroseq_test::TempDir> dir_;
  static neuro::SimulationOptions options_;
  static neuro::SimulationSummary summary_;
};

std::unique_ptr<neuroseq_test::TempDir> SimulatedDataset::dir_;
neuro::SimulationOptions SimulatedDataset::options_;
neuro::SimulationSummary SimulatedDataset::summary_;

}  // namespace

TEST_F(SimulatedDataset, WritesTheFmriprepLayout) {
  const auto& root = options_.output_root;
  EXPECT_EQ(summary_.space, "phantom");
  EXPECT_FALSE(summary_.used_template);
  EXPECT_EQ(summary_.subjects, (std::vector<std::string>{"01", "02"}));
  ASSERT_EQ(summary_.runs.size(), 4u);
  const std::vector<std::string> expected = {
      "dataset_description.json",
      ".bidsignore",
      "sub-01/anat/sub-01_space-phantom_desc-preproc_T1w.nii.gz",
      "sub-01/anat/sub-01_space-phantom_desc-brain_mask.nii.gz",
      "sub-01/anat/sub-01_space-phantom_dseg.nii.gz",
      "sub-01/func/sub-01_task-rest_run-1_space-phantom_desc-preproc_bold.nii.gz",
      "sub-01/func/sub-01_task-rest_run-1_space-phantom_desc-preproc_bold.json",
      "sub-01/func/sub-01_task-rest_run-1_space-phantom_desc-brain_mask.nii.gz",
      "sub-01/func/sub-01_task-rest_run-1_desc-confounds_timeseries.tsv",
      "sub-02/func/sub-02_task-localizer_run-1_space-phantom_desc-preproc_bold.nii.gz",
      "sub-02/func/sub-02_task-localizer_run-1_events.tsv",
      "sim/space-phantom_desc-underlay_T1w.nii.gz",
      "sim/space-phantom_desc-brain_mask.nii.gz",
      "sim/space-phantom_atlas-phantom_dseg.nii.gz",
      "sim/space-phantom_atlas-phantom_dseg.tsv",
      "sim/sub-group_space-phantom_desc-motor_groundtruth.nii.gz",
      "sim/sub-02_space-phantom_desc-visual_groundtruth.nii.gz",
      "sim/simulation.json",
  };
  const auto files = files_under(root);
  for (const auto& file : expected) {
    EXPECT_TRUE(files.count(file)) << file;
  }
  EXPECT_FALSE(files.count("sub-01/func/sub-01_task-rest_run-1_events.tsv"));
  EXPECT_EQ(static_cast<int64_t>(files.size()), summary_.files_written);

  const auto description = neuro::read_dataset_description(root);
  EXPECT_EQ(description.dataset_type, "derivative");
  EXPECT_EQ(description.generated_by, std::vector<std::string>{"NeuroSeq"});
  const auto sidecar = nlohmann::json::parse(read_bytes(run("01", true).sidecar));
  EXPECT_EQ(sidecar["RepetitionTime"].get<double>(), 2.0);
  EXPECT_EQ(sidecar["TaskName"].get<std::string>(), "localizer");
}

TEST_F(SimulatedDataset, IndexesAsAnFmriprepDerivative) {
  const auto index = neuro::index_dataset(options_.output_root);
  EXPECT_TRUE(index.warnings.empty()) << (index.warnings.empty() ? "" : index.warnings.front());
  ASSERT_EQ(index.runs.size(), 4u);
  for (const auto& r : index.runs) {
    EXPECT_TRUE(r.preprocessed);
    EXPECT_EQ(r.space, "phantom");
    EXPECT_DOUBLE_EQ(r.repetition_time, 2.0);
    EXPECT_FALSE(r.confounds.empty()) << r.bold;
    EXPECT_FALSE(r.brain_mask.empty()) << r.bold;
    EXPECT_EQ(r.events.empty(), r.task == "rest") << r.bold;
  }
}

TEST_F(SimulatedDataset, BoldReadsBackWithShapeTrAndAffine) {
  const auto& r = run("02", true);
  neuro::ImageHeader header;
  const auto bold = neuro::read_volume(r.bold, header);
  const auto atlas = neuro::read_volume(summary_.atlas_image);
  EXPECT_EQ(bold.dims(), summary_.dims);
  EXPECT_EQ(bold.frames(), 150);
  EXPECT_DOUBLE_EQ(bold.tr_seconds(), 2.0);
  EXPECT_EQ(header.datatype, neuro::kDtFloat32);
  EXPECT_TRUE(bold.grid().same_as(atlas.grid(), 1e-6));
  const auto size = bold.affine().voxel_size();
  EXPECT_NEAR(size[0], 5.0, 1e-9);
  EXPECT_NEAR(size[2], 5.0, 1e-9);
  EXPECT_EQ(neuro::orientation_code(bold.affine()), "RAS");
  EXPECT_EQ(header.sform_code, 2);  // aligned anatomical: the phantom is no template
  // Brain voxels hold EPI-like intensities; outside is zero.
  const auto mask = neuro::read_volume(r.mask);
  double inside = 0, outside = 0;
  int64_t n_inside = 0;
  for (int64_t v = 0; v < bold.voxels_per_frame(); ++v) {
    if (mask.data()[static_cast<size_t>(v)] > 0) {
      inside += bold.frame(0)[static_cast<size_t>(v)];
      ++n_inside;
    } else {
      outside += std::abs(bold.frame(0)[static_cast<size_t>(v)]);
    }
  }
  EXPECT_EQ(n_inside, summary_.brain_voxels);
  EXPECT_GT(inside / static_cast<double>(n_inside), 400.0);
  EXPECT_LT(inside / static_cast<double>(n_inside), 1200.0);
  EXPECT_EQ(outside, 0.0);
}

TEST_F(SimulatedDataset, EventsFollowTheBlockDesign) {
  const auto& r = run("01", true);
  const auto table = neuro::read_events_tsv(r.events);
  ASSERT_FALSE(table.events.empty());
  std::map<std::string, int> count;
  double previous_end = 0;
  for (const auto& e : table.events) {
    EXPECT_EQ(e.duration, options_.timing.block_seconds);
    EXPECT_GE(e.onset, previous_end + options_.timing.rest_min_seconds - 0.5 - 1e-9);
    previous_end = e.onset + e.duration;
    ++count[e.trial_type];
  }
  EXPECT_GE(table.events.front().onset, options_.timing.lead_in_seconds);
  EXPECT_LE(previous_end, 150 * 2.0 - options_.timing.tail_seconds + 1e-9);
  ASSERT_EQ(count.size(), summary_.states.size());
  for (const auto& state : summary_.states) {
    EXPECT_GE(count[state], 2) << state;
  }
  // Balanced: each state appears as often as the others, give or take one.
  const auto [lo, hi] = std::minmax_element(count.begin(), count.end(),
                                            [](auto& a, auto& b) { return a.second < b.second; });
  EXPECT_LE(hi->second - lo->second, 1);
}

TEST_F(SimulatedDataset, ActivatedRegionsFollowTheirStateRegressor) {
  const auto truth = nlohmann::json::parse(read_bytes(summary_.truth_json));
  std::set<int> active_anywhere;
  for (const auto& state : truth["states"]) {
    for (const auto& region : state["regions"]) {
      active_anywhere.insert(region["label"].get<int>());
    }
  }
  // Slow network fluctuations meet a block design by chance now and then, so
  // each case is held to a loose bound and the pooled means to strict ones.
  double active_sum = 0, inactive_sum = 0;
  int active_n = 0, inactive_n = 0;
  for (const std::string subject : {"01", "02"}) {
    const auto& r = run(subject, true);
    const auto regions = extract(summary_, r, Cleaning::kDriftAndConfounds);
    const auto events = neuro::read_events_tsv(r.events).events;
    for (const auto& state : truth["states"]) {
      const auto name = state["name"].get<std::string>();
      const auto regressor = neuro::hrf_regressor(neuro::stimuli_of_state(events, name), 150, 2.0);
      std::set<int> strongest;
      for (const auto& region : state["regions"]) {
        if (region["weight"].get<double>() == 1.0) strongest.insert(region["label"].get<int>());
      }
      ASSERT_FALSE(strongest.empty());
      double weakest_active = 1.0, inactive = 0;
      int inactive_count = 0;
      for (size_t p = 0; p < regions.labels.size(); ++p) {
        const double r_p = correlation(regions.series[p], regressor);
        if (strongest.count(regions.labels[p])) {
          weakest_active = std::min(weakest_active, r_p);
          active_sum += r_p;
          ++active_n;
        } else if (!active_anywhere.count(regions.labels[p])) {
          inactive += std::abs(r_p);
          ++inactive_count;
          inactive_sum += std::abs(r_p);
          ++inactive_n;
        }
      }
      ASSERT_GT(inactive_count, 0);
      inactive /= inactive_count;
      EXPECT_GT(weakest_active, 0.35) << "sub-" << subject << " " << name;
      EXPECT_GT(weakest_active, inactive + 0.1) << "sub-" << subject << " " << name;
    }
  }
  const double active = active_sum / active_n, inactive = inactive_sum / inactive_n;
  EXPECT_GT(active, 0.5);
  EXPECT_LT(inactive, 0.2);
  EXPECT_GT(active, 3 * inactive);
}

TEST_F(SimulatedDataset, RestRunsShareNetworkStructureAcrossSubjects) {
  const auto a = connectivity(extract(summary_, run("01", false), Cleaning::kDriftAndConfounds));
  const auto b = connectivity(extract(summary_, run("02", false), Cleaning::kDriftAndConfounds));
  ASSERT_EQ(a.size(), b.size());
  ASSERT_GT(a.size(), 30u);
  EXPECT_GT(correlation(a, b), 0.5);
  // Not trivially so: regions of one network correlate, regions of different
  // networks do not or anticorrelate.
  EXPECT_GT(*std::max_element(a.begin(), a.end()), 0.4);
  EXPECT_LT(*std::min_element(a.begin(), a.end()), -0.2);
}

TEST_F(SimulatedDataset, ConfoundsDescribeMotionAndSpikes) {
  for (const auto& r : summary_.runs) {
    const auto table = neuro::read_confounds_tsv(r.confounds);
    EXPECT_EQ(table.frames, r.frames);
    for (const std::string column :
         {"global_signal", "csf", "white_matter", "trans_x", "trans_y", "trans_z", "rot_x", "rot_y",
          "rot_z", "framewise_displacement", "dvars", "trans_x_derivative1", "rot_z_power2"}) {
      EXPECT_NE(std::find(table.names.begin(), table.names.end(), column), table.names.end())
          << column;
    }
    const auto fd = neuro::select_confounds(table, {"framewise_displacement"});
    EXPECT_TRUE(std::isnan(fd.at(0, 0)));  // fMRIPrep leaves the first row n/a
    for (int64_t spike : r.spike_frames) {
      EXPECT_GT(fd.at(spike, 0), 0.5) << r.bold;
    }
    const auto outliers = std::count_if(table.names.begin(), table.names.end(),
                                        [](auto& n) { return n.starts_with("motion_outlier"); });
    EXPECT_GE(outliers, static_cast<long>(r.spike_frames.size()));
  }
}

TEST_F(SimulatedDataset, ConfoundRegressionHelps) {
  // Motion artefacts, spikes and physiological noise reach the data through
  // the confounds the simulator reports: regressing them out brings the
  // activated regions closer to their design.
  const auto truth = nlohmann::json::parse(read_bytes(summary_.truth_json));
  double with = 0, without = 0;
  int n = 0;
  for (const std::string subject : {"01", "02"}) {
    const auto& r = run(subject, true);
    const auto drift_only = extract(summary_, r, Cleaning::kDriftOnly);
    const auto cleaned = extract(summary_, r, Cleaning::kDriftAndConfounds);
    const auto events = neuro::read_events_tsv(r.events).events;
    for (const auto& state : truth["states"]) {
      const auto regressor = neuro::hrf_regressor(
          neuro::stimuli_of_state(events, state["name"].get<std::string>()), r.frames, 2.0);
      for (const auto& region : state["regions"]) {
        const auto it =
            std::find(cleaned.labels.begin(), cleaned.labels.end(), region["label"].get<int>());
        ASSERT_NE(it, cleaned.labels.end());
        const auto p = static_cast<size_t>(it - cleaned.labels.begin());
        with += correlation(cleaned.series[p], regressor);
        without += correlation(drift_only.series[p], regressor);
        ++n;
      }
    }
  }
  EXPECT_GT(with / n, without / n + 0.02);
}

TEST_F(SimulatedDataset, GlobalSignalCarriesTheSharedNuisance) {
  const auto& r = run("01", true);
  const auto regions = extract(summary_, r, Cleaning::kNone);
  const auto table = neuro::read_confounds_tsv(r.confounds);
  const auto gs = neuro::select_confounds(table, {"global_signal"});
  std::vector<double> global(static_cast<size_t>(gs.frames));
  for (int64_t t = 0; t < gs.frames; ++t) {
    global[static_cast<size_t>(t)] = gs.at(t, 0);
  }
  // Drift, spikes and physiology are common to every region.
  double weakest = 1;
  for (const auto& series : regions.series) {
    weakest = std::min(weakest, correlation(series, global));
  }
  EXPECT_GT(weakest, 0.2);
}

TEST_F(SimulatedDataset, GroundTruthMapsMatchTheRecord) {
  const auto truth = nlohmann::json::parse(read_bytes(summary_.truth_json));
  EXPECT_EQ(truth["seed"].get<uint64_t>(), 11u);
  EXPECT_EQ(truth["options"]["subjects"].get<int>(), 2);
  EXPECT_EQ(truth["networks"]["count"].get<int>(), options_.networks.networks);
  const auto labels = neuro::read_volume(summary_.atlas_image);
  ASSERT_EQ(truth["states"].size(), summary_.group_state_maps.size());
  for (size_t s = 0; s < summary_.group_state_maps.size(); ++s) {
    const auto map = neuro::read_volume(summary_.group_state_maps[s]);
    std::map<int, double> weight;
    for (const auto& region : truth["states"][s]["regions"]) {
      weight[region["label"].get<int>()] = region["weight"].get<double>();
    }
    for (size_t v = 0; v < map.data().size(); ++v) {
      const int label = static_cast<int>(labels.data()[v]);
      const double expected = weight.count(label) ? weight[label] : 0.0;
      ASSERT_NEAR(map.data()[v], expected, 1e-6);
    }
  }
  // A subject's map is nonzero only inside the group map's regions.
  for (size_t s = 0; s < summary_.states.size(); ++s) {
    const auto group = neuro::read_volume(summary_.group_state_maps[s]);
    const auto own = neuro::read_volume(
        summary_.ground_truth_dir /
        ("sub-02_space-phantom_desc-" + summary_.states[s] + "_groundtruth.nii.gz"));
    double total = 0;
    for (size_t v = 0; v < own.data().size(); ++v) {
      if (group.data()[v] == 0) {
        ASSERT_EQ(own.data()[v], 0.0f);
      }
      total += own.data()[v];
    }
    EXPECT_GT(total, 0.0);
  }
  // The atlas table names every region in the dseg, as the atlas loader reads it.
  const auto atlas = neuro::LabelAtlas::load(summary_.atlas_image);
  ASSERT_FALSE(atlas.labels().empty());
  EXPECT_EQ(atlas.names().front(), "motor_left");
}

TEST(SimSimulator, TemplateDatasetIsInMniSpace) {
  if (!neuro::template_available(std::string(neuro::kMricronTemplateDir),
                                 neuro::AtlasChoice::kHarvardOxford)) {
    GTEST_SKIP() << "mricron-data is not installed";
  }
  neuroseq_test::TempDir dir("sim_template");
  auto options = small_options(dir / "out");
  options.space.atlas = neuro::AtlasChoice::kHarvardOxford;
  options.space.voxel_size_mm = 3.0;
  options.space.resources_dir = fs::path(NEUROSEQ_SOURCE_DIR) / "resources";
  const auto summary = neuro::simulate_dataset(options);
  EXPECT_TRUE(summary.used_template);
  EXPECT_EQ(summary.space, "MNIColin27");
  EXPECT_TRUE(summary.notes.empty());
  const auto& r = summary.runs.front();
  EXPECT_EQ(r.bold.filename(),
            "sub-01_task-localizer_run-1_space-MNIColin27_desc-preproc_bold.nii.gz");
  neuro::ImageHeader header;
  const auto bold = neuro::read_volume(r.bold, header);
  EXPECT_EQ(header.sform_code, 4);
  EXPECT_EQ(bold.frames(), 40);
  EXPECT_NEAR(bold.affine().voxel_size()[1], 3.0, 1e-9);
  // MNI's origin is a voxel centre of the data grid.
  for (double c : bold.affine().to_voxel(0, 0, 0)) {
    EXPECT_NEAR(c, std::round(c), 1e-9);
  }
  const auto atlas = neuro::LabelAtlas::load(summary.atlas_image);
  EXPECT_EQ(atlas.name_of(7), "Precentral Gyrus");
  EXPECT_TRUE(atlas.grid().same_as(bold.grid(), 1e-6));
  EXPECT_EQ(summary.atlas_table.filename(), "space-MNIColin27_atlas-HarvardOxford_dseg.tsv");
}

TEST(SimSimulator, SameSeedSameBytesOtherSeedOtherData) {
  neuroseq_test::TempDir dir("sim_determinism");
  auto options = small_options(dir / "a");
  const auto first = neuro::simulate_dataset(options);
  options.output_root = dir / "b";
  neuro::simulate_dataset(options);
  options.output_root = dir / "c";
  options.seed = 8;
  neuro::simulate_dataset(options);
  const auto files = files_under(dir / "a");
  ASSERT_EQ(files, files_under(dir / "b"));
  for (const auto& file : files) {
    EXPECT_EQ(read_bytes(dir / "a" / file), read_bytes(dir / "b" / file)) << file;
  }
  const auto bold = first.runs.front().bold.lexically_relative(dir / "a");
  EXPECT_NE(read_bytes(dir / "a" / bold), read_bytes(dir / "c" / bold));
  EXPECT_NE(read_bytes(dir / "a" / "sim/simulation.json"),
            read_bytes(dir / "c" / "sim/simulation.json"));
}

TEST(SimSimulator, SubjectsDoNotDependOnHowManyThereAre) {
  // Streams are keyed by subject and run: adding a subject leaves the first
  // one's data untouched.
  neuroseq_test::TempDir dir("sim_streams");
  auto options = small_options(dir / "one");
  neuro::simulate_dataset(options);
  options.output_root = dir / "two";
  options.subjects = 2;
  neuro::simulate_dataset(options);
  const std::string bold =
      "sub-01/func/sub-01_task-localizer_run-1_space-phantom_desc-preproc_bold.nii.gz";
  EXPECT_EQ(read_bytes(dir / "one" / bold), read_bytes(dir / "two" / bold));
}

TEST(SimSimulator, ReportsProgress) {
  neuroseq_test::TempDir dir("sim_progress");
  std::vector<double> fractions;
  neuro::simulate_dataset(small_options(dir / "out"),
                          [&](double f, std::string_view) { fractions.push_back(f); });
  ASSERT_GE(fractions.size(), 3u);
  EXPECT_EQ(fractions.front(), 0.0);
  EXPECT_EQ(fractions.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
}

namespace {

std::string error_of(const neuro::SimulationOptions& options) {
  return neuroseq_test::error_of<std::runtime_error>([&] { neuro::simulate_dataset(options); });
}

}  // namespace

TEST(SimSimulator, RejectsBadOptionsWithOneLine) {
  neuroseq_test::TempDir dir("sim_errors");
  auto options = small_options(dir / "out");
  options.subjects = 0;
  EXPECT_EQ(error_of(options), "subjects: at least one subject is needed");
  options = small_options(dir / "out");
  options.design = neuro::DesignKind::kBlock;
  options.task_frames = 30;
  const auto short_run = error_of(options);
  EXPECT_TRUE(short_run.starts_with("task_frames: 30 frames")) << short_run;
  EXPECT_NE(short_run.find("block design"), std::string::npos) << short_run;
  options = small_options(dir / "out");
  options.rest_runs = 0;
  options.task_runs = 0;
  EXPECT_TRUE(error_of(options).starts_with("rest_runs, task_runs:"));
  options = small_options(dir / "out");
  options.space.voxel_size_mm = 0.5;
  EXPECT_TRUE(error_of(options).starts_with("voxel_size_mm:"));
  options = small_options(dir / "out");
  options.output_root.clear();
  EXPECT_TRUE(error_of(options).starts_with("output_root:"));
  options = small_options(dir / "out");
  options.noise.voxel_ar1 = 1.0;
  EXPECT_TRUE(error_of(options).starts_with("noise.voxel_ar1:"));
  for (const auto& message : {error_of(options), short_run}) {
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(dir / "out"));  // nothing written before the checks pass
}

TEST(SimSimulator, RefusesANonEmptyFolderUnlessOverwritingItsOwnDataset) {
  neuroseq_test::TempDir dir("sim_overwrite");
  const auto root = dir / "out";
  fs::create_directories(root);
  std::ofstream(root / "notes.txt") << "keep me\n";
  auto options = small_options(root);
  EXPECT_EQ(error_of(options),
            root.string() + ": exists and is not empty (set overwrite to replace it)");
  options.overwrite = true;
  EXPECT_EQ(
      error_of(options),
      root.string() + ": exists, is not empty and holds no NeuroSeq dataset; not overwriting it");

  fs::remove(root / "notes.txt");
  options.overwrite = false;
  options.subjects = 2;
  neuro::simulate_dataset(options);
  ASSERT_TRUE(fs::exists(root / "sub-02"));
  options.subjects = 1;
  EXPECT_FALSE(error_of(options).empty());
  options.overwrite = true;
  neuro::simulate_dataset(options);
  EXPECT_TRUE(fs::exists(root / "sub-01"));
  EXPECT_FALSE(fs::exists(root / "sub-02"));  // no stale subject survives
  EXPECT_FALSE(fs::exists(root / "sim" / "sub-02_space-phantom_desc-motor_groundtruth.nii.gz"));
}
