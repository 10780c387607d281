// Bad input gets one clear line naming the file and the problem, a non-zero
// exit, no crash, and nothing written.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>

#include "cli_runner.h"
#include "neuro/image/nifti_writer.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using neuroseq_test::expect_one_line_error;
using neuroseq_test::run_neuroseq;
using neuroseq_test::TempDir;

namespace {

neuro::Grid small_grid(double shift = 0) {
  return {{8, 8, 6}, neuro::Affine::diagonal(3, 3, 3, -12 + shift, -12, -9)};
}

void write_bold(const fs::path& path, bool with_nan = false) {
  neuro::Volume bold(small_grid(), 20, 2.0);
  for (size_t i = 0; i < bold.data().size(); ++i)
    bold.data()[i] = 100.0f + (i * 37 % 11);
  if (with_nan) bold.at(3, 3, 3, 5) = std::numeric_limits<float>::quiet_NaN();
  neuro::write_nifti(bold, path);
}

void write_atlas(const fs::path& path, double shift = 0, int64_t frames = 1) {
  neuro::Volume atlas(small_grid(shift), frames);
  for (int64_t k = 0; k < 6; ++k) {
    for (int64_t j = 0; j < 8; ++j) {
      for (int64_t i = 0; i < 8; ++i) {
        for (int64_t t = 0; t < frames; ++t)
          atlas.at(i, j, k, t) = static_cast<float>(1 + i / 4);
      }
    }
  }
  neuro::write_nifti(atlas, path);
}

}  // namespace

TEST(CliErrors, TruncatedGzip) {
  TempDir dir("cli_trunc");
  write_bold(dir / "bold.nii.gz");
  write_atlas(dir / "atlas.nii.gz");
  fs::resize_file(dir / "bold.nii.gz", fs::file_size(dir / "bold.nii.gz") / 2);
  const auto r =
      run_neuroseq("extract " + (dir / "bold.nii.gz").string() + " --atlas " +
                       (dir / "atlas.nii.gz").string() + " -o " + (dir / "out.tsv").string(),
                   dir.path());
  expect_one_line_error(r, "bold.nii.gz", "truncated");
  EXPECT_FALSE(fs::exists(dir / "out.tsv"));
}

TEST(CliErrors, WrongMagic) {
  TempDir dir("cli_magic");
  write_bold(dir / "bold.nii");
  std::fstream f(dir / "bold.nii", std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(344);
  f.write("abc", 4);
  f.close();
  expect_one_line_error(run_neuroseq("info " + (dir / "bold.nii").string(), dir.path()), "bold.nii",
                        "wrong magic");
}

TEST(CliErrors, FourDimensionalAtlas) {
  TempDir dir("cli_atlas4d");
  write_bold(dir / "bold.nii.gz");
  write_atlas(dir / "atlas.nii.gz", 0, 3);
  const auto r =
      run_neuroseq("extract " + (dir / "bold.nii.gz").string() + " --atlas " +
                       (dir / "atlas.nii.gz").string() + " -o " + (dir / "out.tsv").string(),
                   dir.path());
  expect_one_line_error(r, "atlas.nii.gz", "3-D");
  EXPECT_FALSE(fs::exists(dir / "out.tsv"));
}

TEST(CliErrors, AtlasThatDoesNotOverlapTheData) {
  TempDir dir("cli_overlap");
  write_bold(dir / "bold.nii.gz");
  write_atlas(dir / "atlas.nii.gz", 500.0);
  const auto r =
      run_neuroseq("extract " + (dir / "bold.nii.gz").string() + " --atlas " +
                       (dir / "atlas.nii.gz").string() + " -o " + (dir / "out.tsv").string(),
                   dir.path());
  expect_one_line_error(r, "atlas.nii.gz", "overlap");
  EXPECT_FALSE(fs::exists(dir / "out.tsv"));
}

TEST(CliErrors, NanVoxels) {
  TempDir dir("cli_nan");
  write_bold(dir / "bold.nii.gz", true);
  write_atlas(dir / "atlas.nii.gz");
  const auto r =
      run_neuroseq("extract " + (dir / "bold.nii.gz").string() + " --atlas " +
                       (dir / "atlas.nii.gz").string() + " -o " + (dir / "out.tsv").string(),
                   dir.path());
  expect_one_line_error(r, "bold.nii.gz", "NaN");
  EXPECT_FALSE(fs::exists(dir / "out.tsv"));
}

TEST(CliErrors, BidsTreeWithoutBoldFiles) {
  TempDir dir("cli_nobold");
  fs::create_directories(dir / "ds" / "sub-01" / "anat");
  std::ofstream(dir / "ds" / "dataset_description.json")
      << R"({"Name": "empty", "BIDSVersion": "1.8.0"})";
  write_atlas(dir / "atlas.nii.gz");
  const auto r =
      run_neuroseq("decode " + (dir / "ds").string() + " --atlas " +
                       (dir / "atlas.nii.gz").string() + " -o " + (dir / "results").string(),
                   dir.path());
  expect_one_line_error(r, "ds", "no BOLD");
  EXPECT_FALSE(fs::exists(dir / "results"));
}

namespace {
// A one-subject-pair BIDS dataset whose events file is then broken by `edit`.
void write_task_dataset(const fs::path& root, const std::string& events_text) {
  for (const char* sub : {"01", "02"}) {
    const auto func = root / ("sub-" + std::string(sub)) / "func";
    fs::create_directories(func);
    const std::string stem = "sub-" + std::string(sub) + "_task-motor_run-1";
    write_bold(func / (stem + "_bold.nii.gz"));
    std::ofstream(func / (stem + "_bold.json")) << R"({"RepetitionTime": 2.0})";
    std::ofstream(func / (stem + "_events.tsv")) << events_text;
  }
  std::ofstream(root / "dataset_description.json")
      << R"({"Name": "broken events", "BIDSVersion": "1.8.0"})";
}
}  // namespace

TEST(CliErrors, EventsWithAMissingColumn) {
  TempDir dir("cli_events_col");
  write_task_dataset(dir / "ds", "onset\ttrial_type\n0\tleft\n20\tright\n");
  write_atlas(dir / "atlas.nii.gz");
  const auto r =
      run_neuroseq("decode " + (dir / "ds").string() + " --atlas " +
                       (dir / "atlas.nii.gz").string() + " -o " + (dir / "results").string(),
                   dir.path());
  expect_one_line_error(r, "_events.tsv", "duration");
  EXPECT_FALSE(fs::exists(dir / "results"));
}

TEST(CliErrors, EventsPastTheEndOfTheRunAreNotedAndAStateLeftWithoutWindowsIsNamed) {
  TempDir dir("cli_events_late");
  // 20 frames at TR 2 s: the run ends at 40 s, so 'right' (at 45 s) labels
  // nothing and one state remains: nothing to decode, every count given.
  write_task_dataset(dir / "ds", "onset\tduration\ttrial_type\n0\t10\tleft\n45\t10\tright\n");
  write_atlas(dir / "atlas.nii.gz");
  const auto r =
      run_neuroseq("decode " + (dir / "ds").string() + " --atlas " +
                       (dir / "atlas.nii.gz").string() + " -o " + (dir / "results").string(),
                   dir.path());
  EXPECT_NE(r.err.find("_events.tsv: 1 event(s) start at or past the end of the run"),
            std::string::npos)
      << r.err;
  expect_one_line_error(r, (dir / "ds").string(),
                        "fewer than 2 states have enough windows of 4 frames to decode");
  EXPECT_NE(r.err.find("'right' 0 window(s) in 0 subject(s)"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "results"));
}

TEST(CliErrors, UnknownSubcommandAndMissingFileExitNonZero) {
  TempDir dir("cli_misc");
  EXPECT_NE(run_neuroseq("no-such-command", dir.path()).exit_code, 0);
  expect_one_line_error(run_neuroseq("info " + (dir / "absent.nii.gz").string(), dir.path()),
                        "absent.nii.gz", "no such file");
}
