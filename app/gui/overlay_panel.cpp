#include "app/gui/overlay_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

#include <algorithm>
#include <cmath>

namespace gui {
namespace {

QDoubleSpinBox* make_value_box(QWidget* parent, const char* name, double minimum) {
  auto* box = new QDoubleSpinBox(parent);
  box->setObjectName(name);
  box->setDecimals(3);
  box->setRange(minimum, 1e9);
  box->setKeyboardTracking(false);
  return box;
}

}  // namespace

OverlayPanel::OverlayPanel(QWidget* parent) : QWidget(parent) {
  colormap_ = new QComboBox(this);
  colormap_->setObjectName("colormap");
  for (viewers::ColormapName name : viewers::all_colormaps()) {
    colormap_->addItem(
        QString::fromUtf8(viewers::colormap_label(name).data(),
                          static_cast<qsizetype>(viewers::colormap_label(name).size())),
        static_cast<int>(name));
  }
  range_min_ = make_value_box(this, "range_min", -1e9);
  range_max_ = make_value_box(this, "range_max", -1e9);
  positive_threshold_ = make_value_box(this, "positive_threshold", 0);
  negative_threshold_ = make_value_box(this, "negative_threshold", 0);
  positive_threshold_->setToolTip("Positive values below this are not drawn.");
  negative_threshold_->setToolTip("Negative values whose magnitude is below this are not drawn.");

  opacity_ = new QSlider(Qt::Horizontal, this);
  opacity_->setObjectName("opacity");
  opacity_->setRange(0, 100);
  opacity_->setValue(100);
  opacity_value_ = new QLabel("100 %", this);
  opacity_value_->setMinimumWidth(40);
  auto* opacity_row = new QHBoxLayout;
  opacity_row->addWidget(opacity_, 1);
  opacity_row->addWidget(opacity_value_);

  auto* form = new QFormLayout(this);
  form->addRow("Colour map", colormap_);
  form->addRow("Display min", range_min_);
  form->addRow("Display max", range_max_);
  form->addRow("Threshold +", positive_threshold_);
  form->addRow("Threshold \u2212", negative_threshold_);
  form->addRow("Opacity", opacity_row);

  connect(colormap_, &QComboBox::currentIndexChanged, this, &OverlayPanel::emit_unless_showing);
  for (QDoubleSpinBox* box : {range_min_, range_max_, positive_threshold_, negative_threshold_}) {
    connect(box, &QDoubleSpinBox::valueChanged, this, &OverlayPanel::emit_unless_showing);
  }
  for (QDoubleSpinBox* box : {positive_threshold_, negative_threshold_}) {
    connect(box, &QDoubleSpinBox::valueChanged, this, [this] {
      if (!showing_) emit thresholds_changed(positive_threshold(), negative_threshold());
    });
  }
  connect(opacity_, &QSlider::valueChanged, this, [this](int value) {
    opacity_value_->setText(QString("%1 %").arg(value));
    emit_unless_showing();
  });
  set_has_overlay(false);
}

void OverlayPanel::show_style(const viewers::LayerStyle& style, double data_min, double data_max) {
  showing_ = true;
  const int index = colormap_->findData(static_cast<int>(style.colormap));
  colormap_->setCurrentIndex(std::max(index, 0));
  // Steps of a hundredth of the data's span move the thresholds usefully
  // whether the map holds z-scores or percent signal change.
  const double span = std::max(std::abs(data_max - data_min), 1e-6);
  const double step = std::pow(10.0, std::floor(std::log10(span / 100)));
  for (QDoubleSpinBox* box : {range_min_, range_max_, positive_threshold_, negative_threshold_}) {
    box->setSingleStep(step);
  }
  range_min_->setValue(style.range.min);
  range_max_->setValue(style.range.max);
  const viewers::Thresholds thresholds = style.thresholds.value_or(viewers::Thresholds{});
  positive_threshold_->setValue(thresholds.positive);
  negative_threshold_->setValue(thresholds.negative);
  opacity_->setValue(static_cast<int>(std::lround(style.opacity * 100)));
  showing_ = false;
}

void OverlayPanel::set_has_overlay(bool has_overlay) {
  setEnabled(has_overlay);
}

viewers::LayerStyle OverlayPanel::style() const {
  viewers::LayerStyle style;
  style.colormap = static_cast<viewers::ColormapName>(colormap_->currentData().toInt());
  style.range = {range_min_->value(), range_max_->value()};
  style.thresholds =
      viewers::Thresholds{positive_threshold_->value(), negative_threshold_->value()};
  style.opacity = opacity_->value() / 100.0;
  return style;
}

void OverlayPanel::set_thresholds(double positive, double negative) {
  {
    const QSignalBlocker block_positive(positive_threshold_);
    const QSignalBlocker block_negative(negative_threshold_);
    positive_threshold_->setValue(positive);
    negative_threshold_->setValue(negative);
  }
  emit_unless_showing();
  if (!showing_) emit thresholds_changed(positive_threshold(), negative_threshold());
}

double OverlayPanel::positive_threshold() const {
  return positive_threshold_->value();
}

double OverlayPanel::negative_threshold() const {
  return negative_threshold_->value();
}

void OverlayPanel::set_opacity(double opacity) {
  opacity_->setValue(static_cast<int>(std::lround(std::clamp(opacity, 0.0, 1.0) * 100)));
}

void OverlayPanel::emit_unless_showing() {
  if (!showing_) emit style_changed();
}

}  // namespace gui
