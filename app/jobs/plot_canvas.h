#pragma once
// A small RGB raster canvas for plots written without Qt: clipped pixels,
// rectangles, lines, text in a built-in 5x7 bitmap font, and encoding as PNG
// (8-bit RGB, filter 0 on every scanline, one zlib-compressed IDAT chunk,
// CRC-32 from zlib).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace jobs {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

inline constexpr Rgb kWhite{255, 255, 255};
inline constexpr Rgb kBlack{0, 0, 0};
inline constexpr Rgb kGrey{160, 160, 160};

// The i-th of 10 distinct series colours (matplotlib's tab10), cycling.
Rgb series_colour(size_t i);

class Canvas {
 public:
  // Throws std::invalid_argument for a side outside [1, 16384].
  Canvas(int width, int height, Rgb background = kWhite);

  int width() const { return width_; }
  int height() const { return height_; }
  Rgb pixel(int x, int y) const;  // throws std::out_of_range off the canvas
  const std::vector<uint8_t>& rgb() const { return rgb_; }  // row-major R, G, B

  // Drawing clips silently at the canvas's edges.
  void set(int x, int y, Rgb colour);
  void fill_rect(int x0, int y0, int x1, int y1, Rgb colour);  // [x0, x1) x [y0, y1)
  void rect_outline(int x0, int y0, int x1, int y1, Rgb colour);
  // A straight line between two points (rounded), `thickness` pixels wide;
  // dashed: `dash` pixels on, `dash` off (0: solid).
  void line(double x0, double y0, double x1, double y1, Rgb colour, int thickness = 1,
            int dash = 0);
  // Text from its top-left corner; each glyph 5x7 cells of scale x scale
  // pixels, 1 cell apart. Letters, digits and . , - + % ( ) [ ] : / _ = ' |
  // and space; any other character is drawn as '?'.
  void text(int x, int y, std::string_view s, Rgb colour, int scale = 1);
  // Text turned 90 degrees anticlockwise, read bottom to top from its
  // bottom-left corner (x, y).
  void text_up(int x, int y, std::string_view s, Rgb colour, int scale = 1);

  static int text_width(std::string_view s, int scale = 1);
  static int text_height(int scale = 1) { return 7 * scale; }

 private:
  int width_;
  int height_;
  std::vector<uint8_t> rgb_;
};

// The bytes of a PNG file holding the canvas.
std::string encode_png(const Canvas& canvas);
// Writes encode_png(canvas) atomically (core::write_atomically); throws
// std::runtime_error when it cannot.
void write_png(const std::filesystem::path& path, const Canvas& canvas);

}  // namespace jobs
