#pragma once
// `neuroseq bench train`: training throughput of a decoder built from a model
// preset (forward, cross-entropy, backward, clipping and AdamW per step) on
// random windows, in windows per second; tests/bench/torch_encoder_train.py
// times the same model in PyTorch.

#include <cstdint>
#include <string>
#include <vector>

namespace jobs {

struct TrainBenchConfig {
  std::string preset = "longconv-small";
  int64_t batch = 32;
  int64_t frames = 32;
  int64_t parcels = 48;
  int64_t states = 4;
  int steps = 50;  // timed
  int warmup = 5;  // untimed
  uint64_t seed = 1;
};

struct TrainBenchResult {
  int64_t parameters = 0;
  std::vector<double> step_ms;
  double median_ms = 0;
  double windows_per_second = 0;  // batch / median step time
};

TrainBenchResult run_train_bench(const TrainBenchConfig& config);

}  // namespace jobs
