#include "app/gui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "app/gui/command_line.h"
#include "app/gui/overlay_panel.h"
#include "app/gui/recent_files.h"
#include "app/jobs/resources.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/image/nifti_reader.h"
#include "viewers/offscreen_renderer.h"
#include "viewers/ortho_view_widget.h"

namespace gui {
namespace {

const char* const kImageFilter = "NIfTI images (*.nii *.nii.gz *.hdr *.img);;All files (*)";

QString to_qstring(const std::filesystem::path& path) {
  return QString::fromStdString(path.string());
}

std::filesystem::path to_path(const QString& text) {
  return std::filesystem::path(text.toStdString());
}

std::pair<double, double> finite_extent(std::span<const float> values) {
  double lo = 0, hi = 0;
  bool any = false;
  for (float v : values) {
    if (!std::isfinite(v)) continue;
    lo = any ? std::min(lo, double(v)) : v;
    hi = any ? std::max(hi, double(v)) : v;
    any = true;
  }
  return {lo, hi};
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  views_ = new viewers::OrthoViewWidget(this);
  setCentralWidget(views_);

  overlay_panel_ = new OverlayPanel(this);
  auto* dock = new QDockWidget("Overlay", this);
  dock->setObjectName("overlay_dock");
  dock->setWidget(overlay_panel_);
  addDockWidget(Qt::RightDockWidgetArea, dock);

  status_ = new QLabel(this);
  status_->setObjectName("cursor_readout");
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  statusBar()->addWidget(status_, 1);
  status_->setText("Open an image with File \u2192 Open (Ctrl+O).");

  connect(views_, &viewers::OrthoViewWidget::cursor_moved, this, &MainWindow::update_status);
  connect(overlay_panel_, &OverlayPanel::style_changed, this, &MainWindow::apply_overlay_style);

  build_menus();
  restore_settings();
  update_title();
}

MainWindow::~MainWindow() = default;

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu("&File");
  QAction* open = file->addAction("&Open\u2026", this, &MainWindow::open_underlay_dialog);
  open->setShortcut(QKeySequence::Open);
  file->addAction("Open O&verlay\u2026", this, &MainWindow::open_overlay_dialog);
  file->addAction("Open &Atlas\u2026", this, &MainWindow::open_atlas_dialog);
  clear_overlay_action_ = file->addAction("&Remove Overlay", this, &MainWindow::clear_overlay);
  clear_overlay_action_->setEnabled(false);
  recent_menu_ = file->addMenu("Open &Recent");
  connect(recent_menu_, &QMenu::aboutToShow, this, &MainWindow::rebuild_recent_menu);
  file->addSeparator();
  file->addAction("Save &Screenshot\u2026", this, &MainWindow::save_screenshot_dialog);
  file->addSeparator();
  QAction* quit = file->addAction("&Quit", this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* view = menuBar()->addMenu("&View");
  radiological_action_ = view->addAction("&Radiological Convention");
  radiological_action_->setCheckable(true);
  radiological_action_->setToolTip("Show the subject's right on the screen's left.");
  connect(radiological_action_, &QAction::toggled, this, &MainWindow::set_radiological);
  view->addAction("&Go to World Coordinates\u2026", this, [this] { go_to_dialog(false); })
      ->setShortcut(QKeySequence("Ctrl+G"));
  view->addAction("Go to &Voxel\u2026", this, [this] { go_to_dialog(true); })
      ->setShortcut(QKeySequence("Ctrl+Shift+G"));
  view->addSeparator();
  crosshair_action_ = view->addAction("Show &Crosshair");
  crosshair_action_->setCheckable(true);
  crosshair_action_->setChecked(true);
  connect(crosshair_action_, &QAction::toggled, this, [this](bool on) {
    views_->view().set_crosshair_visible(on);
    views_->refresh();
  });
}

void MainWindow::rebuild_recent_menu() {
  recent_menu_->clear();
  const QStringList files = RecentFiles().list();
  for (const QString& file : files) {
    recent_menu_
        ->addAction(QFileInfo(file).fileName(), this,
                    [this, file] {
                      if (!reporting_errors("Cannot open the image",
                                            [&] { load_underlay(to_path(file)); })) {
                        RecentFiles().remove(file);
                      }
                    })
        ->setToolTip(file);
  }
  if (files.isEmpty()) recent_menu_->addAction("(none)")->setEnabled(false);
  recent_menu_->addSeparator();
  recent_menu_->addAction("Clear List", this, [] { RecentFiles().clear(); });
}

void MainWindow::load_underlay(const std::filesystem::path& path) {
  auto volume = std::make_shared<neuro::Volume>(neuro::read_volume(path));
  views_->view().set_underlay(std::move(volume));
  underlay_name_ = QFileInfo(to_qstring(path)).fileName();
  RecentFiles().add(to_qstring(path));
  QSettings().setValue("last_directory", QFileInfo(to_qstring(path)).absolutePath());
  views_->refresh();
  update_title();
  update_status();
}

void MainWindow::load_overlay(const std::filesystem::path& path) {
  if (!views_->view().underlay()) {
    throw std::runtime_error(path.string() + ": open an image to draw the overlay over first");
  }
  auto volume = std::make_shared<neuro::Volume>(neuro::read_volume(path));
  const auto [lo, hi] = finite_extent(volume->frame(0));
  views_->view().set_overlay(volume);
  overlay_panel_->show_style(views_->view().overlay_style(), lo, hi);
  overlay_panel_->set_has_overlay(true);
  clear_overlay_action_->setEnabled(true);
  overlay_name_ = QFileInfo(to_qstring(path)).fileName();
  QSettings().setValue("last_directory", QFileInfo(to_qstring(path)).absolutePath());
  views_->refresh();
  update_title();
  update_status();
}

void MainWindow::load_atlas(const std::filesystem::path& path) {
  neuro::AtlasOptions options;
  options.resources_dir = jobs::resources_dir();
  views_->view().set_atlas(
      std::make_shared<neuro::LabelAtlas>(neuro::LabelAtlas::load(path, options)));
  update_status();
}

void MainWindow::clear_overlay() {
  views_->view().clear_overlay();
  overlay_panel_->set_has_overlay(false);
  clear_overlay_action_->setEnabled(false);
  overlay_name_.clear();
  views_->refresh();
  update_title();
  update_status();
}

void MainWindow::set_cursor(const viewers::WorldPoint& world) {
  views_->set_cursor(world);
}

void MainWindow::set_cursor_to_voxel(const std::array<int64_t, 3>& voxel) {
  views_->view().set_cursor_to_voxel(voxel);
  views_->set_cursor(views_->view().cursor());
}

void MainWindow::go_to_dialog(bool voxel) {
  if (!views_->view().underlay()) return;
  const auto readout = views_->view().readout();
  QString current;
  if (voxel && readout.voxel) {
    current = QString("%1,%2,%3")
                  .arg((*readout.voxel)[0])
                  .arg((*readout.voxel)[1])
                  .arg((*readout.voxel)[2]);
  } else {
    current = QString("%1,%2,%3").arg(readout.world[0]).arg(readout.world[1]).arg(readout.world[2]);
  }
  bool ok = false;
  const QString text = QInputDialog::getText(
      this, voxel ? "Go to Voxel" : "Go to World Coordinates",
      voxel ? "Voxel i,j,k of the image:" : "World x,y,z in mm:", QLineEdit::Normal, current, &ok);
  if (!ok) return;
  reporting_errors("Cannot go there", [&] {
    const viewers::WorldPoint p = parse_point(text.toStdString());
    if (!voxel) {
      set_cursor(p);
      return;
    }
    std::array<int64_t, 3> index{};
    for (size_t a = 0; a < 3; ++a) {
      if (p[a] != std::floor(p[a])) throw std::invalid_argument("voxel indices are whole numbers");
      index[a] = static_cast<int64_t>(p[a]);
    }
    set_cursor_to_voxel(index);
  });
}

viewers::CursorReadout MainWindow::readout() const {
  return views_->view().readout();
}

QString MainWindow::status_text() const {
  return status_->text();
}

void MainWindow::set_radiological(bool radiological) {
  if (radiological_action_->isChecked() != radiological) {
    radiological_action_->setChecked(radiological);  // comes back here through toggled
    return;
  }
  views_->view().set_convention(radiological ? viewers::Convention::kRadiological
                                             : viewers::Convention::kNeurological);
  views_->refresh();
}

void MainWindow::update_status() {
  if (!views_->view().underlay()) return;
  status_->setText(QString::fromStdString(viewers::format_readout(readout())));
}

void MainWindow::apply_overlay_style() {
  if (!views_->view().overlay()) return;
  views_->view().set_overlay_style(overlay_panel_->style());
  views_->refresh();
}

void MainWindow::update_title() {
  QString title = "NeuroSeq";
  if (!underlay_name_.isEmpty()) title = underlay_name_ + " \u2014 " + title;
  if (!overlay_name_.isEmpty()) title = overlay_name_ + " over " + title;
  setWindowTitle(title);
}

bool MainWindow::reporting_errors(const QString& what, const std::function<void()>& load) {
  try {
    load();
    return true;
  } catch (const std::exception& e) {
    QMessageBox::warning(this, what, QString::fromStdString(e.what()));
    return false;
  }
}

QString MainWindow::choose_image(const QString& title) {
  return QFileDialog::getOpenFileName(this, title, QSettings().value("last_directory").toString(),
                                      kImageFilter);
}

void MainWindow::open_underlay_dialog() {
  const QString file = choose_image("Open Image");
  if (file.isEmpty()) return;
  reporting_errors("Cannot open the image", [&] { load_underlay(to_path(file)); });
}

void MainWindow::open_overlay_dialog() {
  const QString file = choose_image("Open Overlay");
  if (file.isEmpty()) return;
  reporting_errors("Cannot open the overlay", [&] { load_overlay(to_path(file)); });
}

void MainWindow::open_atlas_dialog() {
  const QString file = choose_image("Open Atlas");
  if (file.isEmpty()) return;
  reporting_errors("Cannot open the atlas", [&] { load_atlas(to_path(file)); });
}

void MainWindow::save_screenshot_dialog() {
  const QString file = QFileDialog::getSaveFileName(this, "Save Screenshot",
                                                    QSettings().value("last_directory").toString(),
                                                    "PNG images (*.png)");
  if (file.isEmpty()) return;
  QString target = file;
  if (!target.endsWith(".png", Qt::CaseInsensitive)) target += ".png";
  reporting_errors("Cannot save the screenshot", [&] {
    viewers::save_png(views_->grabFramebuffer().convertToFormat(QImage::Format_RGB32),
                      to_path(target));
  });
}

void MainWindow::restore_settings() {
  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
  set_radiological(settings.value("view/radiological", false).toBool());
  crosshair_action_->setChecked(settings.value("view/crosshair", true).toBool());
}

void MainWindow::save_settings() const {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  settings.setValue("view/radiological", radiological_action_->isChecked());
  settings.setValue("view/crosshair", crosshair_action_->isChecked());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  save_settings();
  event->accept();
}

}  // namespace gui
