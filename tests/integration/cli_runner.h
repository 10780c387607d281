#pragma once
// Runs the neuroseq executable as a user would and captures what it says.

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace neuroseq_test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline CliResult run_neuroseq(const std::string& arguments, const std::filesystem::path& scratch) {
  const auto out_file = scratch / "stdout.txt";
  const auto err_file = scratch / "stderr.txt";
  const std::string command = std::string(NEUROSEQ_CLI) + " " + arguments + " >" +
                              out_file.string() + " 2>" + err_file.string() + " </dev/null";
  const int status = std::system(command.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::filesystem::path& p) {
    std::string text;
    if (FILE* f = std::fopen(p.c_str(), "rb")) {
      std::array<char, 4096> buf;
      size_t n;
      while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0)
        text.append(buf.data(), n);
      std::fclose(f);
    }
    return text;
  };
  r.out = slurp(out_file);
  r.err = slurp(err_file);
  std::filesystem::remove(out_file);
  std::filesystem::remove(err_file);
  return r;
}

// Exactly one error line on stderr (progress lines may come before it), the
// last one, naming `file` and the problem; and a non-zero exit.
inline void expect_one_line_error(const CliResult& r, const std::string& file,
                                  const std::string& problem) {
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, -1) << "the process crashed";
  ASSERT_FALSE(r.err.empty());
  ASSERT_EQ(r.err.back(), '\n') << r.err;
  const auto start = r.err.rfind('\n', r.err.size() - 2);
  const std::string last = r.err.substr(start == std::string::npos ? 0 : start + 1);
  size_t error_lines = 0;
  for (size_t at = 0; (at = r.err.find("error", at)) != std::string::npos; ++at)
    ++error_lines;
  EXPECT_EQ(error_lines, 1u) << r.err;
  EXPECT_EQ(last.rfind("neuroseq: error: ", 0), 0u) << r.err;
  EXPECT_NE(last.find(file), std::string::npos) << r.err;
  EXPECT_NE(last.find(problem), std::string::npos) << r.err;
}

}  // namespace neuroseq_test
