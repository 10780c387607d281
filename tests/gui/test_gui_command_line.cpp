// neuroseq-gui's command line: parsing, and the batch screenshot run as a
// separate process (it inherits the test's X display).

#include <QImage>
#include <QProcess>
#include <QProcessEnvironment>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "app/gui/command_line.h"
#include "neuro/image/nifti_writer.h"
#include "phantom.h"
#include "screen_pixels.h"
#include "temp_dir.h"
#include "viewers/colorbar.h"
#include "viewers/slice.h"
#include "viewers/view_layout.h"

namespace fs = std::filesystem;

namespace {

struct ProcessResult {
  int exit_code = -1;
  QString out, err;
};

ProcessResult run_gui(const QStringList& arguments, const QProcessEnvironment& environment =
                                                        QProcessEnvironment::systemEnvironment()) {
  QProcess process;
  process.setProcessEnvironment(environment);
  process.start(QString(NEUROSEQ_GUI_EXE), arguments);
  ProcessResult run;
  if (!process.waitForFinished(120000)) return run;
  run.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
  run.out = QString::fromLocal8Bit(process.readAllStandardOutput());
  run.err = QString::fromLocal8Bit(process.readAllStandardError());
  return run;
}

QStringList our_lines(const QString& err) {
  QStringList lines;
  for (const QString& line : err.split('\n', Qt::SkipEmptyParts)) {
    if (line.startsWith("neuroseq-gui:")) lines << line;
  }
  return lines;
}

QString q(const fs::path& path) {
  return QString::fromStdString(path.string());
}

class GuiCommandLine : public ::testing::Test {
 protected:
  void SetUp() override {
    neuro::write_nifti(neuroseq_test::head_volume(), head_);
    neuro::write_nifti(neuroseq_test::blob_volume(kBlob, 9, 5), blob_);
  }
  static constexpr neuroseq_test::Point kBlob{24, -16, 18};
  neuroseq_test::TempDir dir_{"gui_cli"};
  fs::path head_ = dir_ / "head.nii.gz";
  fs::path blob_ = dir_ / "blob.nii.gz";
};

}  // namespace

TEST(ParseCommandLine, ReadsEveryOption) {
  const auto options = gui::parse_command_line(
      {"neuroseq-gui", "t1.nii.gz", "--overlay", "z.nii.gz", "--screenshot", "out.png", "--cursor",
       "12.5,-3,40", "--size", "800x300", "--radiological", "--atlas", "aal.nii"});
  EXPECT_EQ(options.underlay->string(), "t1.nii.gz");
  EXPECT_EQ(options.overlay->string(), "z.nii.gz");
  EXPECT_EQ(options.atlas->string(), "aal.nii");
  EXPECT_EQ(options.screenshot->string(), "out.png");
  EXPECT_EQ(*options.cursor, (viewers::WorldPoint{12.5, -3, 40}));
  EXPECT_EQ(options.width, 800);
  EXPECT_EQ(options.height, 300);
  EXPECT_TRUE(options.radiological);
  EXPECT_EQ(options.layout, gui::ScreenshotLayout::kOrtho);
  EXPECT_EQ(options.frame, 0);
  EXPECT_FALSE(gui::parse_command_line({"neuroseq-gui"}).underlay);

  const auto lightbox = gui::parse_command_line(
      {"neuroseq-gui", "bold.nii.gz", "--layout", "lightbox", "--frame", "12"});
  EXPECT_EQ(lightbox.layout, gui::ScreenshotLayout::kLightbox);
  EXPECT_EQ(lightbox.frame, 12);
  EXPECT_EQ(gui::parse_command_line({"g", "a.nii", "--layout=3d"}).layout,
            gui::ScreenshotLayout::k3d);

  const auto browsing = gui::parse_command_line(
      {"g", "bold.nii.gz", "--timeline", "d/model-linear_timeline.tsv", "--open", "demo-output"});
  EXPECT_EQ(browsing.timeline->string(), "d/model-linear_timeline.tsv");
  EXPECT_EQ(browsing.open->string(), "demo-output");
  EXPECT_FALSE(lightbox.timeline);
  EXPECT_FALSE(lightbox.open);
}

TEST(ParseCommandLine, RejectsBadUsageWithOneLine) {
  const auto message = [](const QStringList& args) -> std::string {
    try {
      gui::parse_command_line(args);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message({"g", "a.nii", "--cursor", "1,2"}).find("--cursor"), std::string::npos);
  EXPECT_NE(message({"g", "a.nii", "--cursor", "1,2,x"}).find("--cursor"), std::string::npos);
  EXPECT_NE(message({"g", "a.nii", "--size", "big"}).find("--size"), std::string::npos);
  EXPECT_NE(message({"g", "--screenshot", "o.png"}).find("FILE"), std::string::npos);
  EXPECT_NE(message({"g", "a.nii", "b.nii"}).find("one FILE"), std::string::npos);
  EXPECT_FALSE(message({"g", "--bogus"}).empty());
  EXPECT_NE(message({"g", "a.nii", "--layout", "mosaic"}).find("--layout"), std::string::npos);
  EXPECT_NE(message({"g", "a.nii", "--frame", "-1"}).find("--frame"), std::string::npos);
  EXPECT_NE(message({"g", "a.nii", "--frame", "two"}).find("--frame"), std::string::npos);
}

TEST_F(GuiCommandLine, ScreenshotWritesThePngWithoutAWindow) {
  const fs::path out = dir_ / "views.png";
  const ProcessResult run = run_gui({q(head_), "--overlay", q(blob_), "--screenshot", q(out),
                                     "--cursor", "24,-16,18", "--size", "900x320"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  const QImage image(q(out));
  ASSERT_FALSE(image.isNull());
  EXPECT_EQ(image.size(), QSize(900, 320));

  // The same geometry the viewer used: where the blob must be in the axial view.
  const neuro::Volume head = neuroseq_test::head_volume();
  std::array<viewers::SliceLayout, 3> slices;
  for (int p = 0; p < 3; ++p) {
    slices[static_cast<size_t>(p)] =
        viewers::layout_slice(head.grid(), static_cast<viewers::Plane>(p), {24, -16, 18});
  }
  // With an overlay the views leave the colour bar's panel free.
  const auto frames = viewers::ortho_frames(900, 320, slices, 0.04, viewers::kColorbarPanelWidth);
  const auto expected = frames[0].display_of({24, -16, 18});
  const auto& r = frames[0].rect;
  // The default style for a positive map is hot: red and orange at the rim.
  const auto blob =
      neuroseq_test::find_pixels(image, neuroseq_test::image_rect(r.x, r.y, r.width, r.height, 320),
                                 neuroseq_test::is_overlay_colour);
  ASSERT_GT(blob.count, 10);
  EXPECT_NEAR(blob.x, expected[0], 3);
  EXPECT_NEAR(blob.y, 320 - expected[1], 3);
}

TEST_F(GuiCommandLine, AMissingFileFailsWithOneLineNamingIt) {
  const fs::path out = dir_ / "never.png";
  const ProcessResult run = run_gui({q(dir_ / "missing.nii.gz"), "--screenshot", q(out)});
  EXPECT_NE(run.exit_code, 0);
  const QStringList lines = our_lines(run.err);
  ASSERT_EQ(lines.size(), 1) << run.err.toStdString();
  EXPECT_TRUE(lines.front().contains("missing.nii.gz")) << lines.front().toStdString();
  EXPECT_FALSE(fs::exists(out));

  const ProcessResult bad_overlay =
      run_gui({q(head_), "--overlay", q(dir_ / "nope.nii"), "--screenshot", q(out)});
  EXPECT_NE(bad_overlay.exit_code, 0);
  ASSERT_EQ(our_lines(bad_overlay.err).size(), 1) << bad_overlay.err.toStdString();
  EXPECT_TRUE(our_lines(bad_overlay.err).front().contains("nope.nii"));
}

TEST_F(GuiCommandLine, BadOptionsFailWithOneLine) {
  const ProcessResult cursor =
      run_gui({q(head_), "--screenshot", q(dir_ / "x.png"), "--cursor", "1,2"});
  EXPECT_EQ(cursor.exit_code, 2);
  ASSERT_EQ(our_lines(cursor.err).size(), 1) << cursor.err.toStdString();
  EXPECT_TRUE(our_lines(cursor.err).front().contains("--cursor"));

  const ProcessResult not_png = run_gui({q(head_), "--screenshot", q(dir_ / "views.jpg")});
  EXPECT_NE(not_png.exit_code, 0);
  ASSERT_EQ(our_lines(not_png.err).size(), 1) << not_png.err.toStdString();
  EXPECT_TRUE(our_lines(not_png.err).front().contains("views.jpg"));
}

TEST_F(GuiCommandLine, WithoutADisplayAScreenshotSaysWhyInOneLine) {
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  environment.remove("DISPLAY");
  environment.remove("WAYLAND_DISPLAY");
  environment.remove("QT_QPA_PLATFORM");
  const fs::path out = dir_ / "headless.png";
  const ProcessResult run = run_gui({q(head_), "--screenshot", q(out)}, environment);
  // Either the offscreen platform found OpenGL, or the run says why not.
  if (run.exit_code == 0) {
    EXPECT_TRUE(fs::exists(out));
  } else {
    EXPECT_EQ(run.exit_code, 1) << run.err.toStdString();
    ASSERT_EQ(our_lines(run.err).size(), 1) << run.err.toStdString();
    EXPECT_FALSE(fs::exists(out));
  }
}

TEST_F(GuiCommandLine, HelpListsTheOptions) {
  const ProcessResult run = run_gui({"--help"});
  EXPECT_EQ(run.exit_code, 0);
  for (const char* option :
       {"--overlay", "--screenshot", "--cursor", "--atlas", "--layout", "--frame"}) {
    EXPECT_TRUE(run.out.contains(option)) << option;
  }
}

TEST_F(GuiCommandLine, HelpNeedsNoDisplay) {
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  environment.remove("DISPLAY");
  environment.remove("WAYLAND_DISPLAY");
  environment.remove("QT_QPA_PLATFORM");
  const ProcessResult run = run_gui({"--help"}, environment);
  EXPECT_EQ(run.exit_code, 0) << run.err.toStdString();
  EXPECT_TRUE(run.out.contains("--screenshot"));
}

TEST_F(GuiCommandLine, EveryLayoutDrawsTheImageAndTheOverlay) {
  for (const char* layout : {"ortho", "lightbox", "3d"}) {
    SCOPED_TRACE(layout);
    const fs::path out = dir_ / (std::string(layout) + ".png");
    const ProcessResult run = run_gui({q(head_), "--overlay", q(blob_), "--screenshot", q(out),
                                       "--layout", layout, "--size", "640x400"});
    ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
    const QImage image(q(out));
    ASSERT_EQ(image.size(), QSize(640, 400));
    // The background is black: the head is drawn in greys, the blob in warm
    // colours (hot slices, orange surfaces).
    const auto lit =
        neuroseq_test::find_pixels(image, image.rect(), [](QRgb p) { return qGray(p) > 25; });
    EXPECT_GT(lit.count, 640 * 400 / 10);
    const auto warm = neuroseq_test::find_pixels(
        image, image.rect(), [](QRgb p) { return qRed(p) > qBlue(p) + 60 && qRed(p) > 120; });
    EXPECT_GT(warm.count, 20);
  }
}

TEST_F(GuiCommandLine, FrameChoosesTheVolumeOfA4dOverlay) {
  // Volume 0 is empty, volume 1 holds the blob.
  const neuro::Volume blob = neuroseq_test::blob_volume(kBlob, 9, 5);
  neuro::Volume series(blob.grid(), 2, 2.0);
  std::copy(blob.data().begin(), blob.data().end(), series.frame(1).begin());
  const fs::path bold = dir_ / "series.nii.gz";
  neuro::write_nifti(series, bold);
  const auto overlay_pixels = [&](const char* frame) {
    const fs::path out = dir_ / (std::string("frame") + frame + ".png");
    const ProcessResult run = run_gui({q(head_), "--overlay", q(bold), "--screenshot", q(out),
                                       "--frame", frame, "--cursor", "24,-16,18"});
    EXPECT_EQ(run.exit_code, 0) << run.err.toStdString();
    const QImage image(q(out));
    // Left of the colour bar's panel.
    const QRect views(0, 0, image.width() - viewers::kColorbarPanelWidth, image.height());
    return neuroseq_test::find_pixels(image, views, neuroseq_test::is_overlay_colour).count;
  };
  EXPECT_EQ(overlay_pixels("0"), 0);
  EXPECT_GT(overlay_pixels("1"), 100);

  const ProcessResult beyond =
      run_gui({q(head_), "--overlay", q(bold), "--screenshot", q(dir_ / "f.png"), "--frame", "2"});
  EXPECT_EQ(beyond.exit_code, 1);
  ASSERT_EQ(our_lines(beyond.err).size(), 1) << beyond.err.toStdString();
  EXPECT_TRUE(our_lines(beyond.err).front().contains("--frame 2"));
  EXPECT_FALSE(fs::exists(dir_ / "f.png"));
}

TEST_F(GuiCommandLine, AnUnknownLayoutFailsWithOneLine) {
  const fs::path out = dir_ / "never.png";
  const ProcessResult run = run_gui({q(head_), "--screenshot", q(out), "--layout", "mosaic"});
  EXPECT_EQ(run.exit_code, 2);
  const QStringList lines = our_lines(run.err);
  ASSERT_EQ(lines.size(), 1) << run.err.toStdString();
  EXPECT_TRUE(lines.front().contains("--layout")) << lines.front().toStdString();
  EXPECT_TRUE(lines.front().contains("mosaic"));
  EXPECT_FALSE(fs::exists(out));
}
