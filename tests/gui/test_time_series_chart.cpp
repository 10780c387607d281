// The time-series chart: seconds and volumes, colours per state, a click on
// the plot naming the nearest volume, the bands and the marker where they
// belong in the drawn picture.

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QImage>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include "viewers/time_series_chart.h"
#include "viewers/time_series_model.h"

using viewers::StateInterval;

namespace {

constexpr double kTr = 2.0;
constexpr int kVolumes = 50;  // 0 .. 98 s

std::vector<float> wave() {
  std::vector<float> values(kVolumes);
  for (int v = 0; v < kVolumes; ++v)
    values[static_cast<size_t>(v)] = static_cast<float>(100 + 10 * std::sin(v * 0.4));
  return values;
}

const std::vector<StateInterval> kEvents{{10, 20, "motor"}, {50, 16, "rest"}, {80, 10, "motor"}};
const std::vector<StateInterval> kDecoded{{0, 40, "rest"}, {40, 40, "motor"}, {80, 18, "language"}};

// What a colour at `alpha` over a white background looks like.
QColor over_white(const viewers::Rgba& c, int alpha) {
  const auto blend = [&](int v) { return (v * alpha + 255 * (255 - alpha) + 127) / 255; };
  return QColor(blend(c.r), blend(c.g), blend(c.b));
}

bool close_to(QRgb got, const QColor& want, int tolerance) {
  return std::abs(qRed(got) - want.red()) <= tolerance &&
         std::abs(qGreen(got) - want.green()) <= tolerance &&
         std::abs(qBlue(got) - want.blue()) <= tolerance;
}

class Chart : public ::testing::Test {
 protected:
  void SetUp() override {
    chart_.resize(800, 300);
    chart_.set_series(wave(), kTr, "Precentral_L");
    chart_.set_events(kEvents);
    chart_.set_timeline(kDecoded);
    chart_.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&chart_));
  }
  QImage picture() {
    const QImage image = chart_.chart_view()->viewport()->grab().toImage();
    if (const char* dir = std::getenv("NEUROSEQ_KEEP_SCREENSHOTS")) {
      image.save(QString(dir) + "/time_series_chart.png");
    }
    return image;
  }
  viewers::TimeSeriesChart chart_;
};

}  // namespace

TEST(TimeSeriesModel, SecondsAndVolumes) {
  EXPECT_DOUBLE_EQ(viewers::seconds_of_volume(7, 2.5), 17.5);
  EXPECT_EQ(viewers::volume_at_seconds(17.4, 2.5, 100), 7);
  EXPECT_EQ(viewers::volume_at_seconds(18.9, 2.5, 100), 8);  // 7.56 rounds up
  EXPECT_EQ(viewers::volume_at_seconds(-3, 2.5, 100), 0);
  EXPECT_EQ(viewers::volume_at_seconds(1e6, 2.5, 100), 99);
  EXPECT_EQ(viewers::volume_at_seconds(5, 2.5, 0), -1);
  EXPECT_THROW(viewers::volume_at_seconds(5, 0, 10), std::invalid_argument);
}

TEST(TimeSeriesModel, OneColourPerStateInBandsAndTimeline) {
  const auto colours = viewers::state_colours(kEvents, kDecoded);
  // Sorted by name: language, motor, rest.
  ASSERT_EQ(colours.size(), 3u);
  EXPECT_EQ(colours.at("language"), viewers::state_palette_colour(0));
  EXPECT_EQ(colours.at("motor"), viewers::state_palette_colour(1));
  EXPECT_EQ(colours.at("rest"), viewers::state_palette_colour(2));
  EXPECT_NE(colours.at("motor"), colours.at("rest"));
  viewers::Rgba band = colours.at("motor");
  band.a = viewers::kBandAlpha;
  EXPECT_EQ(viewers::band_colour(colours, "motor"), band);

  EXPECT_EQ(viewers::interval_at(kEvents, 10), 0u);
  EXPECT_EQ(viewers::interval_at(kEvents, 29.9), 0u);
  EXPECT_FALSE(viewers::interval_at(kEvents, 30));  // the end is outside
  EXPECT_EQ(viewers::interval_at(kEvents, 60), 1u);
  EXPECT_FALSE(viewers::interval_at(kEvents, 45));
}

TEST_F(Chart, AClickEmitsTheNearestVolume) {
  QSignalSpy clicked(&chart_, &viewers::TimeSeriesChart::volume_clicked);
  const std::vector<std::pair<double, int>> cases{{36.0, 18}, {37.4, 19}, {0.3, 0}, {97.5, 49}};
  for (const auto& [seconds, volume] : cases) {
    const QPointF at = chart_.viewport_position_of(seconds, 100);
    QTest::mouseClick(chart_.chart_view()->viewport(), Qt::LeftButton, {}, at.toPoint());
    ASSERT_EQ(clicked.count(), 1) << seconds << " s";
    EXPECT_EQ(clicked.takeFirst().at(0).toInt(), volume) << seconds << " s";
  }
  // Outside the plot (the axis labels) nothing is emitted.
  QTest::mouseClick(chart_.chart_view()->viewport(), Qt::LeftButton, {}, QPoint(2, 2));
  EXPECT_EQ(clicked.count(), 0);
}

TEST_F(Chart, BandsAreShadedInTheirStatesColourBehindTheLine) {
  const auto colours = chart_.colours();
  int bands = 0;
  for (QAbstractSeries* series : chart_.chart()->series()) {
    auto* area = qobject_cast<QAreaSeries*>(series);
    if (!area) continue;
    const QColor fill = area->brush().color();
    const double x0 = area->upperSeries()->at(0).x();
    const auto event = viewers::interval_at(kEvents, x0 + 1e-9);
    const auto decoded = viewers::interval_at(kDecoded, x0 + 1e-9);
    if (fill.alpha() == viewers::kBandAlpha) {
      ASSERT_TRUE(event);
      const auto want = colours.at(kEvents[*event].state);
      EXPECT_EQ(fill, QColor(want.r, want.g, want.b, viewers::kBandAlpha));
      ++bands;
    } else {
      ASSERT_TRUE(decoded);
      const auto want = colours.at(kDecoded[*decoded].state);
      EXPECT_EQ(fill, QColor(want.r, want.g, want.b, 255));
    }
  }
  EXPECT_EQ(bands, 3);

  // In the picture: inside the motor band (10-30 s), away from the line, the
  // band's colour over the white plot; in the gap (35-45 s) plain white.
  const QImage image = picture();
  const double top = chart_.band_range()[1];
  const QPointF in_band = chart_.viewport_position_of(20, top - 0.5);
  const QPointF in_gap = chart_.viewport_position_of(43, top - 0.5);
  const QRgb band_pixel = image.pixel(in_band.toPoint());
  EXPECT_TRUE(close_to(band_pixel, over_white(colours.at("motor"), viewers::kBandAlpha), 12))
      << qRed(band_pixel) << " " << qGreen(band_pixel) << " " << qBlue(band_pixel);
  EXPECT_TRUE(close_to(image.pixel(in_gap.toPoint()), Qt::white, 3));
  // The decoded strip along the bottom: language (80-98 s) opaque.
  const double strip = (chart_.timeline_range()[0] + chart_.timeline_range()[1]) / 2;
  const QPointF in_strip = chart_.viewport_position_of(90, strip);
  const auto language = colours.at("language");
  EXPECT_TRUE(
      close_to(image.pixel(in_strip.toPoint()), QColor(language.r, language.g, language.b), 3));
}

TEST_F(Chart, TheMarkerStandsAtTheCurrentVolume) {
  EXPECT_TRUE(std::isnan(chart_.marker_seconds()));
  chart_.set_current_volume(21);
  EXPECT_DOUBLE_EQ(chart_.marker_seconds(), 42.0);
  chart_.set_current_volume(500);  // clamped to the last volume
  EXPECT_EQ(chart_.current_volume(), kVolumes - 1);
  chart_.set_current_volume(21);
  QTest::qWait(50);
  const QImage image = picture();
  // A green column at 42 s from the top of the bands to the bottom.
  const double mid = (chart_.band_range()[0] + chart_.band_range()[1]) / 2;
  const QPointF at = chart_.viewport_position_of(42, mid);
  int green = 0;
  for (int dx = -2; dx <= 2; ++dx) {
    const QRgb p = image.pixel(at.toPoint() + QPoint(dx, -30));
    if (qGreen(p) > 100 && qRed(p) < 80 && qBlue(p) < 80) ++green;
  }
  EXPECT_GE(green, 1);
  const QPointF elsewhere = chart_.viewport_position_of(46, mid);
  const QRgb p = image.pixel(elsewhere.toPoint() + QPoint(0, -30));
  EXPECT_FALSE(qGreen(p) > 100 && qRed(p) < 80 && qBlue(p) < 80);
}
