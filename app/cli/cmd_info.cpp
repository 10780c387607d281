#include <cstdio>
#include <string>

#include "app/cli/commands.h"
#include "app/jobs/info_job.h"

namespace cli {

void add_info_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "Print what an image header says (NIfTI-1/2, Analyze)");
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("FILE", *file, "Image file (.nii, .nii.gz, .hdr/.img)")->required();
  cmd->add_flag("--json", *json, "Print JSON instead of text");
  cmd->final_callback([file, json] {
    const auto info = jobs::image_info(*file);
    const std::string text = *json ? info.dump(2) + "\n" : jobs::format_image_info(info);
    std::fputs(text.c_str(), stdout);
  });
}

}  // namespace cli
