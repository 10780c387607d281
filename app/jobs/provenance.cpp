#include "app/jobs/provenance.h"

#include <unistd.h>
#include <zlib.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <stdexcept>

#ifndef NEUROSEQ_VERSION
#define NEUROSEQ_VERSION "unknown"
#endif

namespace jobs {

std::string neuroseq_version() {
  return NEUROSEQ_VERSION;
}

std::string file_crc32(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open the file");
  uLong crc = crc32(0L, Z_NULL, 0);
  std::array<char, 1 << 16> buffer;
  while (in) {
    in.read(buffer.data(), buffer.size());
    const auto n = in.gcount();
    if (n > 0)
      crc = crc32(crc, reinterpret_cast<const Bytef*>(buffer.data()), static_cast<uInt>(n));
  }
  char hex[16];
  std::snprintf(hex, sizeof(hex), "%08lx", static_cast<unsigned long>(crc));
  return hex;
}

nlohmann::json provenance_record(const std::vector<std::filesystem::path>& inputs) {
  nlohmann::json j;
  j["software"] = {{"name", "NeuroSeq"}, {"version", neuroseq_version()}};
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &utc);
  j["created"] = stamp;
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) == 0) j["host"] = host;
  nlohmann::json checksums = nlohmann::json::object();
  for (const auto& p : inputs) {
    if (std::filesystem::is_regular_file(p)) checksums[p.string()] = "crc32:" + file_crc32(p);
  }
  j["inputs"] = checksums;
  return j;
}

}  // namespace jobs
