#pragma once
// The confusion matrix of a decoder as a heatmap: rows are the true states,
// columns the decoded ones; each cell shows its count, coloured by the share
// of its row (so a rare state's diagonal is as visible as a common one's),
// with the state names along both axes.

#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <vector>

namespace gui {

class ConfusionHeatmap : public QWidget {
  Q_OBJECT

 public:
  explicit ConfusionHeatmap(QWidget* parent = nullptr);

  // counts: [K * K], row-major (true, decoded). Throws std::invalid_argument
  // when their number is not the square of the number of states.
  void set_matrix(const QStringList& states, const std::vector<int64_t>& counts);
  void clear();

  int states() const { return static_cast<int>(states_.size()); }
  int64_t count(int true_state, int decoded_state) const;
  // The count over its row's total, 0 for an empty row.
  double row_share(int true_state, int decoded_state) const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QStringList states_;
  std::vector<int64_t> counts_;
};

}  // namespace gui
