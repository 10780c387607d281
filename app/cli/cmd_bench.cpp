#include <cstdio>
#include <memory>

#include "app/cli/commands.h"
#include "app/jobs/bench_job.h"
#include "app/jobs/train_bench.h"

namespace cli {

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
  cmd->add_option("--algorithm", c->algorithm,
                  "auto, fft or direct (cpu; on cuda the kernel length decides)")
      ->check(CLI::IsMember({"auto", "fft", "direct"}))
      ->capture_default_str();
  cmd->add_option("--threads", c->threads, "Threads (0: all hardware threads)")
      ->capture_default_str();
  cmd->add_option("--repeats", c->repeats, "Timed calls after one warm-up")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->final_callback([c] {
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
