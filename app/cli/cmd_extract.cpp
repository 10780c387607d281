#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/terminal_progress.h"
#include "app/jobs/extract_job.h"

namespace cli {

namespace {

struct ExtractFlags {
  jobs::ExtractConfig config;
  std::string mask;
  std::string atlas_names;
  std::string confounds;
  std::string filter = "none";
  std::string standardize = "zscore";
  bool no_detrend = false;
};

}  // namespace

void add_extract_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "extract", "Extract one time series per atlas region from a BOLD run, as TSV");
  auto f = std::make_shared<ExtractFlags>();
  auto& c = f->config;
  cmd->add_option("BOLD", c.bold, "4-D BOLD image (.nii, .nii.gz)")->required();
  cmd->add_option("--atlas", c.atlas, "Label atlas (3-D integers) or, with --maps, 4-D maps")
      ->required();
  cmd->add_flag("--maps", c.probabilistic, "The atlas is probabilistic: least-squares extraction");
  cmd->add_option("--atlas-names", f->atlas_names,
                  "Region names: FSL .xml, mricron .txt or index<TAB>name .tsv "
                  "(default: found beside the atlas)");
  cmd->add_option("--mask", f->mask, "Brain mask (3-D, nonzero = brain)");
  cmd->add_flag("--compute-mask", c.compute_mask, "Compute a brain mask from the data (EPI mask)");
  cmd->add_option("-o,--output", c.output, "Output table (.tsv), one column per region")
      ->required();
  cmd->add_flag("--clean", c.clean,
                "Clean the series: detrend, filter, regress confounds, standardize");
  cmd->add_flag("--no-detrend", f->no_detrend, "Do not remove linear trends when cleaning");
  cmd->add_option("--filter", f->filter, "High-pass filter: none, cosine or butterworth")
      ->check(CLI::IsMember({"none", "cosine", "butterworth"}));
  cmd->add_option("--high-pass", c.clean_options.high_pass_hz, "High-pass cut-off in Hz (0: off)");
  cmd->add_option("--low-pass", c.clean_options.low_pass_hz,
                  "Low-pass cut-off in Hz, Butterworth only (0: off)");
  cmd->add_option("--standardize", f->standardize,
                  "none, zscore, zscore_sample or psc (percent signal change)")
      ->check(CLI::IsMember({"none", "zscore", "zscore_sample", "psc"}));
  cmd->add_option("--confounds", f->confounds, "fMRIPrep *_desc-confounds_timeseries.tsv");
  cmd->add_option("--confound", c.confound_columns,
                  "Confound column name or glob (e.g. 'trans_*'); repeatable; default all");
  cmd->final_callback([f] {
    auto& c = f->config;
    if (!f->mask.empty()) c.mask = f->mask;
    if (!f->atlas_names.empty()) c.atlas_names = f->atlas_names;
    if (!f->confounds.empty()) c.confounds = f->confounds;
    using Filter = neuro::CleanOptions::Filter;
    using Standardize = neuro::CleanOptions::Standardize;
    const std::map<std::string, Filter> filters{{"none", Filter::kNone},
                                                {"cosine", Filter::kCosine},
                                                {"butterworth", Filter::kButterworth}};
    const std::map<std::string, Standardize> standardize{
        {"none", Standardize::kNone},
        {"zscore", Standardize::kZScore},
        {"zscore_sample", Standardize::kZScoreSample},
        {"psc", Standardize::kPercentSignalChange}};
    c.clean_options.filter = filters.at(f->filter);
    c.clean_options.standardize = standardize.at(f->standardize);
    c.clean_options.detrend = !f->no_detrend;
    const auto result = jobs::run_extract(c, terminal_job_context("extract"));
    for (const auto& note : result.notes)
      std::fprintf(stderr, "neuroseq: note: %s\n", note.c_str());
    std::printf("%s: %lld time points x %lld regions\n", c.output.c_str(),
                static_cast<long long>(result.series.frames),
                static_cast<long long>(result.series.parcels));
  });
}

}  // namespace cli
