#include "core/io/atomic_file.h"

#include <unistd.h>
#include <atomic>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace core {

namespace {
std::filesystem::path temporary_beside(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  // Keep the extension last so that writers that look at it (.nii.gz) still
  // recognise the format.
  const std::string stem = "." + target.filename().string();
  auto name = stem + ".tmp" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const std::string file = target.filename().string();
  for (const char* ext : {".nii.gz", ".nii", ".tsv", ".json", ".png", ".html", ".safetensors"}) {
    const std::string e(ext);
    if (file.size() > e.size() && file.compare(file.size() - e.size(), e.size(), e) == 0) {
      name += e;
      break;
    }
  }
  return target.parent_path() / name;
}
}  // namespace

void write_atomically(const std::filesystem::path& target,
                      const std::function<void(const std::filesystem::path&)>& write) {
  if (target.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) {
      throw std::runtime_error(target.parent_path().string() +
                               ": cannot create the directory: " + ec.message());
    }
  }
  const auto tmp = temporary_beside(target);
  try {
    write(tmp);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw std::runtime_error(target.string() +
                             ": cannot move the finished file into place: " + ec.message());
  }
}

void write_text_atomically(const std::filesystem::path& target, std::string_view text) {
  write_atomically(target, [&](const std::filesystem::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) throw std::runtime_error(target.string() + ": write failed (disk full?)");
  });
}

}  // namespace core
