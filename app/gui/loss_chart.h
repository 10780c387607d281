#pragma once
// A live chart of the numbers a job records while it runs (training and
// validation loss against the step): one line per series, axes that grow to
// fit every point. A series whose step goes back (the next fold of a
// cross-validation trains anew) continues as a new line, "<series> (2)".

#include <QChartView>
#include <QHash>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>

class QLineSeries;
class QValueAxis;

namespace gui {

class LossChart : public QChartView {
  Q_OBJECT

 public:
  explicit LossChart(QWidget* parent = nullptr);

  void add_point(const QString& series, double step, double value);
  void clear();

  // The lines drawn, in the order they appeared, and their points.
  QStringList line_names() const;
  QList<QPointF> points(const QString& line) const;

 private:
  QLineSeries* line_for(const QString& series, double step);
  void grow_axes(double step, double value);

  QValueAxis* steps_axis_;
  QValueAxis* value_axis_;
  QHash<QString, QLineSeries*> current_line_;  // series -> its newest line
  QHash<QString, int> lines_of_series_;
  QList<QLineSeries*> lines_;
  bool empty_ = true;
  double min_step_ = 0, max_step_ = 1, min_value_ = 0, max_value_ = 1;
};

}  // namespace gui
