#pragma once
// The controls of the overlay: colour map, display range, thresholds that
// hide small values of either sign, and opacity.

#include <QWidget>

#include "viewers/colormap.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;

namespace gui {

class OverlayPanel : public QWidget {
  Q_OBJECT

 public:
  explicit OverlayPanel(QWidget* parent = nullptr);

  // Shows `style` for an overlay whose values span [data_min, data_max],
  // without emitting style_changed.
  void show_style(const viewers::LayerStyle& style, double data_min, double data_max);
  // Greys the controls out while there is no overlay.
  void set_has_overlay(bool has_overlay);

  viewers::LayerStyle style() const;

  void set_thresholds(double positive, double negative);
  double positive_threshold() const;
  double negative_threshold() const;
  void set_opacity(double opacity);

 signals:
  void style_changed();
  // A threshold was changed (by the user or set_thresholds), not by show_style.
  void thresholds_changed(double positive, double negative);

 private:
  void emit_unless_showing();

  QComboBox* colormap_;
  QDoubleSpinBox* range_min_;
  QDoubleSpinBox* range_max_;
  QDoubleSpinBox* positive_threshold_;
  QDoubleSpinBox* negative_threshold_;
  QSlider* opacity_;
  QLabel* opacity_value_;
  bool showing_ = false;
};

}  // namespace gui
