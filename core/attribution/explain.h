#pragma once
// One entry point for every attribution method: a method named by string
// (config files, the command line) and the options of all methods in one
// struct, of which the chosen method reads its own.

#include <string_view>

#include "core/attribution/explanation.h"
#include "core/attribution/integrated_gradients.h"
#include "core/attribution/lrp.h"
#include "core/attribution/occlusion.h"
#include "core/attribution/smoothgrad.h"

namespace core {

enum class AttributionMethod {
  kGradient,
  kSaliency,
  kInputXGradient,
  kSmoothGrad,
  kIntegratedGradients,
  kLrp,
  kOcclusionParcels,
  kOcclusionTime,
};

// "gradient", "saliency", "input_x_gradient", "smoothgrad",
// "integrated_gradients", "lrp", "occlusion_parcels", "occlusion_time"; the
// parser throws std::invalid_argument naming the accepted values.
const char* attribution_method_name(AttributionMethod method);
AttributionMethod parse_attribution_method(std::string_view name);

struct ExplainOptions {
  int target = kPredicted;  // the state explained in every window, or each one's prediction
  SmoothGradOptions smoothgrad;
  IntegratedGradientsOptions integrated_gradients;
  LrpOptions lrp;
  OcclusionOptions occlusion;
};

// Throws std::invalid_argument, naming the method and the field, for options
// the method cannot use (a target outside [0, C) included).
Explanation explain(WindowClassifier& model, const WindowBatch& batch, AttributionMethod method,
                    const ExplainOptions& options = {});

}  // namespace core
