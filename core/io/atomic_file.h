#pragma once
// Outputs are never left half-written: everything is written to a temporary
// file beside the target and renamed into place only when complete.

#include <filesystem>
#include <functional>
#include <string_view>

namespace core {

// Calls `write(temporary_path)`, then renames the temporary over `target`. If
// `write` throws, the temporary is removed and `target` is left untouched.
// Creates the parent directory of `target` when missing.
void write_atomically(const std::filesystem::path& target,
                      const std::function<void(const std::filesystem::path&)>& write);

void write_text_atomically(const std::filesystem::path& target, std::string_view text);

}  // namespace core
