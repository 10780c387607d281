// Runs a core::WindowClassifier forward and backward on given inputs, for a
// PyTorch twin of the model to compare against:
//   encoder_probe CONFIG_JSON SEED INPUT.safetensors PARAMS.safetensors OUT.safetensors
// CONFIG_JSON is an EncoderConfig as JSON text. INPUT holds x [B, L, P],
// seconds [B, L], masked [B, L] (1 = replaced by the mask vector) and
// grad_logits [B, C]; C sets the number of states. Writes every parameter to
// PARAMS under its own name, and to OUT the logits [B, C] (eval mode), dL/dx
// [B, L, P] ("grad_x") and each parameter's gradient ("grad.<name>") after
// zero_grad and one backward of grad_logits. Prints which long-convolution
// algorithm ran. Errors go to stderr as one line, with exit status 1.

#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/io/safetensors.h"
#include "core/models/encoder_config.h"
#include "core/models/model_io.h"
#include "core/models/window_classifier.h"
#include "kernels/cpu/long_conv.h"

namespace {

const char* algorithm_name(kernels::cpu::LongConvAlgorithm a) {
  return a == kernels::cpu::LongConvAlgorithm::kFft ? "fft" : "direct";
}

// The path kAuto takes for this model's long convolutions (taps = L).
void print_conv_path(const core::EncoderConfig& config, const core::Tensor& x) {
  if (config.mixer != core::MixerKind::kLongConv) return;
  kernels::cpu::LongConvShape s;
  s.batch = x.size(0);
  s.length = x.size(1);
  s.channels = config.dim;
  s.kernel_length = x.size(1);
  s.bidirectional = config.bidirectional;
  std::printf("long conv: %s forward, %s backward\n",
              algorithm_name(kernels::cpu::long_conv_choose_algorithm(s, false)),
              algorithm_name(kernels::cpu::long_conv_choose_algorithm(s, true)));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr,
                 "usage: encoder_probe CONFIG_JSON SEED INPUT.safetensors PARAMS.safetensors "
                 "OUT.safetensors\n");
    return 2;
  }
  try {
    const core::EncoderConfig config =
        core::encoder_config_from_json(nlohmann::json::parse(std::string(argv[1])));
    const uint64_t seed = std::stoull(argv[2]);
    const auto input = core::read_safetensors(argv[3]);
    core::WindowBatch batch;
    batch.x = input.at("x").clone();
    batch.seconds = input.at("seconds").clone();
    for (float m : input.at("masked").values())
      batch.masked.push_back(m != 0.0f ? 1 : 0);
    const core::Tensor& grad_logits = input.at("grad_logits");
    if (grad_logits.rank() != 2 || grad_logits.size(0) != batch.x.size(0)) {
      throw std::runtime_error("grad_logits must be [B, C], got " +
                               grad_logits.shape().to_string());
    }

    core::WindowClassifier model(config, grad_logits.size(1), seed);
    const std::vector<core::Parameter*> params = model.parameters();
    core::write_safetensors(argv[4], core::parameter_tensors(params));
    print_conv_path(config, batch.x);

    core::Context ctx;
    const core::Tensor logits = model.forward(batch, ctx);  // eval mode
    model.zero_grad();
    const core::Tensor grad_x = model.backward(grad_logits, ctx);

    std::vector<core::NamedTensor> out{{"logits", logits}, {"grad_x", grad_x}};
    for (const core::Parameter* p : params)
      out.push_back({"grad." + p->name, p->grad});
    core::write_safetensors(argv[5], out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
