#pragma once
// The green lines that mark the cursor in a scene: the crosshair of a slice
// view, the small cross of a lightbox tile, the three axes of the 3-D view.
// Internal to the views' implementations.

#include <array>

#include <vtkNew.h>

class vtkActor;
class vtkPoints;
class vtkPolyData;
class vtkPolyDataMapper;
class vtkRenderer;

namespace viewers {

class CursorLines {
 public:
  // `segments` lines, hidden until placed, added to `renderer`.
  CursorLines(vtkRenderer* renderer, int segments, double line_width);
  ~CursorLines();
  CursorLines(const CursorLines&) = delete;
  CursorLines& operator=(const CursorLines&) = delete;

  // Moves line `index` to run from `from` to `to` (world or canvas mm).
  void place(int index, const std::array<double, 3>& from, const std::array<double, 3>& to);
  void set_visible(bool visible);

 private:
  vtkNew<vtkPoints> points_;
  vtkNew<vtkPolyData> lines_;
  vtkNew<vtkPolyDataMapper> mapper_;
  vtkNew<vtkActor> actor_;
};

}  // namespace viewers
