#include "viewers/view_layout.h"

#include <algorithm>

namespace viewers {

std::array<double, 2> ViewFrame::display_of(const WorldPoint& world) const {
  const auto [c, r] = slice.pixel_of(world);
  const double u = c * slice.pixel_width();
  const double v = r * slice.pixel_height();
  return {rect.x + rect.width / 2.0 + (u - center_u) / mm_per_pixel,
          rect.y + rect.height / 2.0 + (v - center_v) / mm_per_pixel};
}

WorldPoint ViewFrame::world_of_display(double x, double y) const {
  const double u = center_u + (x - rect.x - rect.width / 2.0) * mm_per_pixel;
  const double v = center_v + (y - rect.y - rect.height / 2.0) * mm_per_pixel;
  return slice.world_of(u / slice.pixel_width(), v / slice.pixel_height());
}

std::array<ViewFrame, 3> ortho_frames(int width, int height,
                                      const std::array<SliceLayout, 3>& slices, double margin,
                                      int reserved_right) {
  std::array<ViewFrame, 3> frames;
  const int w = std::max(width - std::max(reserved_right, 0), 3);
  const int h = std::max(height, 1);
  const int third = w / 3;
  double mm_per_pixel = 0;
  for (size_t i = 0; i < 3; ++i) {
    ViewFrame& f = frames[i];
    f.slice = slices[i];
    // The last view takes the pixels left over by the division.
    f.rect = {static_cast<int>(i) * third, 0, i == 2 ? w - 2 * third : third, h};
    const double extent_u = f.slice.width * f.slice.pixel_width();
    const double extent_v = f.slice.height * f.slice.pixel_height();
    f.center_u = (f.slice.width - 1) * f.slice.pixel_width() / 2.0;
    f.center_v = (f.slice.height - 1) * f.slice.pixel_height() / 2.0;
    mm_per_pixel = std::max({mm_per_pixel, extent_u / f.rect.width, extent_v / f.rect.height});
  }
  if (!(mm_per_pixel > 0)) mm_per_pixel = 1;
  for (ViewFrame& f : frames)
    f.mm_per_pixel = mm_per_pixel * (1 + 2 * margin);
  return frames;
}

int frame_at(const std::array<ViewFrame, 3>& frames, double x, double y) {
  for (size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].rect.contains(x, y)) return static_cast<int>(i);
  }
  return -1;
}

EdgeLabels edge_labels(Plane plane, Convention convention) {
  const bool neuro = convention == Convention::kNeurological;
  switch (plane) {
    case Plane::kAxial:
      return {neuro ? "L" : "R", neuro ? "R" : "L", "P", "A"};
    case Plane::kCoronal:
      return {neuro ? "L" : "R", neuro ? "R" : "L", "I", "S"};
    case Plane::kSagittal:
      return {"P", "A", "I", "S"};
  }
  return {};
}

}  // namespace viewers
