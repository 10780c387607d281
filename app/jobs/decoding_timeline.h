#pragma once
// Per-run timelines of the decoded state: a window slid over every frame of a
// test run, its decision written at its last frame (the latest the decoder
// has seen), next to the state the events say.

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "app/jobs/cross_validation.h"
#include "core/models/window_classifier.h"

namespace jobs {

struct DecodedRun {
  const RunSeries* run = nullptr;
  std::vector<int> decoded;  // [T]; -1 before the first whole window
};

// Timelines of every run that holds one of `test_rows`.
std::vector<DecodedRun> decode_timelines(core::WindowClassifier& model,
                                         const std::vector<RunSeries>& runs,
                                         const WindowTable& table,
                                         std::span<const size_t> test_rows, int64_t frames);

// subject, task, run, frame, onset_s, true_state, decoded_state; atomically.
void write_timeline_tsv(const std::filesystem::path& path, const std::vector<std::string>& states,
                        const std::vector<DecodedRun>& timelines);

}  // namespace jobs
