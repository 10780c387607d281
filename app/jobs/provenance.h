#pragma once
// What makes a result rerunnable: the software version, when and where it
// ran, and checksums of the inputs it read.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace jobs {

std::string neuroseq_version();

// CRC-32 (zlib) of a file's bytes, as 8 hex digits.
std::string file_crc32(const std::filesystem::path& path);

// {"software": {...}, "created": ISO time, "host": ..., "inputs": {path: crc32}}.
nlohmann::json provenance_record(const std::vector<std::filesystem::path>& inputs);

}  // namespace jobs
