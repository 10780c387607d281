#include "core/models/model_io.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/models/encoder_config.h"

namespace core {

std::vector<NamedTensor> parameter_tensors(std::span<Parameter* const> parameters) {
  std::vector<NamedTensor> out;
  out.reserve(parameters.size());
  for (const Parameter* p : parameters)
    out.push_back({p->name, p->value});
  return out;
}

void load_parameters(const SafetensorsContents& weights, std::span<Parameter* const> parameters,
                     const std::string& source, const std::string& prefix) {
  for (Parameter* p : parameters) {
    if (!prefix.empty() && !p->name.starts_with(prefix)) continue;
    const Tensor* stored = weights.find(p->name);
    if (!stored) throw std::runtime_error(source + ": no tensor " + p->name + " in the checkpoint");
    if (stored->shape() != p->value.shape()) {
      throw std::runtime_error(source + ": " + p->name + " has shape " +
                               stored->shape().to_string() + ", the model expects " +
                               p->value.shape().to_string());
    }
    p->value = stored->clone();
  }
}

EncoderConfig encoder_config_of(const Checkpoint& checkpoint, const std::string& source) {
  if (!checkpoint.config.contains("encoder")) {
    throw std::runtime_error(source + ": the checkpoint's config has no encoder");
  }
  try {
    return encoder_config_from_json(checkpoint.config.at("encoder"));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(source + ": " + e.what());
  }
}

}  // namespace core
