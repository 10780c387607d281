// A 4-D run in the main window: the volume slider and a click on the plot
// pick the volume every view shows; the plot is the voxel under the cursor
// with the run's events beside it and a decoding timeline along it; the
// lightbox and 3-D tabs show what the orthogonal views show.

#include <QChartView>
#include <QSlider>
#include <QTest>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/gui/cluster_panel.h"
#include "app/gui/main_window.h"
#include "app/gui/run_annotations.h"
#include "app/gui/time_series_panel.h"
#include "app/gui/view_tabs.h"
#include "error_of.h"
#include "neuro/image/nifti_writer.h"
#include "phantom.h"
#include "temp_dir.h"
#include "viewers/lightbox_widget.h"
#include "viewers/ortho_view_widget.h"
#include "viewers/time_series_chart.h"
#include "viewers/view3d_widget.h"

namespace fs = std::filesystem;
using viewers::StateInterval;

namespace {

constexpr int64_t kFrames = 12;
constexpr double kTr = 2.0;

// v(i, j, k, t) = i + 10 j + 100 k + 1000 t on a 2 mm grid round the origin.
neuro::Volume run_volume() {
  neuro::Volume v(neuro::Grid{{10, 12, 10}, neuro::Affine::diagonal(2, 2, 2, -9, -11, -9)}, kFrames,
                  kTr);
  for (int64_t t = 0; t < kFrames; ++t)
    for (int64_t k = 0; k < 10; ++k)
      for (int64_t j = 0; j < 12; ++j)
        for (int64_t i = 0; i < 10; ++i)
          v.at(i, j, k, t) = static_cast<float>(i + 10 * j + 100 * k + 1000 * t);
  return v;
}

class TimeSeriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    neuro::write_nifti(run_volume(), bold_);
    std::ofstream(dir_ / "sub-01_task-motor_run-1_events.tsv")
        << "onset\tduration\ttrial_type\n4\t6\tmotor\n14\t6\tvisual\n";
    std::ofstream timeline(timeline_);
    timeline << "subject\ttask\trun\tframe\tonset_s\ttrue_state\tdecoded_state\n";
    for (int t = 0; t < kFrames; ++t) {
      const char* decoded = t < 3 ? "n/a" : t < 7 ? "motor" : t < 9 ? "visual" : "motor";
      timeline << "01\tmotor\t1\t" << t << "\t" << t * kTr << ".000\tn/a\t" << decoded << "\n";
      timeline << "01\tmotor\t2\t" << t << "\t" << t * kTr << ".000\tn/a\tvisual\n";
    }
  }

  neuroseq_test::TempDir dir_{"time_series"};
  fs::path bold_ =
      dir_ / "sub-01_task-motor_run-1_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz";
  fs::path timeline_ = dir_ / "model-linear_timeline.tsv";
};

bool same(const std::vector<StateInterval>& a, const std::vector<StateInterval>& b) {
  if (a.size() != b.size()) return false;
  for (size_t n = 0; n < a.size(); ++n)
    if (std::abs(a[n].onset - b[n].onset) > 1e-9 ||
        std::abs(a[n].duration - b[n].duration) > 1e-9 || a[n].state != b[n].state)
      return false;
  return true;
}

}  // namespace

TEST_F(TimeSeriesTest, EventsAndDecodedStatesOfTheRunAreFound) {
  EXPECT_EQ(gui::events_file_for(bold_), dir_ / "sub-01_task-motor_run-1_events.tsv");
  EXPECT_FALSE(gui::events_file_for(dir_ / "head.nii.gz"));
  EXPECT_FALSE(gui::events_file_for(dir_ / "sub-01_task-motor_run-2_bold.nii.gz"));
  EXPECT_TRUE(same(gui::read_event_intervals(dir_ / "sub-01_task-motor_run-1_events.tsv"),
                   {{4, 6, "motor"}, {14, 6, "visual"}}));
  // Frames 3-6 motor, 7-8 visual, 9-11 motor; run 2 of the table is another run.
  EXPECT_TRUE(same(gui::read_decoded_intervals(timeline_, bold_, kTr),
                   {{6, 8, "motor"}, {14, 4, "visual"}, {18, 6, "motor"}}));
  EXPECT_TRUE(
      gui::read_decoded_intervals(timeline_, dir_ / "sub-02_task-motor_run-1_bold.nii.gz", kTr)
          .empty());
  std::ofstream(dir_ / "bad_timeline.tsv") << "subject\ttask\trun\tframe\tonset_s\tdecoded_state\n"
                                           << "01\tmotor\t1\t0\n";
  const std::string error = neuroseq_test::error_of(
      [&] { gui::read_decoded_intervals(dir_ / "bad_timeline.tsv", bold_, kTr); });
  EXPECT_NE(error.find("bad_timeline.tsv: line 2"), std::string::npos) << error;
}

TEST_F(TimeSeriesTest, SliderAndPlotPickTheVolumeEveryViewShows) {
  gui::MainWindow window;
  window.resize(1200, 700);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  window.load_underlay(bold_);
  gui::TimeSeriesPanel* panel = window.time_series();
  EXPECT_TRUE(panel->slider()->isEnabled());
  EXPECT_EQ(panel->slider()->maximum(), kFrames - 1);
  EXPECT_EQ(panel->events_file(), dir_ / "sub-01_task-motor_run-1_events.tsv");
  EXPECT_EQ(panel->chart()->events().size(), 2u);

  // The voxel (3, 4, 5) sits at world (-3, -3, 1).
  window.set_cursor({-3, -3, 1});
  const auto& values = panel->chart()->values();
  ASSERT_EQ(values.size(), static_cast<size_t>(kFrames));
  for (int64_t t = 0; t < kFrames; ++t)
    EXPECT_EQ(values[static_cast<size_t>(t)], 3 + 40 + 500 + 1000 * t);

  panel->slider()->setValue(7);
  EXPECT_EQ(window.views()->view().frame(), 7);
  EXPECT_EQ(*window.readout().value, 543 + 7000);

  // A click on the plot at 10 s: volume 5.
  QTest::qWait(50);
  const QPointF at = panel->chart()->viewport_position_of(10.0, 3000.0);
  QTest::mouseClick(panel->chart()->chart_view()->viewport(), Qt::LeftButton, {}, at.toPoint());
  EXPECT_EQ(panel->volume(), 5);
  EXPECT_EQ(window.views()->view().frame(), 5);
  EXPECT_EQ(*window.readout().value, 543 + 5000);
  EXPECT_EQ(panel->chart()->current_volume(), 5);

  // A 4-D overlay's cluster table follows the volume: one cluster (every
  // value is positive) peaking at v(9, 11, 9, t) = 1019 + 1000 t.
  window.load_overlay(bold_);
  window.set_volume(4);
  ASSERT_EQ(window.cluster_panel()->clusters().size(), 1u);
  EXPECT_EQ(window.cluster_panel()->clusters().front().peak_value, 1019 + 4000);
  window.set_volume(9);
  EXPECT_EQ(window.cluster_panel()->clusters().front().peak_value, 1019 + 9000);

  window.load_decoded_timeline(timeline_);
  EXPECT_EQ(panel->chart()->timeline().size(), 3u);
  // A timeline without this run leaves the plot as it was.
  std::ofstream(dir_ / "other_timeline.tsv")
      << "subject\ttask\trun\tframe\tonset_s\ttrue_state\tdecoded_state\n02\tmotor\t1\t0\t0\tn/"
         "a\tmotor\n";
  EXPECT_THROW(window.load_decoded_timeline(dir_ / "other_timeline.tsv"), std::runtime_error);
  EXPECT_EQ(panel->chart()->timeline().size(), 3u);
}

TEST_F(TimeSeriesTest, LightboxAndThreeDTabsShowTheSameImages) {
  gui::MainWindow window;
  window.resize(1200, 700);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  const fs::path head = dir_ / "head.nii.gz";
  const fs::path blob = dir_ / "blob.nii.gz";
  neuro::write_nifti(neuroseq_test::head_volume(), head);
  neuro::write_nifti(neuroseq_test::blob_volume({24, -16, 18}, 9, 5), blob);
  window.load_underlay(head);
  window.load_overlay(blob);
  gui::ViewTabs* tabs = window.view_tabs();
  // Hidden tabs are brought up to date when they are shown.
  EXPECT_EQ(tabs->lightbox()->view().underlay(), nullptr);
  tabs->setCurrentIndex(gui::ViewTabs::kLightbox);
  EXPECT_EQ(tabs->lightbox()->view().underlay(), window.views()->view().underlay());
  EXPECT_EQ(tabs->lightbox()->view().overlay(), window.views()->view().overlay());
  tabs->setCurrentIndex(gui::ViewTabs::k3D);
  EXPECT_EQ(tabs->view3d()->view().underlay(), window.views()->view().underlay());
  EXPECT_EQ(tabs->view3d()->view().overlay(), window.views()->view().overlay());
  window.clear_overlay();
  EXPECT_EQ(tabs->view3d()->view().overlay(), nullptr);
  // A click in the lightbox moves the cursor of the whole window.
  tabs->setCurrentIndex(gui::ViewTabs::kLightbox);
  emit tabs->lightbox()->cursor_moved(10, -20, 4);
  EXPECT_NEAR(window.readout().world[0], 10, 1.01);
  EXPECT_NEAR(window.readout().world[1], -20, 1.01);
  EXPECT_NEAR(window.readout().world[2], 4, 1.01);
}
