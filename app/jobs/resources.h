#pragma once
// Where the shipped resources (atlas names, presets, models) are found: the
// NEUROSEQ_RESOURCES environment variable, else the source tree the binary was
// built from, else share/neuroseq/resources beside an installed binary.

#include <filesystem>

namespace jobs {

std::filesystem::path resources_dir();

}  // namespace jobs
