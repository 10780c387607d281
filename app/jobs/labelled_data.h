#pragma once
// A dataset made ready for a window classifier: indexed, extracted and
// cleaned, labelled from its events, cut into windows. The runs point into
// the index and the windows into the runs; moving the whole keeps them valid
// (vectors keep their buffers when moved), copying does not, so it is
// move-only.

#include <filesystem>
#include <string>
#include <vector>

#include "app/jobs/cross_validation.h"
#include "app/jobs/decoder_model.h"
#include "app/jobs/encoder_windows.h"
#include "app/jobs/job_context.h"
#include "neuro/bids/dataset_index.h"

namespace jobs {

struct LabelledData {
  neuro::DatasetIndex index;
  std::vector<RunSeries> runs;
  std::vector<std::string> states;
  neuro::WindowSpec windows;  // as used: its labelling chosen
  WindowTable table;
  std::vector<WindowRef> refs;  // one per table row

  LabelledData() = default;
  LabelledData(LabelledData&&) = default;
  LabelledData& operator=(LabelledData&&) = default;
  LabelledData(const LabelledData&) = delete;
  LabelledData& operator=(const LabelledData&) = delete;
};

// `states` fixes the state order and every state must have windows; empty:
// the dataset's states, those without enough windows left out with a note
// (keep_decodable_states). Throws std::runtime_error "<dataset>: <problem>"
// when there is no run with events, no window, or a fixed state without
// windows.
LabelledData load_labelled_data(const std::filesystem::path& dataset,
                                const neuro::IndexFilters& filters, const SeriesRecipe& recipe,
                                const neuro::WindowSpec& windows, std::vector<std::string> states,
                                const JobContext& context);

// The windows a saved decoder reads: its window length and state order,
// `stride` frames apart. Throws std::runtime_error "<decoder>: ..." unless the
// series have the decoder's parcels, by name and in order.
LabelledData load_labelled_data_for(const Decoder& decoder, const std::filesystem::path& dataset,
                                    const neuro::IndexFilters& filters, const SeriesRecipe& recipe,
                                    int64_t stride, const JobContext& context);

}  // namespace jobs
