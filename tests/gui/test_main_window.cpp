// The main window as a user drives it: open an image, put the cursor on a
// known point, read the value and the region; click a view; the on-screen
// widget draws the overlay where it belongs and the panel's threshold hides it.

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QImage>
#include <QLabel>
#include <QTest>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/gui/main_window.h"
#include "app/gui/overlay_panel.h"
#include "app/gui/recent_files.h"
#include "neuro/image/nifti_writer.h"
#include "phantom.h"
#include "screen_pixels.h"
#include "temp_dir.h"
#include "viewers/colorbar.h"
#include "viewers/offscreen_renderer.h"
#include "viewers/ortho_view_widget.h"

namespace fs = std::filesystem;
using neuroseq_test::find_pixels;
using viewers::Plane;

namespace {

const neuroseq_test::Point kBlobCentre{24, -16, 18};

class MainWindowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    neuro::write_nifti(head_, head_path_);
    neuro::write_nifti(neuroseq_test::blob_volume(kBlobCentre, 9, 5), blob_path_);
    neuro::write_nifti(neuroseq_test::hemisphere_labels(), atlas_path_);
    std::ofstream(dir_ / "atlas.tsv") << "index\tname\n1\tRight_Hemisphere\n2\tLeft_Hemisphere\n";
  }

  // Shows the window and waits until it is on the (virtual) screen.
  void show(gui::MainWindow& window) {
    window.resize(1200, 500);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  }

  // Picks the overlay style through the panel's controls, as a user would.
  void choose_orange(gui::MainWindow& window) {
    auto* colormap = window.overlay_panel()->findChild<QComboBox*>("colormap");
    ASSERT_NE(colormap, nullptr);
    colormap->setCurrentIndex(colormap->findText("red-yellow"));
    window.overlay_panel()->findChild<QDoubleSpinBox*>("range_min")->setValue(0);
    window.overlay_panel()->findChild<QDoubleSpinBox*>("range_max")->setValue(10);
  }

  neuroseq_test::TempDir dir_{"main_window"};
  neuro::Volume head_ = neuroseq_test::head_volume();
  fs::path head_path_ = dir_ / "head.nii.gz";
  fs::path blob_path_ = dir_ / "blob.nii.gz";
  fs::path atlas_path_ = dir_ / "atlas.nii.gz";
};

}  // namespace

TEST_F(MainWindowTest, CursorAtAKnownPointReadsTheVoxelValue) {
  gui::MainWindow window;
  window.load_underlay(head_path_);
  // Voxel (15, 40, 35) of the 2 mm grid whose voxel 0 sits at (-59, -71, -59).
  window.set_cursor({-29, 9, 11});
  const auto readout = window.readout();
  ASSERT_TRUE(readout.voxel);
  EXPECT_EQ(*readout.voxel, (std::array<int64_t, 3>{15, 40, 35}));
  ASSERT_TRUE(readout.value);
  EXPECT_FLOAT_EQ(*readout.value, head_.at(15, 40, 35));
  EXPECT_EQ(window.views()->view().cursor(), (viewers::WorldPoint{-29, 9, 11}));
  const QString status = window.status_text();
  EXPECT_TRUE(status.contains("x -29.0  y 9.0  z 11.0 mm")) << status.toStdString();
  EXPECT_TRUE(status.contains("voxel 15 40 35")) << status.toStdString();
  EXPECT_TRUE(status.contains(QString::fromStdString(viewers::format_readout(readout))));
}

TEST_F(MainWindowTest, CursorCanBePutOnAVoxel) {
  gui::MainWindow window;
  window.load_underlay(head_path_);
  window.set_cursor_to_voxel({15, 40, 35});
  EXPECT_EQ(window.views()->view().cursor(), (viewers::WorldPoint{-29, 9, 11}));
  EXPECT_FLOAT_EQ(*window.readout().value, head_.at(15, 40, 35));
  EXPECT_TRUE(window.status_text().contains("voxel 15 40 35"));
  EXPECT_THROW(window.set_cursor_to_voxel({60, 0, 0}), std::out_of_range);
  EXPECT_THROW(window.set_cursor_to_voxel({0, -1, 0}), std::out_of_range);
}

TEST_F(MainWindowTest, AtlasNamesTheRegionUnderTheCursor) {
  gui::MainWindow window;
  window.load_underlay(head_path_);
  window.load_atlas(atlas_path_);
  window.set_cursor({-29, 9, 11});
  EXPECT_EQ(window.readout().label_name, "Left_Hemisphere");
  EXPECT_TRUE(window.status_text().endsWith("| Left_Hemisphere"))
      << window.status_text().toStdString();
  window.set_cursor({31, 9, 11});
  EXPECT_EQ(window.readout().label_name, "Right_Hemisphere");
}

TEST_F(MainWindowTest, OverlayValueIsReadAtTheCursor) {
  gui::MainWindow window;
  window.load_underlay(head_path_);
  window.load_overlay(blob_path_);
  window.set_cursor(kBlobCentre);
  ASSERT_TRUE(window.readout().overlay_value);
  EXPECT_FLOAT_EQ(*window.readout().overlay_value, 5.0f);
  EXPECT_TRUE(window.status_text().contains("overlay 5"));
  EXPECT_TRUE(window.windowTitle().contains("blob.nii.gz"));
}

TEST_F(MainWindowTest, ClickingAViewPutsTheCursorThere) {
  gui::MainWindow window;
  show(window);
  window.load_underlay(head_path_);
  QApplication::processEvents();
  const viewers::WorldPoint before = window.views()->view().cursor();
  const viewers::WorldPoint target{20, -30, before[2]};
  const QPointF at = window.views()->widget_position_of(Plane::kAxial, target);
  QTest::mouseClick(window.views(), Qt::LeftButton, Qt::NoModifier, at.toPoint());
  const viewers::WorldPoint after = window.views()->view().cursor();
  // One screen pixel is about half a millimetre at this size.
  const double pixel_mm = window.views()->view().frames()[0].mm_per_pixel;
  EXPECT_NEAR(after[0], target[0], pixel_mm);
  EXPECT_NEAR(after[1], target[1], pixel_mm);
  EXPECT_DOUBLE_EQ(after[2], before[2]);  // the axial slice stays where it was
  EXPECT_TRUE(window.status_text().contains("voxel")) << window.status_text().toStdString();
}

TEST_F(MainWindowTest, TheWidgetDrawsTheOverlayWhereItBelongs) {
  gui::MainWindow window;
  show(window);
  window.load_underlay(head_path_);
  window.load_overlay(blob_path_);
  choose_orange(window);
  window.set_cursor(kBlobCentre);
  QImage image = window.views()->grabFramebuffer();
  if (const char* dir = std::getenv("NEUROSEQ_KEEP_SCREENSHOTS")) {
    viewers::save_png(image, fs::path(dir) / "main_window_views.png");
    viewers::save_png(window.grab().toImage(), fs::path(dir) / "main_window.png");
  }
  ASSERT_FALSE(image.isNull());
  const auto frames = window.views()->view().frames();
  // The views, then the overlay's colour bar in a panel of its own.
  ASSERT_TRUE(window.views()->view().colorbar_shown());
  ASSERT_EQ(image.width(), frames[2].rect.x + frames[2].rect.width + viewers::kColorbarPanelWidth);
  const auto lit = find_pixels(image, image.rect(), [](QRgb p) { return qGray(p) > 20; });
  EXPECT_GT(lit.count, image.width() * image.height() / 6) << "the widget shows (nearly) black";
  for (Plane plane : {Plane::kAxial, Plane::kCoronal, Plane::kSagittal}) {
    SCOPED_TRACE(viewers::plane_name(plane));
    const auto& frame = frames[static_cast<size_t>(plane)];
    const QRect area = neuroseq_test::image_rect(frame.rect.x, frame.rect.y, frame.rect.width,
                                                 frame.rect.height, image.height());
    const auto blob = find_pixels(image, area, neuroseq_test::is_overlay_colour);
    const auto expected = window.views()->view().display_of(plane, kBlobCentre);
    ASSERT_GT(blob.count, 20);
    EXPECT_NEAR(blob.x, expected[0], 2.5);
    EXPECT_NEAR(blob.y, image.height() - expected[1], 2.5);
  }

  // A positive threshold above the blob's value hides it from the views (the
  // colour bar keeps its colours); the value is still read.
  const QRect views_area(0, 0, frames[2].rect.x + frames[2].rect.width, image.height());
  window.overlay_panel()->set_thresholds(6, 0);
  image = window.views()->grabFramebuffer();
  EXPECT_EQ(find_pixels(image, views_area, neuroseq_test::is_overlay_colour).count, 0);
  EXPECT_FLOAT_EQ(*window.readout().overlay_value, 5.0f);
  // Opacity 0 hides it too.
  window.overlay_panel()->set_thresholds(0, 0);
  window.overlay_panel()->set_opacity(0);
  image = window.views()->grabFramebuffer();
  EXPECT_EQ(find_pixels(image, views_area, neuroseq_test::is_overlay_colour).count, 0);
}

TEST_F(MainWindowTest, RadiologicalConventionMirrorsTheViews) {
  gui::MainWindow window;
  window.load_underlay(head_path_);
  const auto& view = window.views()->view();
  const double neuro_x = view.display_of(Plane::kAxial, {40, 0, 0})[0];
  window.set_radiological(true);
  const double radio_x = view.display_of(Plane::kAxial, {40, 0, 0})[0];
  const auto frames = view.frames();
  const double centre = frames[0].rect.x + frames[0].rect.width / 2.0;
  EXPECT_GT(neuro_x, centre);
  EXPECT_LT(radio_x, centre);
  EXPECT_NEAR(neuro_x - centre, centre - radio_x, 1e-6);
}

TEST_F(MainWindowTest, AFileThatCannotBeReadLeavesTheWindowAsItWas) {
  gui::MainWindow window;
  window.load_underlay(head_path_);
  window.set_cursor({-29, 9, 11});
  try {
    window.load_underlay(dir_ / "missing.nii.gz");
    FAIL() << "no error for a missing file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.nii.gz"), std::string::npos) << e.what();
  }
  EXPECT_FLOAT_EQ(*window.readout().value, head_.at(15, 40, 35));
  EXPECT_THROW(window.load_overlay(dir_ / "atlas.tsv"), std::runtime_error);
  EXPECT_EQ(window.views()->view().overlay(), nullptr);
}

TEST_F(MainWindowTest, OpenedFilesAreRememberedInTheSettings) {
  gui::RecentFiles().clear();
  {
    gui::MainWindow window;
    window.load_underlay(head_path_);
    window.set_radiological(true);
    window.close();  // saves the window's settings
  }
  const QStringList recent = gui::RecentFiles().list();
  ASSERT_FALSE(recent.isEmpty());
  EXPECT_EQ(recent.front().toStdString(), fs::absolute(head_path_).string());
  gui::MainWindow again;
  EXPECT_EQ(again.views()->view().convention(), viewers::Convention::kRadiological);
  again.set_radiological(false);
  again.close();
}
