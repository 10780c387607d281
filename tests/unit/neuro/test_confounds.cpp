#include "neuro/signal/confounds.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "error_of.h"

namespace {

namespace fs = std::filesystem;
using neuro::ConfoundTable;
using neuroseq_test::error_of;

class Confounds : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("neuroseq_confounds_" + std::string(info->name()) + "_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // What fMRIPrep writes: derivative columns start with n/a.
  fs::path fmriprep_table() {
    return write("sub-01_task-rest_desc-confounds_timeseries.tsv",
                 "global_signal\tframewise_displacement\ttrans_x\ttrans_x_derivative1\ttrans_y\t"
                 "rot_z\ta_comp_cor_00\ta_comp_cor_01\ta_comp_cor_10\tcosine00\n"
                 "100.5\tn/a\t0.01\tn/a\t-0.02\t0.001\t0.1\t0.2\t0.3\t0.05\n"
                 "101.0\t0.12\t0.02\t0.01\t-0.01\t0.002\t-0.1\t0.1\t0.2\t0.04\n"
                 "99.5\t0.30\t-0.01\t-0.03\t0.00\t-0.001\t0.0\t-0.3\t0.1\t0.03\n"
                 "100.0\t0.18\t1e-3\t0.011\t2.5e-2\t0\t0.05\t0.0\t-0.6\t0.02\n");
  }

  fs::path dir_;
};

TEST_F(Confounds, ReadsHeaderValuesAndMissingCells) {
  const fs::path path = fmriprep_table();
  const ConfoundTable t = neuro::read_confounds_tsv(path);
  EXPECT_EQ(t.frames, 4);
  ASSERT_EQ(t.columns(), 10);
  EXPECT_EQ(t.names[0], "global_signal");
  EXPECT_EQ(t.names[9], "cosine00");
  EXPECT_EQ(t.source, path.string());
  EXPECT_DOUBLE_EQ(t.at(0, 0), 100.5);
  EXPECT_TRUE(std::isnan(t.at(0, 1)));
  EXPECT_TRUE(std::isnan(t.at(0, 3)));
  EXPECT_DOUBLE_EQ(t.at(3, 2), 1e-3);
  EXPECT_DOUBLE_EQ(t.at(3, 4), 2.5e-2);
}

TEST_F(Confounds, AcceptsWindowsLineEndings) {
  const ConfoundTable t =
      neuro::read_confounds_tsv(write("crlf.tsv", "a\tb\r\n1\t2\r\n3\tn/a\r\n"));
  ASSERT_EQ(t.columns(), 2);
  EXPECT_EQ(t.names[1], "b");
  EXPECT_EQ(t.frames, 2);
  EXPECT_DOUBLE_EQ(t.at(1, 0), 3.0);
  EXPECT_TRUE(std::isnan(t.at(1, 1)));
}

TEST_F(Confounds, SelectsByNameAndPatternInRequestOrder) {
  const ConfoundTable all = neuro::read_confounds_tsv(fmriprep_table());
  const ConfoundTable s =
      neuro::select_confounds(all, {"rot_z", "trans_*", "a_comp_cor_0?", "trans_x"});
  const std::vector<std::string> expected = {"rot_z",   "trans_x",       "trans_x_derivative1",
                                             "trans_y", "a_comp_cor_00", "a_comp_cor_01"};
  EXPECT_EQ(s.names, expected);
  EXPECT_EQ(s.frames, 4);
  EXPECT_EQ(s.source, all.source);
  ASSERT_EQ(s.values.size(), 24u);
  EXPECT_DOUBLE_EQ(s.at(1, 0), 0.002);  // rot_z
  EXPECT_DOUBLE_EQ(s.at(2, 1), -0.01);  // trans_x
  EXPECT_DOUBLE_EQ(s.at(3, 5), 0.0);    // a_comp_cor_01
}

TEST_F(Confounds, MissingColumnErrorNamesFileAndColumn) {
  const fs::path path = fmriprep_table();
  const ConfoundTable all = neuro::read_confounds_tsv(path);
  const std::string exact = error_of([&] { neuro::select_confounds(all, {"white_matter"}); });
  EXPECT_EQ(exact.rfind(path.string() + ": ", 0), 0u) << exact;
  EXPECT_NE(exact.find("'white_matter'"), std::string::npos) << exact;
  const std::string glob = error_of([&] { neuro::select_confounds(all, {"t_comp_cor_*"}); });
  EXPECT_EQ(glob.rfind(path.string() + ": ", 0), 0u) << glob;
  EXPECT_NE(glob.find("'t_comp_cor_*'"), std::string::npos) << glob;
}

TEST(ConfoundPatterns, ShellStyleMatching) {
  using neuro::confound_name_matches;
  EXPECT_TRUE(confound_name_matches("trans_*", "trans_x"));
  EXPECT_TRUE(confound_name_matches("trans_*", "trans_"));
  EXPECT_FALSE(confound_name_matches("trans_*", "rot_x"));
  EXPECT_TRUE(confound_name_matches("*_derivative1", "rot_z_derivative1"));
  EXPECT_FALSE(confound_name_matches("*_derivative1", "rot_z_derivative1_power2"));
  EXPECT_TRUE(confound_name_matches("*_derivative1*", "rot_z_derivative1_power2"));
  EXPECT_TRUE(confound_name_matches("a_comp_cor_0?", "a_comp_cor_07"));
  EXPECT_FALSE(confound_name_matches("a_comp_cor_0?", "a_comp_cor_10"));
  EXPECT_FALSE(confound_name_matches("a_comp_cor_0?", "a_comp_cor_0"));
  EXPECT_TRUE(confound_name_matches("rot_[xyz]", "rot_y"));
  EXPECT_FALSE(confound_name_matches("rot_[xyz]", "rot_w"));
  EXPECT_TRUE(confound_name_matches("a_comp_cor_[0-1]?", "a_comp_cor_13"));
  EXPECT_FALSE(confound_name_matches("a_comp_cor_[0-1]?", "a_comp_cor_23"));
  EXPECT_TRUE(confound_name_matches("[!a]*", "csf"));
  EXPECT_FALSE(confound_name_matches("[!a]*", "a_comp_cor_00"));
  EXPECT_TRUE(confound_name_matches("*a*b*", "xxaxxbxx"));
  EXPECT_FALSE(confound_name_matches("*a*b", "xxaxxbxx"));
  EXPECT_TRUE(confound_name_matches("odd[", "odd["));
}

TEST_F(Confounds, FillsMissingCellsWithTheMeanOfTheOtherRows) {
  ConfoundTable t = neuro::read_confounds_tsv(fmriprep_table());
  neuro::fill_missing_confounds(t);
  EXPECT_DOUBLE_EQ(t.at(0, 1), (0.12 + 0.30 + 0.18) / 3.0);
  EXPECT_DOUBLE_EQ(t.at(0, 3), (0.01 - 0.03 + 0.011) / 3.0);
  EXPECT_DOUBLE_EQ(t.at(1, 1), 0.12);  // present cells untouched
}

TEST_F(Confounds, ColumnWithOnlyMissingCellsIsAnError) {
  const fs::path path = write("empty.tsv", "a\tb\n1\tn/a\n2\tn/a\n");
  ConfoundTable t = neuro::read_confounds_tsv(path);
  const std::string m = error_of([&] { neuro::fill_missing_confounds(t); });
  EXPECT_EQ(m.rfind(path.string() + ": ", 0), 0u) << m;
  EXPECT_NE(m.find("'b'"), std::string::npos) << m;
}

TEST_F(Confounds, MalformedTablesAreErrorsNamingTheFile) {
  const fs::path short_row = write("short.tsv", "a\tb\n1\t2\n3\n");
  std::string m = error_of([&] { neuro::read_confounds_tsv(short_row); });
  EXPECT_EQ(m.rfind(short_row.string() + ": row 2", 0), 0u) << m;

  const fs::path text = write("text.tsv", "a\tb\n1\tmotion\n");
  m = error_of([&] { neuro::read_confounds_tsv(text); });
  EXPECT_EQ(m.rfind(text.string() + ": ", 0), 0u) << m;
  EXPECT_NE(m.find("'b'"), std::string::npos) << m;
  EXPECT_NE(m.find("'motion'"), std::string::npos) << m;

  const fs::path twice = write("twice.tsv", "a\ta\n1\t2\n");
  m = error_of([&] { neuro::read_confounds_tsv(twice); });
  EXPECT_EQ(m.rfind(twice.string() + ": ", 0), 0u) << m;

  const fs::path missing = dir_ / "absent.tsv";
  m = error_of([&] { neuro::read_confounds_tsv(missing); });
  EXPECT_EQ(m.rfind(missing.string() + ": ", 0), 0u) << m;

  const fs::path empty = write("empty.tsv", "");
  m = error_of([&] { neuro::read_confounds_tsv(empty); });
  EXPECT_EQ(m.rfind(empty.string() + ": ", 0), 0u) << m;
}

TEST_F(Confounds, WriteThenReadRoundTripsBitExactly) {
  ConfoundTable t;
  t.names = {"framewise_displacement", "trans_x", "cosine00"};
  t.frames = 3;
  t.values = {std::nan(""), 0.1, 1.0 / 3.0, 0.123456789012345678, -2.5e-300, 0.0, 7.0, -0.0, 1e17};
  const fs::path path = dir_ / "deriv" / "sub-01_desc-confounds_timeseries.tsv";
  neuro::write_confounds_tsv(t, path);
  const ConfoundTable back = neuro::read_confounds_tsv(path);
  EXPECT_EQ(back.names, t.names);
  EXPECT_EQ(back.frames, t.frames);
  ASSERT_EQ(back.values.size(), t.values.size());
  EXPECT_TRUE(std::isnan(back.values[0]));
  for (size_t i = 1; i < t.values.size(); ++i) {
    EXPECT_EQ(std::memcmp(&back.values[i], &t.values[i], sizeof(double)), 0) << i;
  }
  // The first line is the header, missing cells are written as fMRIPrep does.
  std::ifstream in(path);
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  EXPECT_EQ(header, "framewise_displacement\ttrans_x\tcosine00");
  EXPECT_EQ(first.substr(0, 4), "n/a\t");
  // Nothing but the table is left beside it.
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(path.parent_path()))
    ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(Confounds, WriterRejectsInconsistentTablesAndLeavesNoFile) {
  ConfoundTable t;
  t.names = {"a", "b"};
  t.frames = 2;
  t.values = {1, 2, 3};
  const fs::path path = dir_ / "bad.tsv";
  EXPECT_THROW(neuro::write_confounds_tsv(t, path), std::invalid_argument);
  t.values = {1, 2, 3, 4};
  t.names = {"a", "b\tc"};
  EXPECT_THROW(neuro::write_confounds_tsv(t, path), std::invalid_argument);
  EXPECT_FALSE(fs::exists(path));
}

}  // namespace
