#pragma once
// Temporary BIDS trees for the BIDS tests: a unique folder under the system's
// temporary directory, removed when the test ends.

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "temp_dir.h"

namespace neuro::testing {

class TempTree {
 public:
  const std::filesystem::path& root() const { return dir_.path(); }

  // Writes `text` to root/relative, creating folders; returns the full path.
  std::filesystem::path write(const std::filesystem::path& relative, std::string_view text) const {
    const auto path = root() / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) throw std::runtime_error(path.string() + ": cannot write test file");
    return path;
  }

 private:
  neuroseq_test::TempDir dir_{"bids"};
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace neuro::testing
