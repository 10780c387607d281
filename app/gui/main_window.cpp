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
#include <QScreen>
#include <QSettings>
#include <QStatusBar>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "app/gui/cluster_panel.h"
#include "app/gui/command_line.h"
#include "app/gui/data_browser.h"
#include "app/gui/explanation_panel.h"
#include "app/gui/export_actions.h"
#include "app/gui/job_docks.h"
#include "app/gui/overlay_panel.h"
#include "app/gui/recent_files.h"
#include "app/gui/time_series_panel.h"
#include "app/gui/view_tabs.h"
#include "app/jobs/resources.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/image/nifti_reader.h"
#include "viewers/lightbox_widget.h"
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
  view_tabs_ = new ViewTabs(this);
  views_ = view_tabs_->ortho();
  setCentralWidget(view_tabs_);

  overlay_panel_ = new OverlayPanel(this);
  auto* dock = new QDockWidget("Overlay", this);
  dock->setObjectName("overlay_dock");
  dock->setWidget(overlay_panel_);
  addDockWidget(Qt::RightDockWidgetArea, dock);
  job_docks_ = new JobDocks(this);
  build_browsing_docks();
  time_series_ = new TimeSeriesPanel(this);
  auto* series_dock = new QDockWidget("Time Series", this);
  series_dock->setObjectName("time_series_dock");
  series_dock->setWidget(time_series_);
  addDockWidget(Qt::BottomDockWidgetArea, series_dock);
  series_dock->hide();  // until a 4-D image opens
  connect(time_series_, &TimeSeriesPanel::volume_changed, this, &MainWindow::set_volume);
  connect(view_tabs_, &ViewTabs::cursor_moved, this, [this](double x, double y, double z) {
    set_cursor({x, y, z});
  });

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
  file->addAction("Open &Dataset or Results Folder\u2026", this, &MainWindow::open_dataset_dialog)
      ->setShortcut(QKeySequence("Ctrl+Shift+O"));
  file->addAction("Open &Explanations\u2026", this, &MainWindow::open_explanations_dialog);
  file->addAction("Load Decoded &Timeline\u2026", this, &MainWindow::load_decoded_timeline_dialog);
  clear_overlay_action_ = file->addAction("&Remove Overlay", this, &MainWindow::clear_overlay);
  clear_overlay_action_->setEnabled(false);
  recent_menu_ = file->addMenu("Open &Recent");
  connect(recent_menu_, &QMenu::aboutToShow, this, &MainWindow::rebuild_recent_menu);
  file->addSeparator();
  file->addAction(job_docks_->open_results_action());
  file->addAction("Export &Picture\u2026", this, &MainWindow::save_screenshot_dialog);
  export_overlay_action_ =
      file->addAction("Export Overlay as &NIfTI\u2026", this, &MainWindow::export_overlay_dialog);
  export_overlay_action_->setEnabled(false);
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
  view->addSeparator();
  for (const char* dock : {"data_dock", "cluster_dock", "explanation_dock", "time_series_dock"})
    view->addAction(findChild<QDockWidget*>(dock)->toggleViewAction());
  menuBar()->addMenu(job_docks_->jobs_menu());
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
  views_->view().set_underlay(volume);
  views_->view().set_frame(0);
  view_tabs_->set_frame(0);
  view_tabs_->set_underlay(volume);
  time_series_->set_underlay(volume, path);
  // The plot and the slider only mean something for a 4-D image.
  findChild<QDockWidget*>("time_series_dock")->setVisible(volume->frames() > 1);
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
  view_tabs_->set_overlay(volume, views_->view().overlay_style());
  overlay_panel_->show_style(views_->view().overlay_style(), lo, hi);
  overlay_panel_->set_has_overlay(true);
  cluster_panel_->set_map(volume, views_->view().frame(), overlay_panel_->positive_threshold(),
                          overlay_panel_->negative_threshold());
  export_overlay_action_->setEnabled(true);
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
  auto atlas = std::make_shared<neuro::LabelAtlas>(neuro::LabelAtlas::load(path, options));
  views_->view().set_atlas(atlas);
  cluster_panel_->set_atlas(atlas);
  update_status();
}

void MainWindow::clear_overlay() {
  views_->view().clear_overlay();
  view_tabs_->clear_overlay();
  overlay_panel_->set_has_overlay(false);
  cluster_panel_->clear_map();
  export_overlay_action_->setEnabled(false);
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
  const auto convention =
      radiological ? viewers::Convention::kRadiological : viewers::Convention::kNeurological;
  views_->view().set_convention(convention);
  view_tabs_->lightbox()->view().set_convention(convention);
  views_->refresh();
  view_tabs_->lightbox()->refresh();
}

void MainWindow::update_status() {
  if (!views_->view().underlay()) return;
  view_tabs_->set_cursor(views_->view().cursor());
  time_series_->set_cursor(views_->view().cursor());
  status_->setText(QString::fromStdString(viewers::format_readout(readout())));
}

void MainWindow::apply_overlay_style() {
  if (!views_->view().overlay()) return;
  views_->view().set_overlay_style(overlay_panel_->style());
  view_tabs_->set_overlay_style(overlay_panel_->style());
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
  if (!restoreGeometry(settings.value("window/geometry").toByteArray())) {
    // First start: most of the screen, for three views and the docks.
    if (const QScreen* screen = QGuiApplication::primaryScreen())
      resize(screen->availableSize() * 0.85);
  }
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

void MainWindow::build_browsing_docks() {
  data_browser_ = new DataBrowser(this);
  cluster_panel_ = new ClusterPanel(this);
  explanation_panel_ = new ExplanationPanel(this);
  const auto add_dock = [this](QWidget* panel, const char* title, const char* name,
                               Qt::DockWidgetArea area) {
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    dock->setWidget(panel);
    addDockWidget(area, dock);
    return dock;
  };
  // Below the overlay's controls, in tabs, so that the views keep their width.
  QDockWidget* clusters =
      add_dock(cluster_panel_, "Clusters", "cluster_dock", Qt::RightDockWidgetArea);
  tabifyDockWidget(clusters, add_dock(data_browser_, "Data", "data_dock", Qt::RightDockWidgetArea));
  clusters->raise();
  add_dock(explanation_panel_, "Explanations", "explanation_dock", Qt::BottomDockWidgetArea)
      ->hide();
  const auto opening = [this](const QString& what,
                              void (MainWindow::*load)(const std::filesystem::path&)) {
    return [this, what, load](const QString& file) {
      reporting_errors(what, [&] { (this->*load)(to_path(file)); });
    };
  };
  connect(data_browser_, &DataBrowser::underlay_requested, this,
          opening("Cannot open the image", &MainWindow::load_underlay));
  connect(data_browser_, &DataBrowser::overlay_requested, this,
          opening("Cannot open the overlay", &MainWindow::load_overlay));
  connect(data_browser_, &DataBrowser::atlas_requested, this,
          opening("Cannot open the atlas", &MainWindow::load_atlas));
  connect(data_browser_, &DataBrowser::explanations_requested, this,
          opening("Cannot open the explanations", &MainWindow::open_explanations));
  connect(explanation_panel_, &ExplanationPanel::map_chosen, this,
          opening("Cannot open the map", &MainWindow::load_overlay));
  connect(overlay_panel_, &OverlayPanel::thresholds_changed, cluster_panel_,
          &ClusterPanel::set_thresholds);
  connect(cluster_panel_, &ClusterPanel::peak_chosen, this, [this](double x, double y, double z) {
    set_cursor({x, y, z});
  });
}

void MainWindow::open_dataset(const std::filesystem::path& folder) {
  data_browser_->open_folder(folder);
  QDockWidget* dock = findChild<QDockWidget*>("data_dock");
  dock->show();
  dock->raise();
  QSettings().setValue("last_directory", to_qstring(folder));
}

void MainWindow::open_explanations(const std::filesystem::path& folder) {
  explanation_panel_->open_folder(folder);
  QDockWidget* dock = findChild<QDockWidget*>("explanation_dock");
  dock->show();
  dock->raise();
}

std::filesystem::path MainWindow::export_overlay(const std::filesystem::path& path) const {
  const neuro::Volume* overlay = views_->view().overlay();
  if (!overlay) throw std::runtime_error(path.string() + ": there is no overlay to export");
  return export_overlay_nifti(*overlay, path);
}

std::filesystem::path MainWindow::export_picture(const std::filesystem::path& path) const {
  return export_views_png(*views_, path);
}

void MainWindow::open_dataset_dialog() {
  const QString folder = QFileDialog::getExistingDirectory(
      this, "Open Dataset or Results Folder", QSettings().value("last_directory").toString());
  if (folder.isEmpty()) return;
  reporting_errors("Cannot open the folder", [&] { open_dataset(to_path(folder)); });
}

void MainWindow::open_explanations_dialog() {
  const QString folder =
      QFileDialog::getExistingDirectory(this, "Open Explanations (a `neuroseq explain` folder)",
                                        QSettings().value("last_directory").toString());
  if (folder.isEmpty()) return;
  reporting_errors("Cannot open the explanations", [&] { open_explanations(to_path(folder)); });
}

void MainWindow::export_overlay_dialog() {
  const QString file = QFileDialog::getSaveFileName(this, "Export Overlay as NIfTI",
                                                    QSettings().value("last_directory").toString(),
                                                    "NIfTI images (*.nii.gz *.nii)");
  if (file.isEmpty()) return;
  reporting_errors("Cannot export the overlay", [&] { export_overlay(to_path(file)); });
}

void MainWindow::set_volume(int volume) {
  if (time_series_->volume() != volume) {
    time_series_->set_volume(volume);  // comes back here through volume_changed
    return;
  }
  views_->view().set_frame(volume);
  view_tabs_->set_frame(volume);
  cluster_panel_->set_frame(volume);
  views_->refresh();
  update_status();
}

void MainWindow::load_decoded_timeline(const std::filesystem::path& timeline) {
  time_series_->load_decoded_timeline(timeline);
  findChild<QDockWidget*>("time_series_dock")->show();
}

void MainWindow::load_decoded_timeline_dialog() {
  const QString file = QFileDialog::getOpenFileName(
      this, "Load Decoded Timeline", QSettings().value("last_directory").toString(),
      "Decoding timelines (*_timeline.tsv);;All files (*)");
  if (file.isEmpty()) return;
  reporting_errors("Cannot load the timeline", [&] { load_decoded_timeline(to_path(file)); });
}

}  // namespace gui
