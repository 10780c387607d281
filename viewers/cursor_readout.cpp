#include "viewers/cursor_readout.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace viewers {
namespace {

int64_t clamp_frame(const neuro::Volume& volume, int64_t frame) {
  return std::clamp<int64_t>(frame, 0, std::max<int64_t>(volume.frames() - 1, 0));
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  char buffer[32];
  const double magnitude = std::abs(v);
  // Counts and labels read as integers; small statistics keep their digits.
  if (v == std::floor(v) && magnitude < 1e9) {
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
  } else if (magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6)) {
    std::snprintf(buffer, sizeof buffer, "%.3e", v);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.4g", v);
  }
  return buffer;
}

}  // namespace

CursorReadout read_cursor(const WorldPoint& world, const neuro::Volume* underlay,
                          const neuro::Volume* overlay, const neuro::LabelAtlas* atlas,
                          int64_t frame) {
  CursorReadout readout;
  readout.world = world;
  if (underlay && underlay->voxels_per_frame() > 0) {
    readout.voxel = nearest_voxel(underlay->grid(), world);
    readout.value = sample_at(*underlay, world, clamp_frame(*underlay, frame));
  }
  if (overlay && overlay->voxels_per_frame() > 0) {
    readout.overlay_value = sample_at(*overlay, world, clamp_frame(*overlay, frame));
  }
  if (atlas) {
    readout.label = atlas->label_at_world(world[0], world[1], world[2]);
    if (readout.label != 0) {
      const auto& labels = atlas->labels();
      const bool known = std::binary_search(labels.begin(), labels.end(), readout.label);
      readout.label_name =
          known ? atlas->name_of(readout.label) : "label_" + std::to_string(readout.label);
    }
  }
  return readout;
}

std::string format_readout(const CursorReadout& readout) {
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "x %.1f  y %.1f  z %.1f mm", readout.world[0],
                readout.world[1], readout.world[2]);
  std::string line = buffer;
  if (readout.voxel) {
    const auto& v = *readout.voxel;
    line += " | voxel " + std::to_string(v[0]) + " " + std::to_string(v[1]) + " " +
            std::to_string(v[2]);
  } else {
    line += " | outside the image";
  }
  if (readout.value) line += " | " + number(*readout.value);
  if (readout.overlay_value) line += " | overlay " + number(*readout.overlay_value);
  if (!readout.label_name.empty()) line += " | " + readout.label_name;
  return line;
}

}  // namespace viewers
