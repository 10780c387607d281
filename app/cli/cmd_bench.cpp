#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/jobs/bench_job.h"
#include "app/jobs/train_bench.h"
#include "kernels/backend.h"

namespace cli {

namespace {

// Buffers in a backend's memory, freed with it.
class BackendBuffers {
 public:
  explicit BackendBuffers(const kernels::Backend& backend) : backend_(backend) {}
  ~BackendBuffers() {
    for (float* p : owned_)
      backend_.free(p);
  }
  BackendBuffers(const BackendBuffers&) = delete;
  BackendBuffers& operator=(const BackendBuffers&) = delete;

  // `count` values uniform in [-scale, scale): only their being finite and
  // non-zero matters for timing.
  float* random(int64_t count, float scale, std::mt19937& rng) {
    std::uniform_real_distribution<float> dist(-scale, scale);
    std::vector<float> host(static_cast<size_t>(count));
    for (auto& v : host)
      v = dist(rng);
    float* p = empty(count);
    backend_.upload(host.data(), p, count);
    return p;
  }
  float* empty(int64_t count) {
    owned_.push_back(backend_.alloc(count));
    return owned_.back();
  }

 private:
  const kernels::Backend& backend_;
  std::vector<float*> owned_;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

// `--device cuda`: the CUDA long convolution on device buffers, each call
// timed with CUDA events after one untimed warm-up (which makes the cuFFT
// plans and fills the memory pool). Besides the times it reports the
// effective bandwidth against the memory floor: reading u [B, L, H] and
// k [H, (2,) Lk] and writing y [B, L, H] once, in float32.
void run_cuda_long_conv_bench(const jobs::LongConvBenchConfig& c) {
  const kernels::Backend* cuda = kernels::cuda_backend();
  if (!cuda) throw std::runtime_error("no CUDA device found");
  const int64_t lk = c.kernel_length > 0 ? c.kernel_length : c.length;
  if (c.batch < 1 || c.channels < 1 || c.length < 1 || lk > c.length) {
    throw std::invalid_argument(
        "bench longconv: batch, channels and length must be >= 1 and kernel-length <= length");
  }
  const kernels::cpu::LongConvShape shape{c.batch, c.length, c.channels, lk, c.bidirectional};
  std::mt19937 rng(static_cast<uint32_t>(c.seed));
  BackendBuffers buffers(*cuda);
  const float* u = buffers.random(shape.signal_size(), 1.0f, rng);  // [B, L, H]
  const float* dy = buffers.random(shape.signal_size(), 1.0f, rng);
  const float* k = buffers.random(shape.kernel_size(), 1.0f / static_cast<float>(lk), rng);
  const float* d = buffers.random(shape.channels, 1.0f, rng);  // [H]
  float* y = buffers.empty(shape.signal_size());
  float *du = nullptr, *dk = nullptr, *dd = nullptr;
  if (c.backward) {
    du = buffers.empty(shape.signal_size());
    dk = buffers.empty(shape.kernel_size());
    dd = buffers.empty(shape.channels);
  }
  const auto times = cuda->time_calls_ms(
      [&] {
        cuda->long_conv_forward(shape, u, k, d, y);
        if (c.backward) cuda->long_conv_backward(shape, u, k, d, dy, du, dk, dd);
      },
      1, c.repeats);
  const double median_ms = median(times);
  const double floor_bytes =
      4.0 * static_cast<double>(2 * shape.signal_size() + shape.kernel_size());
  std::printf(
      "longconv cuda: B=%lld H=%lld L=%lld Lk=%lld %s, %s, fft (n=%lld), %s, %zu runs, "
      "min %.3f ms, %.1f GB/s effective (floor %.1f MB: u, k, y once)\n",
      static_cast<long long>(c.batch), static_cast<long long>(c.channels),
      static_cast<long long>(c.length), static_cast<long long>(lk),
      c.bidirectional ? "bidirectional" : "causal", c.backward ? "forward+backward" : "forward",
      static_cast<long long>(cuda->long_conv_fft_size(shape)),
      kernels::cuda_device_description().c_str(), times.size(),
      *std::min_element(times.begin(), times.end()), floor_bytes / (median_ms * 1e6),
      floor_bytes / 1e6);
  // Last line: the median alone, for scripts.
  std::printf("%.3f ms\n", median_ms);
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Time compute kernels at model sizes on this machine");
  bench->require_subcommand(1);

  auto* cmd = bench->add_subcommand(
      "longconv", "Long convolution [B, L, H] * [H, Lk]; prints the median time in ms last");
  auto c = std::make_shared<jobs::LongConvBenchConfig>();
  cmd->add_option("--batch", c->batch, "Batch size B")->capture_default_str();
  cmd->add_option("--channels", c->channels, "Channels H")->capture_default_str();
  cmd->add_option("--length", c->length, "Sequence length L")->capture_default_str();
  cmd->add_option("--kernel-length", c->kernel_length, "Kernel length Lk (0: the full length)")
      ->capture_default_str();
  cmd->add_flag("--bidirectional", c->bidirectional, "Two-sided kernel [H, 2, Lk]");
  cmd->add_flag("--backward", c->backward, "Time forward + backward (all gradients)");
  cmd->add_option("--device", c->device, "cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  cmd->add_option("--algorithm", c->algorithm, "auto, fft or direct")
      ->check(CLI::IsMember({"auto", "fft", "direct"}))
      ->capture_default_str();
  cmd->add_option("--threads", c->threads, "Threads (0: all hardware threads)")
      ->capture_default_str();
  cmd->add_option("--repeats", c->repeats, "Timed calls after one warm-up")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->final_callback([c] {
    if (c->device == "cuda") {
      run_cuda_long_conv_bench(*c);
      return;
    }
    const auto result = jobs::run_long_conv_bench(*c, jobs::JobContext{});
    std::printf("%s\n", jobs::describe(*c, result).c_str());
    // Last line: the median alone, for scripts.
    std::printf("%.3f ms\n", result.median_ms);
  });

  auto* train = bench->add_subcommand(
      "train", "Training steps of a decoder from a preset; prints windows/s last");
  auto t = std::make_shared<jobs::TrainBenchConfig>();
  train->add_option("--preset", t->preset, "Model preset name or .toml file")
      ->capture_default_str();
  train->add_option("--batch", t->batch, "Windows per step")->capture_default_str();
  train->add_option("--frames", t->frames, "Frames per window")->capture_default_str();
  train->add_option("--parcels", t->parcels, "Parcels (input size)")->capture_default_str();
  train->add_option("--states", t->states, "States (classes)")->capture_default_str();
  train->add_option("--steps", t->steps, "Timed steps")->capture_default_str();
  train->add_option("--warmup", t->warmup, "Untimed steps first")->capture_default_str();
  train->final_callback([t] {
    const auto r = jobs::run_train_bench(*t);
    std::printf("train %s: B=%lld L=%lld P=%lld, %lld parameters, median step %.3f ms\n",
                t->preset.c_str(), static_cast<long long>(t->batch),
                static_cast<long long>(t->frames), static_cast<long long>(t->parcels),
                static_cast<long long>(r.parameters), r.median_ms);
    std::printf("windows_per_s %.1f\n", r.windows_per_second);
  });
}

}  // namespace cli
