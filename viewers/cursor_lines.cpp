#include "viewers/cursor_lines.h"

#include <vtkActor.h>
#include <vtkCellArray.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>

namespace viewers {

CursorLines::CursorLines(vtkRenderer* renderer, int segments, double line_width) {
  points_->SetNumberOfPoints(2 * segments);
  vtkNew<vtkCellArray> cells;
  for (vtkIdType i = 0; i < segments; ++i) {
    const vtkIdType ends[2] = {2 * i, 2 * i + 1};
    cells->InsertNextCell(2, ends);
  }
  lines_->SetPoints(points_);
  lines_->SetLines(cells);
  mapper_->SetInputData(lines_);
  actor_->SetMapper(mapper_);
  actor_->GetProperty()->SetColor(0.2, 1.0, 0.2);
  actor_->GetProperty()->LightingOff();
  actor_->GetProperty()->SetLineWidth(static_cast<float>(line_width));
  actor_->PickableOff();
  actor_->VisibilityOff();
  renderer->AddActor(actor_);
}

CursorLines::~CursorLines() = default;

void CursorLines::place(int index, const std::array<double, 3>& from,
                        const std::array<double, 3>& to) {
  points_->SetPoint(2 * index, from.data());
  points_->SetPoint(2 * index + 1, to.data());
  points_->Modified();
  lines_->Modified();
}

void CursorLines::set_visible(bool visible) {
  actor_->SetVisibility(visible);
}

}  // namespace viewers
