#pragma once
// Gradient attributions of one logit per window (Simonyan et al. 2014;
// Shrikumar et al. 2016): the signed gradient, its absolute value (saliency)
// and the input times the gradient. None has an error to report (NaN).

#include "core/attribution/explanation.h"

namespace core {

// d logit_target / d x [B, L, P].
Explanation explain_gradient(WindowClassifier& model, const WindowBatch& batch,
                             int target = kPredicted);
// |d logit_target / d x|.
Explanation explain_saliency(WindowClassifier& model, const WindowBatch& batch,
                             int target = kPredicted);
// x * d logit_target / d x.
Explanation explain_input_x_gradient(WindowClassifier& model, const WindowBatch& batch,
                                     int target = kPredicted);

}  // namespace core
