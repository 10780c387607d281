#pragma once
// Reading rendered pictures back: which pixels carry the overlay's colour,
// and where they sit.

#include <QImage>
#include <QRect>

#include <array>
#include <optional>

namespace neuroseq_test {

// Red-yellow and hot overlays: strong red, little blue, clearly not grey.
inline bool is_overlay_colour(QRgb p) {
  return qRed(p) > 180 && qBlue(p) < 90 && qRed(p) - qGreen(p) > 40;
}

// Underlay greys: equal channels, not black.
inline bool is_grey(QRgb p) {
  return qRed(p) == qGreen(p) && qGreen(p) == qBlue(p) && qRed(p) > 30;
}

struct Blob {
  int count = 0;
  double x = 0, y = 0;  // centroid, image coordinates (top-left origin)
};

template <typename Predicate>
Blob find_pixels(const QImage& image, const QRect& area, Predicate predicate) {
  Blob blob;
  double sx = 0, sy = 0;
  const QRect clipped = area.intersected(image.rect());
  for (int y = clipped.top(); y <= clipped.bottom(); ++y) {
    for (int x = clipped.left(); x <= clipped.right(); ++x) {
      if (!predicate(image.pixel(x, y))) continue;
      ++blob.count;
      sx += x + 0.5;
      sy += y + 0.5;
    }
  }
  if (blob.count > 0) {
    blob.x = sx / blob.count;
    blob.y = sy / blob.count;
  }
  return blob;
}

// The image-coordinate rectangle of a viewport given in VTK's bottom-left
// display coordinates.
inline QRect image_rect(int x, int y, int width, int height, int image_height) {
  return QRect(x, image_height - (y + height), width, height);
}

}  // namespace neuroseq_test
