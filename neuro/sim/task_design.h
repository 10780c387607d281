#pragma once
// Task designs: when each mental state is on in a run. Block designs hold a
// state for a block of seconds with rest between blocks; event designs show
// short trials with jittered gaps. Every state appears equally often: the
// states are shuffled afresh for each round through them.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/random/philox.h"
#include "neuro/bids/events.h"
#include "neuro/sim/hrf.h"

namespace neuro {

// kMixed alternates between runs: odd runs (1, 3, ...) block, even runs event.
enum class DesignKind { kBlock, kEvent, kMixed };

const char* design_kind_name(DesignKind kind);  // "block", "event", "mixed"
// Throws std::invalid_argument("design: ...") for any other name.
DesignKind parse_design_kind(std::string_view name);

struct DesignTiming {
  double lead_in_seconds = 10;  // fixation before the first trial: a baseline to compare with
  double tail_seconds = 16;     // after the last trial, so its response is fully recorded
  double block_seconds = 16;
  double rest_min_seconds = 8;  // rest between blocks, drawn uniformly in [min, max]
  double rest_max_seconds = 14;
  double event_seconds = 2;
  double gap_min_seconds = 2;  // from the end of one trial to the next, uniform in [min, max]
  double gap_max_seconds = 6;
};

// The design a run uses: `kind` itself for block and event, and for mixed the
// alternation above (`run` counts from 1).
DesignKind design_for_run(DesignKind kind, int run);

// The shortest run, in seconds, that holds one trial of every state after the
// lead-in and before the tail.
double minimum_run_seconds(size_t state_count, DesignKind kind, const DesignTiming& timing = {});

// One run's events, sorted by onset, trial_type = the state name. Trials are
// added while they end at least `tail_seconds` before the end of the run.
// Throws std::invalid_argument for no states, a kMixed kind (resolve it with
// design_for_run first), timings that are not positive, or a run shorter than
// minimum_run_seconds ("frames: ...").
std::vector<Event> make_task_design(std::span<const std::string> states, int64_t frames,
                                    double tr_seconds, DesignKind kind, core::RandomStream& random,
                                    const DesignTiming& timing = {});

// The trials of one state as unit-amplitude stimuli for hrf_regressor.
std::vector<Stimulus> stimuli_of_state(std::span<const Event> events, std::string_view state);

}  // namespace neuro
