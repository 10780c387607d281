// Pretraining and encoder decoding from the command line on a small simulated
// dataset, and the bad inputs a user can hand them: each gives one clear error
// line, a non-zero exit and no half-written output.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli_runner.h"
#include "temp_dir.h"
#include "text_files.h"

namespace fs = std::filesystem;
using neuroseq_test::count_lines;
using neuroseq_test::expect_one_line_error;
using neuroseq_test::files_ending;
using neuroseq_test::read_text;
using neuroseq_test::run_neuroseq;
using neuroseq_test::TempDir;
using neuroseq_test::tsv_cells;

namespace {

// One simulated dataset and one short pretraining run for the whole suite.
class CliEncoder : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("cli_encoder");
    const auto ds = dataset();
    auto r = run_neuroseq("simulate -o " + ds.string() +
                              " --subjects 3 --rest-runs 1 --task-runs 1 --atlas phantom --seed 5",
                          dir_->path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto atlases = files_ending(ds / "sim", "_dseg.nii.gz");
    ASSERT_EQ(atlases.size(), 1u);
    atlas_ = atlases[0];
    const auto masks = files_ending(ds / "sim", "desc-brain_mask.nii.gz");
    ASSERT_EQ(masks.size(), 1u);
    mask_ = masks[0];
    r = run_neuroseq("pretrain " + ds.string() + " --atlas " + atlas_.string() +
                         " --steps 30 --checkpoint-every 10 --frames 16 -o " + model_dir().string(),
                     dir_->path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static fs::path dataset() { return dir_->path() / "ds"; }
  static fs::path model_dir() { return dir_->path() / "pretrained"; }
  static fs::path model() { return model_dir() / "model.safetensors"; }
  static fs::path scratch() { return dir_->path(); }
  static std::string atlas_option() { return " --atlas " + atlas_.string(); }

  static std::unique_ptr<TempDir> dir_;
  static fs::path atlas_;
  static fs::path mask_;
};

std::unique_ptr<TempDir> CliEncoder::dir_;
fs::path CliEncoder::atlas_;
fs::path CliEncoder::mask_;

}  // namespace

TEST_F(CliEncoder, PretrainingWritesModelHistoryAndProvenance) {
  ASSERT_TRUE(fs::exists(model()));
  EXPECT_TRUE(fs::exists(model_dir() / "model.json"));
  EXPECT_TRUE(fs::exists(model_dir() / "checkpoint.safetensors"));
  EXPECT_EQ(count_lines(model_dir() / "history.tsv"), 1 + 30);  // header + one row per step
  const auto record = nlohmann::json::parse(read_text(model_dir() / "pretrain.json"));
  EXPECT_EQ(record["config"]["steps"].get<int>(), 30);
  EXPECT_EQ(record["config"]["objective"].get<std::string>(), "causal");
  EXPECT_TRUE(record["provenance"]["inputs"].contains(atlas_.string()));
  // Held-out runs exist and the model learnt something about them: the
  // validation loss is below that of predicting the runs' mean.
  EXPECT_GE(record["result"]["validation_runs"].get<int>(), 1);
  EXPECT_LT(record["result"]["validation_loss"].get<double>(),
            record["result"]["validation_baseline"].get<double>());
  const auto config = nlohmann::json::parse(read_text(model_dir() / "model.json"));
  EXPECT_EQ(config["kind"].get<std::string>(), "neuroseq-pretrained-encoder");
  EXPECT_EQ(config["parcels"].size(), config["encoder"]["parcels"].get<size_t>());
}

TEST_F(CliEncoder, RerunWithoutResumeIsRefusedAndResumeContinues) {
  auto r = run_neuroseq("pretrain " + dataset().string() + atlas_option() +
                            " --steps 30 --frames 16 -o " + model_dir().string(),
                        scratch());
  expect_one_line_error(r, "checkpoint.safetensors", "--resume");
  // The run had finished: resuming it changes no weight.
  r = run_neuroseq("pretrain " + dataset().string() + atlas_option() +
                       " --steps 30 --frames 16 --resume -o " + model_dir().string(),
                   scratch());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_lines(model_dir() / "history.tsv"), 1 + 30);
}

TEST_F(CliEncoder, FineTunedAndFrozenDecodersWriteTheirResults) {
  const auto out = scratch() / "decoding";
  auto r = run_neuroseq("decode " + dataset().string() + atlas_option() +
                            " --model longconv-small --pretrained " + model().string() +
                            " --steps 40 -o " + out.string(),
                        scratch());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto scores =
      nlohmann::json::parse(read_text(out / "model-longconv-pretrained_scores.json"));
  EXPECT_EQ(scores["folds"].get<int>(), 3);
  const long windows = scores["windows"].get<long>();
  EXPECT_GT(windows, 0);
  EXPECT_EQ(count_lines(out / "model-longconv-pretrained_predictions.tsv"), 1 + windows);
  // The timeline has one row per frame of each (test) task run.
  const auto timeline = read_text(out / "model-longconv-pretrained_timeline.tsv");
  EXPECT_EQ(timeline.rfind("subject\ttask\trun\tframe", 0), 0u);
  EXPECT_GT(std::count(timeline.begin(), timeline.end(), '\n'), 3 * 50);
  EXPECT_EQ(scores["config"]["pretrained"].get<std::string>(), model().string());
  EXPECT_TRUE(scores["provenance"]["inputs"].contains(model().string()));

  r = run_neuroseq("decode " + dataset().string() + atlas_option() +
                       " --model longconv-small --pretrained " + model().string() +
                       " --freeze --permutations 20 -o " + out.string(),
                   scratch());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto frozen = nlohmann::json::parse(read_text(out / "model-longconv-frozen_scores.json"));
  const double p = frozen["permutation_p"].get<double>();
  EXPECT_GE(p, 1.0 / 21.0);  // never below 1 / (1 + permutations)
  EXPECT_LE(p, 1.0);
  EXPECT_EQ(frozen["permutations"].get<int>(), 20);
}

TEST_F(CliEncoder, EmptyDatasetIsRefused) {
  const auto empty = scratch() / "empty";
  fs::create_directories(empty);
  std::ofstream(empty / "dataset_description.json")
      << R"({"Name": "empty", "BIDSVersion": "1.8.0"})";
  const auto out = scratch() / "empty_model";
  const auto r = run_neuroseq("pretrain " + empty.string() + atlas_option() + " -o " + out.string(),
                              scratch());
  expect_one_line_error(r, "empty", "no BOLD");
  EXPECT_FALSE(fs::exists(out / "model.safetensors"));
}

TEST_F(CliEncoder, StateWithoutWindowsIsRefused) {
  const auto out = scratch() / "long_windows";
  const auto r = run_neuroseq(
      "decode " + dataset().string() + atlas_option() +
          " --model longconv-small --window 30 --stride 1 --window-labelling whole -o " +
          out.string(),
      scratch());
  expect_one_line_error(r, "ds", "enough windows of 30 frames");
  EXPECT_FALSE(fs::exists(out / "model-longconv-scratch_scores.json"));
}

TEST_F(CliEncoder, SubjectInTrainingAndTestIsRefused) {
  const auto r = run_neuroseq("decode " + dataset().string() + atlas_option() +
                                  " --model longconv-small --train-subject 01 --train-subject 02 "
                                  "--test-subject 02 -o " +
                                  (scratch() / "overlap").string(),
                              scratch());
  expect_one_line_error(r, "subject '02'", "both training and test");
}

TEST_F(CliEncoder, ModelForAnotherAtlasIsRefused) {
  // The brain mask as an atlas: one region, where the model takes many.
  const auto r = run_neuroseq("decode " + dataset().string() + " --atlas " + mask_.string() +
                                  " --model longconv-small --pretrained " + model().string() +
                                  " -o " + (scratch() / "other_atlas").string(),
                              scratch());
  expect_one_line_error(r, "model.safetensors", "parcels");
  EXPECT_FALSE(fs::exists(scratch() / "other_atlas" / "model-longconv-pretrained_scores.json"));
}

TEST_F(CliEncoder, CorruptCheckpointIsRefused) {
  const auto corrupt = scratch() / "corrupt";
  fs::create_directories(corrupt);
  fs::copy_file(model(), corrupt / "model.safetensors");
  fs::copy_file(model_dir() / "model.json", corrupt / "model.json");
  fs::resize_file(corrupt / "model.safetensors", fs::file_size(model()) / 2);
  auto r = run_neuroseq(
      "decode " + dataset().string() + atlas_option() + " --model longconv-small --pretrained " +
          (corrupt / "model.safetensors").string() + " -o " + (scratch() / "from_corrupt").string(),
      scratch());
  expect_one_line_error(r, "model.safetensors", "");
  EXPECT_FALSE(fs::exists(scratch() / "from_corrupt"));

  // A corrupt training checkpoint is refused on --resume, and left as it is.
  const auto run = scratch() / "corrupt_run";
  fs::create_directories(run);
  fs::copy_file(model_dir() / "checkpoint.safetensors", run / "checkpoint.safetensors");
  fs::copy_file(model_dir() / "checkpoint.json", run / "checkpoint.json");
  fs::resize_file(run / "checkpoint.safetensors", 100);
  r = run_neuroseq("pretrain " + dataset().string() + atlas_option() +
                       " --steps 30 --frames 16 --resume -o " + run.string(),
                   scratch());
  expect_one_line_error(r, "checkpoint.safetensors", "");
  EXPECT_EQ(fs::file_size(run / "checkpoint.safetensors"), 100u);
  EXPECT_FALSE(fs::exists(run / "model.safetensors"));
}

TEST_F(CliEncoder, TrainedDecoderEvaluatesUnseenSubjectsOnly) {
  const auto decoder_dir = scratch() / "decoder";
  auto r = run_neuroseq("train " + dataset().string() + atlas_option() +
                            " --model longconv-small --pretrained " + model().string() +
                            " --subject 01 --subject 02 --steps 40 -o " + decoder_dir.string(),
                        scratch());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto config = nlohmann::json::parse(read_text(decoder_dir / "decoder.json"));
  EXPECT_EQ(config["kind"].get<std::string>(), "neuroseq-decoder");
  EXPECT_EQ(config["subjects"], nlohmann::json({"01", "02"}));
  EXPECT_EQ(config["states"].size(), 4u);

  const auto out = scratch() / "evaluation";
  r = run_neuroseq("evaluate " + dataset().string() + atlas_option() + " --decoder " +
                       (decoder_dir / "decoder.safetensors").string() + " --subject 03 -o " +
                       out.string(),
                   scratch());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto scores = nlohmann::json::parse(read_text(out / "model-decoder_scores.json"));
  EXPECT_EQ(scores["subjects"], nlohmann::json({"03"}));
  EXPECT_EQ(count_lines(out / "model-decoder_predictions.tsv"), 1 + scores["windows"].get<long>());
  EXPECT_TRUE(fs::exists(out / "model-decoder_timeline.tsv"));

  r = run_neuroseq("evaluate " + dataset().string() + atlas_option() + " --decoder " +
                       (decoder_dir / "decoder.safetensors").string() + " --subject 02 -o " +
                       (scratch() / "seen").string(),
                   scratch());
  expect_one_line_error(r, "decoder.safetensors", "subject '02' was in the training set");
  EXPECT_FALSE(fs::exists(scratch() / "seen"));
}

TEST_F(CliEncoder, ExplainAndGlmWriteMapsTablesAndReport) {
  const auto decoder_dir = scratch() / "decoder_for_explain";
  auto r = run_neuroseq("train " + dataset().string() + atlas_option() +
                            " --model longconv-small --subject 01 --subject 02 --steps 30 -o " +
                            decoder_dir.string(),
                        scratch());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = scratch() / "explanations";
  r = run_neuroseq("explain " + dataset().string() + atlas_option() + " --decoder " +
                       (decoder_dir / "decoder.safetensors").string() +
                       " --subject 03 --method integrated_gradients --method lrp -o " +
                       out.string(),
                   scratch());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto table = read_text(out / "explanations.tsv");
  EXPECT_EQ(table.rfind("method\tfaithfulness_fraction", 0), 0u) << table;
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 3);
  // Integrated gradients with 64 Gauss-Legendre nodes: completeness within 1 %.
  const auto ig = table.find("integrated_gradients\t");
  ASSERT_NE(ig, std::string::npos);
  const auto cells = tsv_cells(table.substr(ig, table.find('\n', ig) - ig));
  ASSERT_EQ(cells.size(), 10u);
  EXPECT_LT(std::stod(cells[8]), 0.01);
  EXPECT_TRUE(fs::exists(out / "report.html"));
  EXPECT_TRUE(fs::exists(out / "plots" / "faithfulness.png"));
  EXPECT_TRUE(fs::exists(out / "method-lrp_faithfulness.tsv"));
  // Every window's relevance per parcel, explaining the decoded state.
  {
    const auto decoder = nlohmann::json::parse(read_text(decoder_dir / "decoder.json"));
    std::istringstream windows(read_text(out / "method-lrp_windows.tsv"));
    std::string line;
    std::getline(windows, line);
    EXPECT_EQ(line.rfind("subject\tsession\ttask\trun\tfirst_frame\tonset_s\ttrue_state\t"
                         "decoded_state\texplained_state\t",
                         0),
              0u)
        << line;
    const auto columns = static_cast<size_t>(std::count(line.begin(), line.end(), '\t') + 1);
    EXPECT_EQ(columns, 9 + decoder["parcels"].size());
    long rows = 0;
    while (std::getline(windows, line)) {
      const auto cells = tsv_cells(line);
      ASSERT_EQ(cells.size(), columns) << line;
      EXPECT_EQ(cells[0], "03");
      EXPECT_EQ(cells[8], cells[7]) << "the decoded state is the one explained: " << line;
      ++rows;
    }
    EXPECT_GT(rows, 0);
  }
  long maps = 0, frame_maps = 0, clusters = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    const auto name = e.path().filename().string();
    maps += name.ends_with("_statmap.nii.gz");
    frame_maps += name.ends_with("_statmap.nii.gz") && name.find("time_desc-") != std::string::npos;
    clusters += name.ends_with("_clusters.tsv");
  }
  EXPECT_GE(maps, 2 * 4);  // group maps of 2 methods x 4 states at least
  // One 4-D map per method and state with correct windows, without a table.
  EXPECT_GE(frame_maps, 2);
  EXPECT_LE(frame_maps, 2 * 4);
  EXPECT_EQ(clusters, maps - frame_maps);

  const auto glm = scratch() / "glm";
  r = run_neuroseq("glm " + dataset().string() + atlas_option() + " -o " + glm.string(), scratch());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto record = nlohmann::json::parse(read_text(glm / "glm.json"));
  EXPECT_EQ(record["subjects"].size(), 3u);
  EXPECT_EQ(record["group_dof"].get<double>(), 2.0);
  bool found = false;
  for (const auto& e : fs::directory_iterator(glm))
    found = found || e.path().filename().string().starts_with("sub-group_space-phantom_stat-z_");
  EXPECT_TRUE(found);
}

TEST_F(CliEncoder, ExplainRefusesAPretrainedEncoderAsDecoder) {
  const auto r = run_neuroseq("explain " + dataset().string() + atlas_option() + " --decoder " +
                                  model().string() + " -o " + (scratch() / "wrong").string(),
                              scratch());
  expect_one_line_error(r, "model.safetensors", "not a NeuroSeq decoder");
  EXPECT_FALSE(fs::exists(scratch() / "wrong"));
}
