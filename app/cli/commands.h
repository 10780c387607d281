#pragma once
// Each subcommand registers itself on the application and runs when chosen.
// One file per subcommand keeps them thin: parsing here, work in app/jobs.

#include <CLI/CLI.hpp>

namespace cli {

void add_info_command(CLI::App& app);
void add_ls_command(CLI::App& app);
void add_extract_command(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_decode_command(CLI::App& app);
void add_demo_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_pretrain_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_evaluate_command(CLI::App& app);
void add_explain_command(CLI::App& app);
void add_glm_command(CLI::App& app);
void add_compare_explanations_command(CLI::App& app);

}  // namespace cli
