#include "neuro/sim/task_design.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace neuro {

namespace {

void check_timing(const DesignTiming& t) {
  const bool valid = t.lead_in_seconds >= 0 && t.tail_seconds >= 0 && t.block_seconds > 0 &&
                     t.rest_min_seconds >= 0 && t.rest_max_seconds >= t.rest_min_seconds &&
                     t.event_seconds > 0 && t.gap_min_seconds >= 0 &&
                     t.gap_max_seconds >= t.gap_min_seconds;
  if (!valid) {
    throw std::invalid_argument(
        "design: durations must be positive, pauses non-negative and each maximum at least its "
        "minimum");
  }
}

// Fisher-Yates with the run's own stream, so that the order depends only on
// the seed and the run.
void shuffle(std::vector<size_t>& order, core::RandomStream& random) {
  for (size_t i = order.size(); i > 1; --i) {
    const auto j = static_cast<size_t>(random.below(i));
    std::swap(order[i - 1], order[j]);
  }
}

}  // namespace

const char* design_kind_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::kBlock:
      return "block";
    case DesignKind::kEvent:
      return "event";
    case DesignKind::kMixed:
      return "mixed";
  }
  return "block";
}

DesignKind parse_design_kind(std::string_view name) {
  if (name == "block") return DesignKind::kBlock;
  if (name == "event") return DesignKind::kEvent;
  if (name == "mixed") return DesignKind::kMixed;
  throw std::invalid_argument("design: '" + std::string(name) +
                              "' is not a design (expected block, event or mixed)");
}

DesignKind design_for_run(DesignKind kind, int run) {
  if (kind != DesignKind::kMixed) return kind;
  return run % 2 == 1 ? DesignKind::kBlock : DesignKind::kEvent;
}

double minimum_run_seconds(size_t state_count, DesignKind kind, const DesignTiming& timing) {
  const double n = static_cast<double>(state_count);
  double trials = 0;
  if (kind == DesignKind::kEvent) {
    trials = n * timing.event_seconds + (n - 1) * timing.gap_max_seconds;
  } else {
    // Mixed runs may be either kind: the block design is the longer one.
    trials = n * timing.block_seconds + (n - 1) * timing.rest_max_seconds;
    if (kind == DesignKind::kMixed) {
      trials = std::max(trials, n * timing.event_seconds + (n - 1) * timing.gap_max_seconds);
    }
  }
  return timing.lead_in_seconds + std::max(trials, 0.0) + timing.tail_seconds;
}

std::vector<Event> make_task_design(std::span<const std::string> states, int64_t frames,
                                    double tr_seconds, DesignKind kind, core::RandomStream& random,
                                    const DesignTiming& timing) {
  if (states.empty()) throw std::invalid_argument("design: there are no states to show");
  if (kind == DesignKind::kMixed) {
    throw std::invalid_argument("design: resolve a mixed design per run with design_for_run");
  }
  if (!(tr_seconds > 0) || !std::isfinite(tr_seconds)) {
    throw std::invalid_argument("design: the TR must be a positive finite number");
  }
  check_timing(timing);
  const double run_seconds = static_cast<double>(frames) * tr_seconds;
  const double needed = minimum_run_seconds(states.size(), kind, timing);
  if (run_seconds < needed) {
    std::ostringstream message;
    message << "frames: " << frames << " frames (" << run_seconds << " s at TR " << tr_seconds
            << " s) are too short for a " << design_kind_name(kind) << " design of "
            << states.size() << " states: at least "
            << static_cast<int64_t>(std::ceil(needed / tr_seconds)) << " frames are needed";
    throw std::invalid_argument(message.str());
  }

  const bool blocks = kind == DesignKind::kBlock;
  const double trial_seconds = blocks ? timing.block_seconds : timing.event_seconds;
  const double pause_min = blocks ? timing.rest_min_seconds : timing.gap_min_seconds;
  const double pause_max = blocks ? timing.rest_max_seconds : timing.gap_max_seconds;
  const double last_end = run_seconds - timing.tail_seconds;

  std::vector<Event> events;
  std::vector<size_t> order(states.size());
  double onset = timing.lead_in_seconds;
  bool room = true;
  while (room) {
    std::iota(order.begin(), order.end(), size_t{0});
    shuffle(order, random);
    for (size_t index : order) {
      if (onset + trial_seconds > last_end + 1e-9) {
        room = false;
        break;
      }
      Event event;
      event.onset = onset;
      event.duration = trial_seconds;
      event.trial_type = states[index];
      events.push_back(std::move(event));
      // Pauses are whole multiples of 0.5 s so that onsets stay readable.
      const double pause = pause_min + random.uniform() * (pause_max - pause_min);
      onset += trial_seconds + std::round(pause * 2.0) / 2.0;
    }
  }
  return events;
}

std::vector<Stimulus> stimuli_of_state(std::span<const Event> events, std::string_view state) {
  std::vector<Stimulus> stimuli;
  for (const auto& event : events) {
    if (event.trial_type == state) stimuli.push_back({event.onset, event.duration, 1.0});
  }
  return stimuli;
}

}  // namespace neuro
