#pragma once
// What File > Export writes: the overlay as NIfTI, as it was read (grid,
// affine, xform codes, intent, every time point), and the views as a PNG.

#include <filesystem>

#include "neuro/image/volume.h"

namespace viewers {
class OrthoViewWidget;
}

namespace gui {

// `path` with .nii.gz appended unless it already ends in .nii or .nii.gz.
std::filesystem::path nifti_export_path(const std::filesystem::path& path);

// Writes `overlay` through neuro's NIfTI writer (atomically: a temporary
// beside the target, then renamed) at nifti_export_path(path); returns the
// path written. Throws std::runtime_error("<path>: ...") for an empty volume
// or a write that fails.
std::filesystem::path export_overlay_nifti(const neuro::Volume& overlay,
                                           const std::filesystem::path& path);

// The views as shown, at their device-pixel size, as PNG at `path` (.png
// appended when missing; written atomically); returns the path written.
std::filesystem::path export_views_png(viewers::OrthoViewWidget& views,
                                       const std::filesystem::path& path);

}  // namespace gui
