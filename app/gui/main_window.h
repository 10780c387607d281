#pragma once
// The desktop application's window: three orthogonal views of an underlay
// with an optional overlay and atlas, the overlay's controls in a dock, and
// the cursor's world, voxel, value and region in the status bar.

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

  viewers::OrthoViewWidget* views() const { return views_; }
  OverlayPanel* overlay_panel() const { return overlay_panel_; }

 protected:
  void closeEvent(QCloseEvent* event) override;

 private slots:
  void open_underlay_dialog();
  void open_overlay_dialog();
  void open_atlas_dialog();
  void save_screenshot_dialog();
  void go_to_dialog(bool voxel);
  void update_status();
  void apply_overlay_style();

 private:
  void build_menus();
  void rebuild_recent_menu();
  void restore_settings();
  void save_settings() const;
  // Runs `load`, shows its failure in a message box; true when it worked.
  bool reporting_errors(const QString& what, const std::function<void()>& load);
  QString choose_image(const QString& title);
  void update_title();

  viewers::OrthoViewWidget* views_;
  OverlayPanel* overlay_panel_;
  QLabel* status_;
  QMenu* recent_menu_ = nullptr;
  QAction* radiological_action_ = nullptr;
  QAction* crosshair_action_ = nullptr;
  QAction* clear_overlay_action_ = nullptr;
  QString underlay_name_;
  QString overlay_name_;
};

}  // namespace gui
