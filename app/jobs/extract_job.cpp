#include "app/jobs/extract_job.h"

#include <stdexcept>

#include "app/jobs/resources.h"
#include "neuro/atlas/brain_mask.h"
#include "neuro/atlas/extraction.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/atlas/probabilistic_atlas.h"
#include "neuro/image/nifti_reader.h"
#include "neuro/signal/confounds.h"

namespace jobs {

namespace {

neuro::BrainMask choose_mask(const ExtractConfig& config, const neuro::StoredImage& bold) {
  if (config.mask) return neuro::BrainMask::load(*config.mask, bold.grid());
  if (config.compute_mask) return neuro::compute_epi_mask(bold.to_volume());
  return neuro::BrainMask::everywhere(bold.grid());
}

}  // namespace

ExtractResult run_extract(const ExtractConfig& config, const JobContext& context) {
  if (config.output.extension() != ".tsv") {
    throw std::invalid_argument(config.output.string() + ": the output must be a .tsv file");
  }
  ExtractResult result;
  context.report(0.0, "reading " + config.bold.filename().string());
  // Frames are converted as extraction reads them: the run is held once, as
  // stored, however long it is.
  const auto bold = neuro::StoredImage::open(config.bold);
  if (bold.frames() < 2) {
    throw std::runtime_error(config.bold.string() +
                             ": a time series needs a 4-D image, this one "
                             "has one volume");
  }
  context.check_cancel();
  context.report(0.4, "preparing the atlas");
  const neuro::BrainMask mask = choose_mask(config, bold);
  neuro::AtlasOptions atlas_options;
  atlas_options.names_file = config.atlas_names;
  atlas_options.resources_dir = resources_dir();
  if (config.probabilistic) {
    const auto maps =
        neuro::ProbabilisticAtlas::load(config.atlas, atlas_options).resampled_to(bold.grid());
    context.report(0.6, "extracting");
    result.series = neuro::MapsMasker(maps, mask).extract(bold.frames_view());
  } else {
    const auto atlas =
        neuro::LabelAtlas::load(config.atlas, atlas_options).resampled_to(bold.grid());
    const neuro::LabelsMasker masker(atlas, mask);
    if (!masker.dropped_report().empty()) result.notes.push_back(masker.dropped_report());
    context.report(0.6, "extracting");
    result.series = masker.extract(bold.frames_view());
  }
  context.check_cancel();
  if (config.clean) {
    context.report(0.8, "cleaning");
    std::optional<neuro::ConfoundTable> confounds;
    if (config.confounds) {
      const auto table = neuro::read_confounds_tsv(*config.confounds);
      confounds = config.confound_columns.empty()
                      ? table
                      : neuro::select_confounds(table, config.confound_columns);
    } else if (!config.confound_columns.empty()) {
      throw std::invalid_argument("--confound needs --confounds FILE");
    }
    neuro::clean_series(result.series, config.clean_options, confounds ? &*confounds : nullptr);
  }
  context.check_cancel();
  neuro::write_series_tsv(result.series, config.output);
  context.report(1.0, "wrote " + config.output.string());
  return result;
}

}  // namespace jobs
