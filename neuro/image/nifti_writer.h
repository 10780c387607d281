#pragma once
// Writes NIfTI-1 through nifticlib, with exact control of the header: the same
// affine in sform and qform, the xform codes, intent, cal_min/cal_max,
// descrip, TR and units. Gzipped when the name ends in .nii.gz.

#include <filesystem>

#include "neuro/image/volume.h"

namespace neuro {

// Atomic: written to a temporary beside `path`, then renamed. Codes left at
// kUnknown in the volume's meta are written as aligned-anatomical (2) so that
// every reader uses the affine; MNI (4) and the others are kept.
void write_nifti(const Volume& volume, const std::filesystem::path& path);

}  // namespace neuro
