#include "core/attribution/explain.h"

#include <stdexcept>
#include <string>

#include "core/attribution/gradient.h"

namespace core {

namespace {
constexpr AttributionMethod kMethods[] = {
    AttributionMethod::kGradient,
    AttributionMethod::kSaliency,
    AttributionMethod::kInputXGradient,
    AttributionMethod::kSmoothGrad,
    AttributionMethod::kIntegratedGradients,
    AttributionMethod::kLrp,
    AttributionMethod::kOcclusionParcels,
    AttributionMethod::kOcclusionTime,
};
}  // namespace

const char* attribution_method_name(AttributionMethod method) {
  switch (method) {
    case AttributionMethod::kGradient:
      return "gradient";
    case AttributionMethod::kSaliency:
      return "saliency";
    case AttributionMethod::kInputXGradient:
      return "input_x_gradient";
    case AttributionMethod::kSmoothGrad:
      return "smoothgrad";
    case AttributionMethod::kIntegratedGradients:
      return "integrated_gradients";
    case AttributionMethod::kLrp:
      return "lrp";
    case AttributionMethod::kOcclusionParcels:
      return "occlusion_parcels";
    case AttributionMethod::kOcclusionTime:
      return "occlusion_time";
  }
  return "?";
}

AttributionMethod parse_attribution_method(std::string_view name) {
  for (AttributionMethod method : kMethods)
    if (name == attribution_method_name(method)) return method;
  std::string accepted;
  for (size_t i = 0; i < std::size(kMethods); ++i) {
    if (i) accepted += i + 1 == std::size(kMethods) ? " or " : ", ";
    accepted += attribution_method_name(kMethods[i]);
  }
  throw std::invalid_argument("unknown attribution method '" + std::string(name) + "' (expected " +
                              accepted + ")");
}

Explanation explain(WindowClassifier& model, const WindowBatch& batch, AttributionMethod method,
                    const ExplainOptions& options) {
  const int target = options.target;
  switch (method) {
    case AttributionMethod::kGradient:
      return explain_gradient(model, batch, target);
    case AttributionMethod::kSaliency:
      return explain_saliency(model, batch, target);
    case AttributionMethod::kInputXGradient:
      return explain_input_x_gradient(model, batch, target);
    case AttributionMethod::kSmoothGrad:
      return explain_smoothgrad(model, batch, target, options.smoothgrad);
    case AttributionMethod::kIntegratedGradients:
      return explain_integrated_gradients(model, batch, target, options.integrated_gradients);
    case AttributionMethod::kLrp:
      return explain_lrp(model, batch, target, options.lrp);
    case AttributionMethod::kOcclusionParcels:
      return explain_occlusion_parcels(model, batch, target, options.occlusion);
    case AttributionMethod::kOcclusionTime:
      return explain_occlusion_time(model, batch, target, options.occlusion);
  }
  throw std::invalid_argument("explain: unknown attribution method");
}

}  // namespace core
