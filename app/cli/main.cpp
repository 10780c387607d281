// neuroseq: the command-line front end. It never links Qt or VTK so that it
// runs on a cluster node without a display.

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

#include "app/cli/commands.h"
#include "app/jobs/allocator_policy.h"
#include "app/jobs/error_message.h"
#include "app/jobs/job_context.h"

#ifndef NEUROSEQ_VERSION
#define NEUROSEQ_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  jobs::keep_freed_memory_for_reuse();
  CLI::App app{"NeuroSeq: decode mental states from fMRI and explain each decision", "neuroseq"};
  app.set_version_flag("--version", NEUROSEQ_VERSION);
  app.require_subcommand(1);
  cli::add_info_command(app);
  cli::add_ls_command(app);
  cli::add_extract_command(app);
  cli::add_simulate_command(app);
  cli::add_decode_command(app);
  cli::add_pretrain_command(app);
  cli::add_train_command(app);
  cli::add_evaluate_command(app);
  cli::add_explain_command(app);
  cli::add_glm_command(app);
  cli::add_compare_explanations_command(app);
  cli::add_demo_command(app);
  cli::add_bench_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const jobs::Cancelled&) {
    std::fprintf(stderr, "neuroseq: interrupted\n");
    return 130;
  } catch (const std::exception& e) {
    // One line on stderr: the message names the file and the problem.
    std::fprintf(stderr, "neuroseq: error: %s\n", jobs::error_message(e).c_str());
    return 1;
  }
  return 0;
}
