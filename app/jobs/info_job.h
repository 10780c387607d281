#pragma once
// `neuroseq info`: what an image header says, as text for people and as JSON
// for scripts.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace jobs {

nlohmann::json image_info(const std::filesystem::path& path);
std::string format_image_info(const nlohmann::json& info);

}  // namespace jobs
