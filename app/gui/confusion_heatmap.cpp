#include "app/gui/confusion_heatmap.h"

#include <QFontMetrics>
#include <QPaintEvent>
#include <QPainter>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace gui {

namespace {

constexpr int kMinCell = 28;
constexpr int kMargin = 4;

// White for 0, deep blue for a whole row in one cell.
QColor share_colour(double share) {
  const double s = std::clamp(share, 0.0, 1.0);
  const auto mix = [s](int from, int to) { return static_cast<int>(from + (to - from) * s); };
  return QColor(mix(255, 8), mix(255, 48), mix(255, 107));
}

}  // namespace

ConfusionHeatmap::ConfusionHeatmap(QWidget* parent) : QWidget(parent) {
  setObjectName("confusion_heatmap");
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ConfusionHeatmap::set_matrix(const QStringList& states, const std::vector<int64_t>& counts) {
  const auto k = static_cast<size_t>(states.size());
  if (counts.size() != k * k) {
    throw std::invalid_argument("confusion matrix: " + std::to_string(counts.size()) +
                                " counts for " + std::to_string(k) + " states (expected " +
                                std::to_string(k * k) + ")");
  }
  states_ = states;
  counts_ = counts;
  updateGeometry();
  update();
}

void ConfusionHeatmap::clear() {
  states_.clear();
  counts_.clear();
  update();
}

int64_t ConfusionHeatmap::count(int true_state, int decoded_state) const {
  const int k = states();
  if (true_state < 0 || true_state >= k || decoded_state < 0 || decoded_state >= k) {
    throw std::out_of_range("confusion matrix: no cell (" + std::to_string(true_state) + ", " +
                            std::to_string(decoded_state) + ")");
  }
  return counts_[static_cast<size_t>(true_state * k + decoded_state)];
}

double ConfusionHeatmap::row_share(int true_state, int decoded_state) const {
  int64_t total = 0;
  for (int b = 0; b < states(); ++b)
    total += count(true_state, b);
  return total > 0
             ? static_cast<double>(count(true_state, decoded_state)) / static_cast<double>(total)
             : 0.0;
}

QSize ConfusionHeatmap::minimumSizeHint() const {
  const QFontMetrics metrics(font());
  int label = 0;
  for (const QString& s : states_)
    label = std::max(label, metrics.horizontalAdvance(s));
  const int side = label + kMargin * 2 + kMinCell * std::max(1, states());
  return {side, side};
}

QSize ConfusionHeatmap::sizeHint() const {
  return minimumSizeHint() + QSize(kMinCell * 2, kMinCell * 2);
}

void ConfusionHeatmap::paintEvent(QPaintEvent* /*event*/) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().base());
  const int k = states();
  if (k == 0) {
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(rect(), Qt::AlignCenter, "No results open");
    return;
  }
  const QFontMetrics metrics(font());
  int label = 0;
  for (const QString& s : states_)
    label = std::max(label, metrics.horizontalAdvance(s));
  label += kMargin * 2;
  const int cell = std::max(8, std::min(width() - label, height() - label) / k);
  const QRect grid(label, label, cell * k, cell * k);

  // Decoded states along the top (drawn upwards), true states down the left.
  painter.setPen(palette().color(QPalette::Text));
  for (int i = 0; i < k; ++i) {
    painter.drawText(QRect(0, grid.top() + i * cell, label - kMargin, cell),
                     Qt::AlignRight | Qt::AlignVCenter, states_[i]);
    painter.save();
    painter.translate(grid.left() + i * cell, label - kMargin);
    painter.rotate(-90);
    painter.drawText(QRect(0, 0, label - kMargin, cell), Qt::AlignLeft | Qt::AlignVCenter,
                     states_[i]);
    painter.restore();
  }
  for (int a = 0; a < k; ++a) {
    for (int b = 0; b < k; ++b) {
      const QRect box(grid.left() + b * cell, grid.top() + a * cell, cell, cell);
      const double share = row_share(a, b);
      painter.fillRect(box, share_colour(share));
      painter.setPen(share > 0.5 ? Qt::white : Qt::black);
      painter.drawText(box, Qt::AlignCenter, QString::number(count(a, b)));
    }
  }
  painter.setPen(palette().color(QPalette::Mid));
  painter.drawRect(grid.adjusted(0, 0, -1, -1));
}

}  // namespace gui
