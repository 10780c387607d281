#include <cstdio>
#include <memory>

#include "app/cli/commands.h"
#include "app/cli/terminal_progress.h"
#include "app/jobs/demo_job.h"

namespace cli {

void add_demo_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "demo",
      "Simulate a small dataset, decode held-out subjects, explain the decisions and write a "
      "report");
  auto config = std::make_shared<jobs::DemoConfig>();
  cmd->add_option("-o,--out", config->output, "Output folder")->capture_default_str();
  cmd->add_option("--subjects", config->subjects, "Simulated subjects")->capture_default_str();
  cmd->add_option("--seed", config->seed, "Random seed")->capture_default_str();
  cmd->add_option("--model", config->model,
                  "Pretrained encoder to fine-tune (default: the shipped one)");
  cmd->final_callback([config] {
    const auto result = jobs::run_demo(*config, terminal_job_context("demo"));
    const auto& d = result.linear;
    std::printf(
        "linear decoder, leave one subject out: accuracy %.3f, balanced accuracy %.3f "
        "(chance %.3f, binomial p = %.2g, %ld windows)\n",
        d.scores.accuracy, d.scores.balanced_accuracy, d.chance, d.binomial_p, d.windows);
    const auto& e = result.encoder.summary;
    std::printf(
        "pretrained long-conv encoder, fine-tuned: accuracy %.3f, balanced accuracy %.3f "
        "(binomial p = %.2g, %ld windows)\n",
        e.scores.accuracy, e.scores.balanced_accuracy, e.binomial_p, e.windows);
    const auto& x = result.explanation;
    std::printf("explanations of %ld held-out windows (%ld decoded correctly), %zu methods: %s\n",
                x.windows, x.correct, x.methods.size(), x.report.c_str());
    std::printf("report: %s\n", result.report.c_str());
  });
}

}  // namespace cli
