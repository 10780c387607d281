#include "app/gui/export_actions.h"

#include <QImage>

#include <stdexcept>
#include <string>

#include "neuro/image/nifti_writer.h"
#include "viewers/offscreen_renderer.h"
#include "viewers/ortho_view_widget.h"

namespace gui {

std::filesystem::path nifti_export_path(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  if (name.ends_with(".nii.gz") || name.ends_with(".nii")) return path;
  return std::filesystem::path(path.string() + ".nii.gz");
}

std::filesystem::path export_overlay_nifti(const neuro::Volume& overlay,
                                           const std::filesystem::path& path) {
  const std::filesystem::path target = nifti_export_path(path);
  if (overlay.voxels_per_frame() == 0 || overlay.frames() == 0) {
    throw std::runtime_error(target.string() + ": the overlay has no voxels to write");
  }
  try {
    neuro::write_nifti(overlay, target);
  } catch (const std::exception& e) {
    // The writer names the file already; other errors get it here.
    const std::string message = e.what();
    if (message.find(target.string()) != std::string::npos) throw;
    throw std::runtime_error(target.string() + ": " + message);
  }
  return target;
}

std::filesystem::path export_views_png(viewers::OrthoViewWidget& views,
                                       const std::filesystem::path& path) {
  std::filesystem::path target = path;
  if (target.extension() != ".png" && target.extension() != ".PNG") target += ".png";
  viewers::save_png(views.grabFramebuffer().convertToFormat(QImage::Format_RGB32), target);
  return target;
}

}  // namespace gui
