#pragma once
// The first-level design of one run, as nilearn's make_first_level_design_matrix
// and SPM build it: one HRF-convolved regressor per state (trial type), the
// user's confounds, a discrete cosine drift basis below the high-pass cut-off,
// and a constant, in that column order, each column named.
//
// Frame t is acquired at t * TR (nilearn's slice_time_ref = 0). A state's
// events are laid as boxes on a grid of TR / microtime_bins seconds, convolved
// with SPM's canonical double-gamma HRF at that resolution and read at the
// frame times (neuro::hrf_regressor, the function the simulator uses). The HRF
// is scaled to sum to 1, so a box held long enough settles at 1.

#include <cstdint>
#include <string>
#include <vector>

#include "neuro/bids/events.h"
#include "neuro/signal/confounds.h"
#include "neuro/sim/hrf.h"

namespace neuro {

struct DesignOptions {
  // Cut-off of the cosine drift basis (SPM's 128 s); <= 0 leaves drift out.
  double high_pass_hz = 1.0 / 128.0;
  int microtime_bins = 16;  // HRF convolution grid: TR / microtime_bins
  bool add_constant = true;
  HrfParameters hrf;
  // The state order, one regressor each. Empty: the sorted set of the run's
  // trial types. Events of a trial type not in the list are left out (a note
  // names them); a listed state with no event gets an all-zero column (a note
  // says so), which the fit drops as inestimable.
  std::vector<std::string> states;
};

struct DesignMatrix {
  int64_t frames = 0;  // T
  double tr_seconds = 0;
  std::vector<std::string> names;   // [K] column names
  std::vector<std::string> states;  // the first states.size() columns, in order
  std::vector<double> values;       // [T, K] row-major
  std::vector<std::string> notes;   // what was left out and why

  int64_t columns() const { return static_cast<int64_t>(names.size()); }
  double at(int64_t t, int64_t k) const { return values[static_cast<size_t>(t * columns() + k)]; }
  // Index of the column called `name`; throws std::invalid_argument naming it
  // when there is none.
  int64_t column_of(const std::string& name) const;
};

// Columns: one per state (named by the state), then the confounds (their
// names; missing cells filled with the column mean as nilearn does), then
// drift_1..drift_K (neuro::cosine_drift), then "constant". Throws
// std::invalid_argument for frames < 2, a TR that is not a positive finite
// number, a state listed twice, a confound table whose frame count differs
// from `frames` or whose column name repeats another column's. Events that
// start at or past the end of the run are left out with a note; events with
// negative onsets (before the first kept volume) are modelled
// (neuro::state_regressors).
DesignMatrix make_design_matrix(const EventsTable& events, int64_t frames, double tr_seconds,
                                const DesignOptions& options = {},
                                const ConfoundTable* confounds = nullptr);

}  // namespace neuro
