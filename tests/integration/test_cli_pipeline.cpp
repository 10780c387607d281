// The command line end to end on a small simulated dataset: simulate, info,
// extract, decode — each output readable and consistent with the others.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "neuro/series/parcel_series.h"
#include "temp_dir.h"
#include "text_files.h"

namespace fs = std::filesystem;
using neuroseq_test::run_neuroseq;

TEST(CliPipeline, SimulateExtractDecode) {
  neuroseq_test::TempDir dir("cli_pipeline");
  const auto ds = dir / "ds";
  auto r = run_neuroseq("simulate -o " + ds.string() +
                            " --subjects 3 --rest-runs 0 --task-runs 1 --atlas phantom --seed 3",
                        dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const auto bold =
      ds / "sub-01" / "func" / "sub-01_task-localizer_run-1_space-phantom_desc-preproc_bold.nii.gz";
  ASSERT_TRUE(fs::exists(bold)) << r.out;
  r = run_neuroseq("info --json " + bold.string(), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto info = nlohmann::json::parse(r.out);
  EXPECT_EQ(info["dims"].size(), 4u);
  EXPECT_NEAR(info["tr_seconds"].get<double>(), 2.0, 1e-6);

  const auto atlases = neuroseq_test::files_ending(ds / "sim", "_dseg.nii.gz");
  ASSERT_EQ(atlases.size(), 1u);
  const fs::path& atlas = atlases[0];
  r = run_neuroseq("extract " + bold.string() + " --atlas " + atlas.string() +
                       " --clean --filter cosine --high-pass 0.01 -o " + (dir / "s.tsv").string(),
                   dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto series = neuro::read_series_tsv(dir / "s.tsv");
  EXPECT_EQ(series.frames, info["dims"][3].get<int64_t>());
  EXPECT_GT(series.parcels, 3);
  // z-scored columns: mean 0 and unit variance.
  double sum = 0, sum2 = 0;
  for (int64_t t = 0; t < series.frames; ++t) {
    sum += series.at(t, 0);
    sum2 += series.at(t, 0) * series.at(t, 0);
  }
  EXPECT_NEAR(sum / series.frames, 0.0, 1e-4);
  EXPECT_NEAR(sum2 / series.frames, 1.0, 1e-3);

  r = run_neuroseq(
      "decode " + ds.string() + " --atlas " + atlas.string() + " -o " + (dir / "results").string(),
      dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto scores =
      nlohmann::json::parse(std::ifstream(dir / "results" / "model-linear_scores.json"));
  EXPECT_EQ(scores["folds"].get<int>(), 3);
  // The simulated states are decodable well above chance in held-out subjects.
  EXPECT_GT(scores["balanced_accuracy"].get<double>(), scores["chance"].get<double>() + 0.2);
  EXPECT_LT(scores["binomial_p"].get<double>(), 1e-3);
  EXPECT_TRUE(fs::exists(dir / "results" / "dataset_description.json"));

  // An explicit split: trained on 01 and 02, tested on 03 alone, so every
  // prediction is of sub-03 and there are as many as the windows the first
  // decoding listed for sub-03 in its windows_per_state.tsv.
  r = run_neuroseq("decode " + ds.string() + " --atlas " + atlas.string() +
                       " --train-subject 01 --train-subject 02 --test-subject 03 -o " +
                       (dir / "split").string(),
                   dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto split =
      nlohmann::json::parse(std::ifstream(dir / "split" / "model-linear_scores.json"));
  EXPECT_EQ(split["folds"].get<int>(), 1);
  long listed_for_03 = 0, listed = 0;
  {
    std::ifstream table(dir / "results" / "windows_per_state.tsv");
    std::string row;
    std::getline(table, row);  // subject session task run state frames windows
    while (std::getline(table, row)) {
      const long windows = std::stol(row.substr(row.rfind('\t') + 1));
      listed += windows;
      if (row.rfind("03\t", 0) == 0) listed_for_03 += windows;
    }
  }
  EXPECT_EQ(listed, scores["windows"].get<long>());
  EXPECT_GT(listed_for_03, 0);
  EXPECT_EQ(split["windows"].get<long>(), listed_for_03);
  EXPECT_EQ(split["config"]["test_subjects"], nlohmann::json::array({"03"}));
  std::ifstream predictions(dir / "split" / "model-linear_predictions.tsv");
  std::string line;
  std::getline(predictions, line);  // header
  long rows = 0;
  while (std::getline(predictions, line)) {
    ++rows;
    EXPECT_EQ(line.rfind("03\t", 0), 0u) << line;
  }
  EXPECT_EQ(rows, split["windows"].get<long>());
  // A subject on both sides is refused, as for the encoders.
  r = run_neuroseq("decode " + ds.string() + " --atlas " + atlas.string() +
                       " --train-subject 01 --test-subject 01 -o " + (dir / "overlap").string(),
                   dir.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("subject '01' is in both training and test"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "overlap" / "model-linear_scores.json"));
}
