// PNG plots decoded independently: the signature, every chunk's CRC-32
// (zlib), IHDR, the inflated IDAT's scanlines, and the series colours among
// the pixels. Also the canvas's glyphs, tick placement and refusals.

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/jobs/plot_png.h"
#include "temp_dir.h"

namespace {

struct Decoded {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgb;  // filter bytes removed
  std::vector<std::string> chunks;
};

uint32_t be32(const std::string& s, size_t at) {
  return (uint32_t{static_cast<uint8_t>(s[at])} << 24) |
         (uint32_t{static_cast<uint8_t>(s[at + 1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[at + 2])} << 8) |
         uint32_t{static_cast<uint8_t>(s[at + 3])};
}

// A strict reader for what encode_png writes: 8-bit RGB, filter 0 rows.
Decoded decode(const std::string& png) {
  Decoded d;
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  std::string idat;
  for (size_t at = 8; at < png.size();) {
    const uint32_t length = be32(png, at);
    const std::string body = png.substr(at + 4, 4 + length);
    const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(body.data()),
                            static_cast<uInt>(body.size()));
    EXPECT_EQ(be32(png, at + 8 + length), crc) << body.substr(0, 4);
    const std::string type = body.substr(0, 4), data = body.substr(4);
    d.chunks.push_back(type);
    if (type == "IHDR") {
      EXPECT_EQ(length, 13u);
      d.width = be32(data, 0);
      d.height = be32(data, 4);
      EXPECT_EQ(data.substr(8), std::string({8, 2, 0, 0, 0}));
    } else if (type == "IDAT") {
      idat += data;
    }
    at += 12 + length;
  }
  const size_t stride = 1 + 3 * size_t{d.width};
  std::vector<uint8_t> raw(stride * d.height + 1);  // one spare byte: must stay unused
  uLongf size = static_cast<uLongf>(raw.size());
  EXPECT_EQ(uncompress(raw.data(), &size, reinterpret_cast<const Bytef*>(idat.data()),
                       static_cast<uLong>(idat.size())),
            Z_OK);
  EXPECT_EQ(size, stride * d.height);
  for (uint32_t y = 0; y < d.height; ++y) {
    EXPECT_EQ(raw[y * stride], 0) << "row " << y;
    d.rgb.insert(d.rgb.end(), raw.begin() + y * stride + 1, raw.begin() + (y + 1) * stride);
  }
  return d;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

size_t count_colour(const Decoded& d, jobs::Rgb c) {
  size_t n = 0;
  for (size_t i = 0; i + 2 < d.rgb.size(); i += 3)
    n += d.rgb[i] == c.r && d.rgb[i + 1] == c.g && d.rgb[i + 2] == c.b;
  return n;
}

TEST(PlotPng, EncodesTheCanvasPixelForPixel) {
  jobs::Canvas canvas(7, 3);
  canvas.set(0, 0, {1, 2, 3});
  canvas.set(6, 2, {250, 0, 9});
  canvas.set(7, 0, {9, 9, 9});  // off the canvas: clipped
  const Decoded d = decode(jobs::encode_png(canvas));
  EXPECT_EQ(d.chunks, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  EXPECT_EQ(d.width, 7u);
  EXPECT_EQ(d.height, 3u);
  EXPECT_EQ(d.rgb, canvas.rgb());
  EXPECT_EQ(canvas.pixel(6, 2), (jobs::Rgb{250, 0, 9}));
  EXPECT_EQ(canvas.pixel(3, 1), jobs::kWhite);
  EXPECT_THROW(canvas.pixel(7, 0), std::out_of_range);
  EXPECT_THROW(jobs::Canvas(0, 5), std::invalid_argument);
}

TEST(PlotPng, GlyphsAreDrawnUprightAndTurned) {
  jobs::Canvas c(20, 20);
  c.text(2, 2, "-", jobs::kBlack);  // row 3 of the glyph, all 5 cells
  for (int x = 2; x < 7; ++x)
    EXPECT_EQ(c.pixel(x, 5), jobs::kBlack);
  EXPECT_EQ(c.pixel(2, 4), jobs::kWhite);
  jobs::Canvas up(20, 20);
  up.text_up(2, 17, "-", jobs::kBlack);  // a vertical bar at x = 2 + 3
  for (int y = 12; y <= 16; ++y)
    EXPECT_EQ(up.pixel(5, y), jobs::kBlack) << y;
  EXPECT_EQ(up.pixel(4, 15), jobs::kWhite);
  EXPECT_EQ(jobs::Canvas::text_width("0.5%", 2), 4 * 12 - 2);
  jobs::Canvas big(40, 20);
  big.text(0, 0, "1", jobs::kBlack, 2);  // '1' row 0 = 0x04: cell 2 only
  EXPECT_EQ(big.pixel(4, 0), jobs::kBlack);
  EXPECT_EQ(big.pixel(5, 1), jobs::kBlack);
  EXPECT_EQ(big.pixel(3, 0), jobs::kWhite);
}

TEST(PlotPng, TicksFallOnOneTwoFiveSteps) {
  const std::vector<double> unit = jobs::nice_ticks(0, 1);
  ASSERT_EQ(unit.size(), 6u);
  for (size_t i = 0; i < unit.size(); ++i)
    EXPECT_NEAR(unit[i], 0.2 * static_cast<double>(i), 1e-12);
  const std::vector<double> t = jobs::nice_ticks(-3.7, 12.2);
  EXPECT_EQ(t.front(), -2);
  EXPECT_EQ(t.back(), 12);
  EXPECT_EQ(t.size(), 8u);
  EXPECT_TRUE(jobs::nice_ticks(1, 1).empty());
  EXPECT_EQ(jobs::tick_label(0.6000000000000001, 0.2), "0.6");
  EXPECT_EQ(jobs::tick_label(-0.0, 0.05), "0.00");
  EXPECT_EQ(jobs::tick_label(-2, 2), "-2");
  EXPECT_EQ(jobs::tick_label(1500, 500), "1500");
}

TEST(PlotPng, LinePlotHasItsSeriesColoursAndSize) {
  neuroseq_test::TempDir dir("plot_png_line");
  jobs::LinePlot plot;
  plot.title = "Occlusion accuracy";
  plot.x_label = "fraction occluded";
  plot.y_label = "accuracy (%)";
  plot.series.push_back({"relevance", {0, 0.1, 0.2, 0.3}, {0.9, 0.6, 0.4, 0.3}, {}});
  plot.series.push_back({"random", {0, 0.1, 0.2, 0.3}, {0.9, 0.85, 0.8, 0.7}, {}});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  plot.series.push_back({"gap", {0, 0.1, 0.2, 0.3}, {0.5, nan, 0.5, 0.5}, jobs::Rgb{1, 2, 3}});
  plot.y_range = {{0.0, 1.0}};
  plot.guides = {1.0 / 3.0};
  const auto path = dir / "curves" / "accuracy.png";
  jobs::write_line_plot(path, plot);
  const Decoded d = decode(read_file(path));
  EXPECT_EQ(d.width, 640u);
  EXPECT_EQ(d.height, 400u);
  EXPECT_EQ(d.rgb.size(), 640u * 400u * 3u);
  EXPECT_GT(count_colour(d, jobs::series_colour(0)), 200u);
  EXPECT_GT(count_colour(d, jobs::series_colour(1)), 200u);
  EXPECT_GT(count_colour(d, {1, 2, 3}), 50u);
  EXPECT_GT(count_colour(d, jobs::kBlack), 500u);          // frame, ticks, text
  EXPECT_EQ(count_colour(d, jobs::series_colour(2)), 0u);  // overridden
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "curves"))
    ++files;
  EXPECT_EQ(files, 1u);  // no temporary left behind
  EXPECT_EQ(read_file(path), jobs::encode_png(jobs::render_line_plot(plot)));
}

TEST(PlotPng, BarPlotGroupsSeriesWithErrorBars) {
  neuroseq_test::TempDir dir("plot_png_bar");
  jobs::BarPlot plot;
  plot.title = "Faithfulness by method";
  plot.y_label = "deletion AUC";
  plot.groups = {"gradient", "IG", "LRP", "occlusion"};
  plot.series.push_back({"relevance", {0.3, 0.25, 0.2, 0.22}, {0.02, 0.03, 0.01, 0.02}, {}});
  plot.series.push_back({"random", {0.5, 0.52, 0.49, -0.1}, {}, {}});
  plot.width = 480;
  plot.height = 300;
  jobs::write_bar_plot(dir / "bars.png", plot);
  const Decoded d = decode(read_file(dir / "bars.png"));
  EXPECT_EQ(d.width, 480u);
  EXPECT_EQ(d.height, 300u);
  const size_t blue = count_colour(d, jobs::series_colour(0)),
               orange = count_colour(d, jobs::series_colour(1));
  EXPECT_GT(blue, 1000u);
  EXPECT_GT(orange, blue);  // taller bars
}

TEST(PlotPng, RefusesMalformedPlots) {
  jobs::LinePlot line;
  line.series.push_back({"a", {0, 1}, {0}, {}});
  EXPECT_THROW(jobs::render_line_plot(line), std::invalid_argument);
  line.series[0].y = {0, 1};
  EXPECT_NO_THROW(jobs::render_line_plot(line));
  line.y_range = {{1.0, 1.0}};
  EXPECT_THROW(jobs::render_line_plot(line), std::invalid_argument);
  line.y_range.reset();
  line.width = 100;
  EXPECT_THROW(jobs::render_line_plot(line), std::invalid_argument);
  EXPECT_NO_THROW(jobs::render_line_plot(jobs::LinePlot{}));  // empty axes
  jobs::BarPlot bars;
  EXPECT_THROW(jobs::render_bar_plot(bars), std::invalid_argument);
  bars.groups = {"a", "b"};
  bars.series.push_back({"s", {1}, {}, {}});
  EXPECT_THROW(jobs::render_bar_plot(bars), std::invalid_argument);
  bars.series[0].values = {1, 2};
  bars.series[0].errors = {0.1};
  EXPECT_THROW(jobs::render_bar_plot(bars), std::invalid_argument);
}

}  // namespace
