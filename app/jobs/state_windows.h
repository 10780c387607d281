#pragma once
// How many frames and windows each state has, and what follows from it for a
// dataset: windows of one state or labelled by their last frame, and which
// states have enough windows to be decoded at all. A state without enough is
// dropped with a note; the dataset fails only when fewer than two remain.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "app/jobs/run_labels.h"
#include "app/jobs/run_series.h"
#include "neuro/series/labelled_windows.h"

namespace jobs {

// A state is decoded when it has at least this many windows, from at least
// two subjects (folds hold out whole subjects: one subject alone is never
// both trained and tested on).
inline constexpr int64_t kMinWindowsPerState = 8;
inline constexpr int64_t kMinSubjectsPerState = 2;

// Per state of `labels.states`: frames labelled and windows made.
struct StateCounts {
  std::vector<int64_t> frames;
  std::vector<int64_t> windows;
};
StateCounts count_states(const neuro::TrLabels& labels, const neuro::WindowSpec& spec);

// Over a dataset, per state: frames, windows, subjects with a window, and
// whether that is enough to decode it.
struct StateSummary {
  std::string state;
  int64_t frames = 0;
  int64_t windows = 0;
  int64_t subjects = 0;
  bool decodable = false;
};
std::vector<StateSummary> summarise_states(const std::vector<RunSeries>& runs,
                                           const std::vector<std::string>& states,
                                           const neuro::WindowSpec& spec);

// kWhole unless kLastFrame lets more states be decoded; `spec` itself when
// its labelling is already chosen.
neuro::WindowSpec resolve_window_labelling(const std::vector<RunSeries>& runs,
                                           const neuro::WindowSpec& spec);

// Drops the states without enough windows from `states` and from every run's
// labels and events (a note each), keeping the order of the others. Throws
// std::runtime_error "<dataset>: ..." with every state's count when fewer
// than two remain.
void keep_decodable_states(std::vector<RunSeries>& runs, std::vector<std::string>& states,
                           const neuro::WindowSpec& spec, const std::filesystem::path& dataset,
                           const JobContext& context);

}  // namespace jobs
