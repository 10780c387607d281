// Writes and reads safetensors checkpoints the way NeuroSeq does, for a peer
// reader and writer to compare against.
//   safetensors_probe write OUT.safetensors      a fixed checkpoint (+ OUT.json)
//   safetensors_probe read IN.safetensors OUT.json   what NeuroSeq read, as JSON
// Errors go to stderr as one line, with exit status 1.

#include <cfloat>
#include <cstdio>
#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/io/safetensors.h"

namespace {

// Values that exercise the format: exact binary fractions, reciprocals
// (rounded the same by any IEEE implementation), extremes, a subnormal and -0.
std::vector<core::NamedTensor> fixed_tensors() {
  std::vector<float> embed(12), kernel(24);
  for (size_t i = 0; i < embed.size(); ++i)
    embed[i] = (static_cast<float>(i) - 5.0f) * 0.375f;
  for (size_t i = 0; i < kernel.size(); ++i)
    kernel[i] = 1.0f / static_cast<float>(i + 1);
  return {
      {"encoder.embed.weight", core::Tensor::from_values({3, 4}, embed)},
      {"encoder.blocks.0.kernel", core::Tensor::from_values({2, 2, 3, 2}, kernel)},
      {"head.bias", core::Tensor::from_values({2}, {FLT_MAX, -FLT_MIN})},
      {"a.extremes", core::Tensor::from_values({3}, {FLT_TRUE_MIN, -0.0f, 65504.0f})},
      {"z.empty", core::Tensor({0, 4})},
  };
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (!((mode == "write" && argc == 3) || (mode == "read" && argc == 4))) {
    std::fprintf(stderr,
                 "usage: safetensors_probe write OUT.safetensors | read IN.safetensors OUT.json\n");
    return 2;
  }
  try {
    if (mode == "write") {
      const nlohmann::json config = {
          {"model", "hyena"}, {"d_model", 16}, {"layers", {2, 2}}, {"dropout", 0.125}};
      core::save_checkpoint(argv[2], fixed_tensors(), config, {{"epoch", "3"}});
      return 0;
    }
    const auto contents = core::read_safetensors(argv[2]);
    nlohmann::json out;
    out["metadata"] = contents.metadata;
    out["order"] = nlohmann::json::array();
    for (const auto& t : contents.tensors) {
      std::vector<int64_t> shape;
      for (int d = 0; d < t.tensor.rank(); ++d)
        shape.push_back(t.tensor.size(d));
      const auto v = t.tensor.values();
      out["tensors"][t.name] = {{"shape", shape}, {"data", std::vector<float>(v.begin(), v.end())}};
      out["order"].push_back(t.name);
    }
    std::ofstream(argv[3]) << out.dump();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
