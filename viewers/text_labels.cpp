#include "viewers/text_labels.h"

#include <vtkCoordinate.h>
#include <vtkTextActor.h>

namespace viewers {

void set_look(vtkTextActor* label, const LabelLook& look) {
  vtkTextProperty* text = label->GetTextProperty();
  text->SetFontSize(look.font_size);
  text->SetColor(look.colour[0], look.colour[1], look.colour[2]);
  text->SetBold(look.bold);
  text->SetShadow(look.shadow);
  text->SetJustification(look.horizontal);
  text->SetVerticalJustification(look.vertical);
  vtkCoordinate* position = label->GetPositionCoordinate();
  if (look.units == LabelUnits::kViewportFraction) {
    position->SetCoordinateSystemToNormalizedViewport();
  } else {
    position->SetCoordinateSystemToViewport();
  }
}

}  // namespace viewers
