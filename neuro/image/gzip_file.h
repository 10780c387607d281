#pragma once
// Whole-file and prefix reads of plain or gzip-compressed files. Compression
// is recognised by its magic bytes, not by the file name.

#include <cstdint>
#include <filesystem>
#include <vector>

namespace neuro {

// The first `max_bytes` bytes of the (decompressed) content, fewer if the
// content is shorter. Throws "<path>: ..." when the file cannot be read.
std::vector<uint8_t> read_file_prefix(const std::filesystem::path& path, size_t max_bytes);

// The whole decompressed content. Gzip streams with several members are read
// to the end; a truncated or corrupt stream throws "<path>: ...".
std::vector<uint8_t> read_whole_file(const std::filesystem::path& path);

// True when the file starts with the gzip magic bytes.
bool is_gzip_file(const std::filesystem::path& path);

}  // namespace neuro
