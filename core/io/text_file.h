#pragma once
// A whole text file read at once, for tables and side files that are small.

#include <filesystem>
#include <string>

namespace core {

// Throws std::runtime_error("<path>: cannot be read") when it cannot be opened
// or read.
std::string read_text_file(const std::filesystem::path& path);

}  // namespace core
