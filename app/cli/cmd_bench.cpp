#include <cstdio>
#include <memory>

#include "app/cli/commands.h"
#include "app/jobs/bench_job.h"

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
  cmd->add_option("--algorithm", c->algorithm, "auto, fft or direct")
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
}

}  // namespace cli
