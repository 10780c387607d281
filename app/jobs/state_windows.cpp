#include "app/jobs/state_windows.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace jobs {

namespace {

struct DatasetCounts {
  std::vector<int64_t> windows;                 // per state
  std::vector<std::set<std::string>> subjects;  // per state, those with a window
};

DatasetCounts count_dataset(const std::vector<RunSeries>& runs, size_t states,
                            const neuro::WindowSpec& spec) {
  DatasetCounts out{std::vector<int64_t>(states, 0), std::vector<std::set<std::string>>(states)};
  for (const auto& r : runs) {
    for (const auto& w : neuro::labelled_windows(r.labels.frames, spec)) {
      ++out.windows[static_cast<size_t>(w.state)];
      out.subjects[static_cast<size_t>(w.state)].insert(r.run->subject);
    }
  }
  return out;
}

bool decodable(const DatasetCounts& c, size_t s) {
  return c.windows[s] >= kMinWindowsPerState &&
         static_cast<int64_t>(c.subjects[s].size()) >= kMinSubjectsPerState;
}

size_t decodable_count(const DatasetCounts& c) {
  size_t n = 0;
  for (size_t s = 0; s < c.windows.size(); ++s)
    n += decodable(c, s);
  return n;
}

}  // namespace

std::vector<StateSummary> summarise_states(const std::vector<RunSeries>& runs,
                                           const std::vector<std::string>& states,
                                           const neuro::WindowSpec& spec) {
  const auto counts = count_dataset(runs, states.size(), spec);
  std::vector<StateSummary> out;
  for (size_t s = 0; s < states.size(); ++s) {
    int64_t frames = 0;
    for (const auto& r : runs)
      frames += std::count(r.labels.frames.begin(), r.labels.frames.end(), static_cast<int>(s));
    out.push_back({states[s], frames, counts.windows[s],
                   static_cast<int64_t>(counts.subjects[s].size()), decodable(counts, s)});
  }
  return out;
}

StateCounts count_states(const neuro::TrLabels& labels, const neuro::WindowSpec& spec) {
  StateCounts out{std::vector<int64_t>(labels.states.size(), 0),
                  std::vector<int64_t>(labels.states.size(), 0)};
  for (const int state : labels.frames) {
    if (state >= 0) ++out.frames[static_cast<size_t>(state)];
  }
  for (const auto& w : neuro::labelled_windows(labels.frames, spec))
    ++out.windows[static_cast<size_t>(w.state)];
  return out;
}

neuro::WindowSpec resolve_window_labelling(const std::vector<RunSeries>& runs,
                                           const neuro::WindowSpec& spec) {
  if (spec.labelling != neuro::WindowLabelling::kAuto || runs.empty()) {
    neuro::WindowSpec out = spec;
    if (out.labelling == neuro::WindowLabelling::kAuto)
      out.labelling = neuro::WindowLabelling::kWhole;
    return out;
  }
  const size_t states = runs.front().labels.states.size();
  neuro::WindowSpec whole = spec, last = spec;
  whole.labelling = neuro::WindowLabelling::kWhole;
  last.labelling = neuro::WindowLabelling::kLastFrame;
  return decodable_count(count_dataset(runs, states, last)) >
                 decodable_count(count_dataset(runs, states, whole))
             ? last
             : whole;
}

void keep_decodable_states(std::vector<RunSeries>& runs, std::vector<std::string>& states,
                           const neuro::WindowSpec& spec, const std::filesystem::path& dataset,
                           const JobContext& context) {
  const auto counts = count_dataset(runs, states.size(), spec);
  std::vector<int> new_index(states.size(), neuro::kUnlabelled);
  std::vector<std::string> kept;
  std::string all;
  for (size_t s = 0; s < states.size(); ++s) {
    const std::string count = std::to_string(counts.windows[s]) + " window(s) in " +
                              std::to_string(counts.subjects[s].size()) + " subject(s)";
    all += (all.empty() ? "" : ", ") + ("'" + states[s] + "' " + count);
    if (decodable(counts, s)) {
      new_index[s] = static_cast<int>(kept.size());
      kept.push_back(states[s]);
      continue;
    }
    context.note("state '" + states[s] + "' is left out: " + count + " of " +
                 std::to_string(spec.length) + " frames (decoding needs at least " +
                 std::to_string(kMinWindowsPerState) + " in " +
                 std::to_string(kMinSubjectsPerState) + " subjects)");
  }
  if (states.size() < 2) {
    throw std::runtime_error(dataset.string() + ": the events name " +
                             std::to_string(states.size()) + " state(s) (" + all +
                             "): nothing to decode; if another column names the conditions, "
                             "choose it with --state-column");
  }
  if (kept.size() < 2) {
    throw std::runtime_error(dataset.string() + ": fewer than 2 states have enough windows of " +
                             std::to_string(spec.length) + " frames to decode (" + all +
                             "); try a shorter --window or merge states with --state");
  }
  if (kept.size() == states.size()) return;
  const std::set<std::string> keep_names(kept.begin(), kept.end());
  for (auto& r : runs) {
    for (int& f : r.labels.frames) {
      if (f >= 0) f = new_index[static_cast<size_t>(f)];
    }
    r.labels.states = kept;
    std::erase_if(r.events.events,
                  [&](const neuro::Event& e) { return !keep_names.count(e.trial_type); });
  }
  states = std::move(kept);
}

}  // namespace jobs
