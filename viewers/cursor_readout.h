#pragma once
// What the status bar says about the cursor: the world point, the voxel of the
// underlay under it, the values of underlay and overlay, and the atlas region.
// Pure C++ (no VTK, no Qt).

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "neuro/atlas/label_atlas.h"
#include "neuro/image/volume.h"
#include "viewers/slice.h"

namespace viewers {

struct CursorReadout {
  WorldPoint world{0, 0, 0};
  std::optional<std::array<int64_t, 3>> voxel;  // of the underlay; nullopt outside it
  std::optional<float> value;                   // underlay, nearest voxel
  std::optional<float> overlay_value;           // nullopt without overlay or outside it
  int label = 0;                                // atlas region; 0 = background or no atlas
  std::string label_name;                       // "" when label is 0
};

// Any of the three sources may be null. Values come from time point `frame`
// (clamped to the frames each image has).
CursorReadout read_cursor(const WorldPoint& world, const neuro::Volume* underlay,
                          const neuro::Volume* overlay, const neuro::LabelAtlas* atlas,
                          int64_t frame = 0);

// One line for a status bar:
// "x -12.0  y 4.0  z 30.0 mm | voxel 39 65 51 | 812.4 | overlay 3.21 | Precentral_L"
std::string format_readout(const CursorReadout& readout);

}  // namespace viewers
