#pragma once
// The desktop application's window: orthogonal, lightbox and 3-D views of an
// underlay with an optional overlay and atlas; docks for the overlay's
// controls, clusters, data, explanations, jobs and results, and the time
// series under the cursor; the cursor's world, voxel, value and region in the
// status bar.

#include <QMainWindow>

#include <filesystem>
#include <functional>

#include "viewers/cursor_readout.h"
#include "viewers/slice.h"

class QAction;
class QLabel;
class QMenu;

namespace viewers {
class OrthoViewWidget;
}

namespace gui {

class ClusterPanel;
class TimeSeriesPanel;
class ViewTabs;
class DataBrowser;
class ExplanationPanel;
class JobDocks;
class OverlayPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Each throws std::runtime_error("<path>: ...") and leaves the window as it
  // was when the file cannot be used; the menu actions show the message.
  void load_underlay(const std::filesystem::path& path);
  void load_overlay(const std::filesystem::path& path);
  void load_atlas(const std::filesystem::path& path);
  void clear_overlay();

  void set_cursor(const viewers::WorldPoint& world);
  // Throws std::out_of_range for a voxel outside the underlay.
  void set_cursor_to_voxel(const std::array<int64_t, 3>& voxel);
  viewers::CursorReadout readout() const;
  // What the status bar shows.
  QString status_text() const;

  void set_radiological(bool radiological);

  // Browsing: a dataset or results folder in the data browser, an
  // explain results folder in the explanation panel; each throws
  // std::runtime_error("<folder>: ...") and leaves its panel as it was.
  void open_dataset(const std::filesystem::path& folder);
  void open_explanations(const std::filesystem::path& folder);
  // File > Export: return the file written; throw std::runtime_error
  // ("<path>: ...") without an overlay or when the file cannot be written.
  std::filesystem::path export_overlay(const std::filesystem::path& path) const;
  std::filesystem::path export_picture(const std::filesystem::path& path) const;

  // A decoding results' *_timeline.tsv: the decoded state of the underlay's
  // run along its time-series plot. Throws std::runtime_error("<file>: ...").
  void load_decoded_timeline(const std::filesystem::path& timeline);
  // The time point of a 4-D underlay and overlay shown in every view.
  void set_volume(int volume);

  viewers::OrthoViewWidget* views() const { return views_; }
  ViewTabs* view_tabs() const { return view_tabs_; }
  TimeSeriesPanel* time_series() const { return time_series_; }
  OverlayPanel* overlay_panel() const { return overlay_panel_; }
  JobDocks* job_docks() const { return job_docks_; }
  DataBrowser* data_browser() const { return data_browser_; }
  ClusterPanel* cluster_panel() const { return cluster_panel_; }
  ExplanationPanel* explanation_panel() const { return explanation_panel_; }

 protected:
  void closeEvent(QCloseEvent* event) override;

 private slots:
  void open_underlay_dialog();
  void open_overlay_dialog();
  void open_atlas_dialog();
  void save_screenshot_dialog();
  void open_dataset_dialog();
  void open_explanations_dialog();
  void export_overlay_dialog();
  void load_decoded_timeline_dialog();
  void go_to_dialog(bool voxel);
  void update_status();
  void apply_overlay_style();

 private:
  void build_menus();
  void build_browsing_docks();
  void rebuild_recent_menu();
  void restore_settings();
  void save_settings() const;
  // Runs `load`, shows its failure in a message box; true when it worked.
  bool reporting_errors(const QString& what, const std::function<void()>& load);
  QString choose_image(const QString& title);
  void update_title();

  ViewTabs* view_tabs_;
  viewers::OrthoViewWidget* views_;
  TimeSeriesPanel* time_series_ = nullptr;
  OverlayPanel* overlay_panel_;
  JobDocks* job_docks_;
  DataBrowser* data_browser_ = nullptr;
  ClusterPanel* cluster_panel_ = nullptr;
  ExplanationPanel* explanation_panel_ = nullptr;
  QAction* export_overlay_action_ = nullptr;
  QLabel* status_;
  QMenu* recent_menu_ = nullptr;
  QAction* radiological_action_ = nullptr;
  QAction* crosshair_action_ = nullptr;
  QAction* clear_overlay_action_ = nullptr;
  QString underlay_name_;
  QString overlay_name_;
};

}  // namespace gui
