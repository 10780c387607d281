#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "core/io/atomic_file.h"
#include "core/io/text_file.h"

namespace fs = std::filesystem;

namespace {
fs::path fresh_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("neuroseq_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

TEST(AtomicFile, FailedWriteLeavesTheOldFileAndNoTemporary) {
  const auto dir = fresh_dir("atomic");
  const auto target = dir / "table.tsv";
  core::write_text_atomically(target, "old\n");
  EXPECT_THROW(core::write_atomically(target,
                                      [](const fs::path& tmp) {
                                        std::ofstream(tmp) << "half";
                                        throw std::runtime_error("disk full");
                                      }),
               std::runtime_error);
  EXPECT_EQ(slurp(target), "old\n");
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir))
    ++files;
  EXPECT_EQ(files, 1);
  core::write_text_atomically(dir / "sub" / "new.json", "{}");
  EXPECT_EQ(slurp(dir / "sub" / "new.json"), "{}");
  fs::remove_all(dir);
}

TEST(AtomicFile, TemporaryKeepsTheFormatExtension) {
  const auto dir = fresh_dir("atomic_ext");
  fs::path seen;
  core::write_atomically(dir / "map.nii.gz", [&](const fs::path& tmp) {
    seen = tmp;
    std::ofstream(tmp) << "x";
  });
  EXPECT_TRUE(seen.string().ends_with(".nii.gz"));
  EXPECT_EQ(seen.parent_path(), dir);
  fs::remove_all(dir);
}

TEST(TextFile, ReadsWhatWasWrittenAndNamesAFileThatIsMissing) {
  const auto dir = fresh_dir("text_file");
  const std::string text = "a\tb\n\xc3\xa9\r\nlast line without newline";
  core::write_text_atomically(dir / "t.tsv", text);
  EXPECT_EQ(core::read_text_file(dir / "t.tsv"), text);
  try {
    core::read_text_file(dir / "missing.tsv");
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "missing.tsv").string() + ": cannot be read");
  }
  fs::remove_all(dir);
}
