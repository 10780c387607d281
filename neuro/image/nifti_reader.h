#pragma once
// Reads NIfTI-1, NIfTI-2 (.nii, .nii.gz, .hdr/.img) and Analyze 7.5 images of
// any real datatype into a float32 Volume, with scaling applied and the affine
// chosen as nibabel chooses it.

#include <filesystem>

#include "neuro/image/nifti_header.h"
#include "neuro/image/volume.h"

namespace neuro {

// Throws std::runtime_error("<path>: <problem>") for a missing, truncated or
// malformed file, or for datatypes that have no real value (complex, RGB).
Volume read_volume(const std::filesystem::path& path);

// The same, and also hands back the header it read.
Volume read_volume(const std::filesystem::path& path, ImageHeader& header);

}  // namespace neuro
