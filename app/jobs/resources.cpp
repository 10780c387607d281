#include "app/jobs/resources.h"

#include <cstdlib>
#include <system_error>

#ifndef NEUROSEQ_BUILD_RESOURCES_DIR
#define NEUROSEQ_BUILD_RESOURCES_DIR ""
#endif

namespace jobs {

std::filesystem::path resources_dir() {
  if (const char* env = std::getenv("NEUROSEQ_RESOURCES"); env && *env) return env;
  const std::filesystem::path built = NEUROSEQ_BUILD_RESOURCES_DIR;
  if (!built.empty() && std::filesystem::is_directory(built)) return built;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "neuroseq" / "resources";
    if (std::filesystem::is_directory(installed)) return installed;
  }
  return {};
}

}  // namespace jobs
