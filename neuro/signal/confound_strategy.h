#pragma once
// Confounds chosen by denoising strategy, as nilearn's
// nilearn.interfaces.fmriprep.load_confounds chooses them from fMRIPrep's
// *_desc-confounds_timeseries.tsv (column names of fMRIPrep >= 1.2, mask
// metadata of fMRIPrep >= 1.4), so that a researcher who writes
// "motion=full,high_pass,wm_csf" gets the columns nilearn would give.
//
// Strategies and the columns they take:
//   motion         trans_x/y/z, rot_x/y/z, expanded by level (below)
//   wm_csf         csf, white_matter, expanded by level
//   global_signal  global_signal, expanded by level
//   compcor        CompCor components by type and n_compcor (see select_confounds)
//   high_pass      every column whose name holds "cosine" (cosine00, ...); none is fine
//   scrub          one spike regressor per frame censored for motion (below)
//   non_steady_state  every "non_steady_state" column; ALWAYS taken, as in
//                  nilearn: naming it in a strategy changes nothing
// Levels: basic = the base columns; derivatives = + <name>_derivative1;
// power2 = + <name>_power2; full = + both and <name>_derivative1_power2.
//
// Spec syntax (the --confound-strategy flag), comma-separated, spaces ignored:
//   motion | motion=basic|derivatives|power2|full   (also wm_csf, global_signal)
//   compcor | compcor=TYPE | compcor=TYPE:N | compcor=TYPE:all
//     TYPE: anat_combined, anat_separated, temporal, temporal_anat_combined,
//           temporal_anat_separated
//   high_pass | non_steady_state
//   scrub | scrub=MIN_SEGMENT (frames; 0: no segment rule)
//   n_compcor=N|all, fd_threshold=MM, std_dvars_threshold=X  (need compcor / scrub)
// e.g. "motion=basic,high_pass,compcor=temporal:5" or "motion,wm_csf,scrub,fd_threshold=0.3".
// A word without a value keeps the default level below. As in nilearn, compcor
// needs high_pass (fMRIPrep computes CompCor after removing the cosine drifts,
// so regressing CompCor without them brings the drifts back). Unlike nilearn,
// a parameter for a strategy that is not chosen is an error, not ignored.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "neuro/signal/confounds.h"

namespace neuro {

struct ConfoundStrategy {
  // nilearn's default. It runs on every fMRIPrep output since 1.2 (the first
  // with these snake_case names): all of them hold the six motion parameters,
  // csf and white_matter; the motion expansions that "full" needs came with
  // 1.4 and are computed here from the base columns when absent; high_pass
  // takes the cosineXX columns that exist, none for a run too short for one.
  // Scrubbing is left out: it needs std_dvars, which other pipelines (and our
  // simulator) do not write, and it removes frames, which must be asked for.
  std::vector<std::string> strategy{"motion", "high_pass", "wm_csf"};
  std::string motion = "full";
  std::string wm_csf = "basic";
  std::string global_signal = "basic";
  std::string compcor = "anat_combined";
  int n_compcor = -1;  // components per mask; -1: all that fMRIPrep kept
  // nilearn >= 0.13's defaults (0.2 mm and 3.0 before).
  double fd_threshold = 0.5;         // mm; framewise_displacement above it is censored
  double std_dvars_threshold = 1.5;  // std_dvars above it is censored
  int scrub_min_segment = 5;  // nilearn's `scrub`: kept runs shorter than this are censored too

  bool uses(std::string_view name) const;
  bool operator==(const ConfoundStrategy&) const = default;
};

// Reads a spec in the syntax above over the defaults of ConfoundStrategy.
// Throws std::invalid_argument("confound strategy '<spec>': ...") naming the
// bad word or value and listing the valid ones; also for an empty spec, a word
// given twice, compcor without high_pass, and a parameter whose strategy is
// not chosen.
ConfoundStrategy parse_confound_strategy(std::string_view spec);

// The canonical spec, one line, e.g.
// "motion=full,high_pass,wm_csf=basic,non_steady_state": what --help shows as
// the default and what provenance records. parse_confound_strategy(describe(s))
// gives s back.
std::string describe(const ConfoundStrategy& strategy);

// Throws std::invalid_argument when `strategy` could not come out of
// parse_confound_strategy (unknown word or level, bad number, compcor without
// high_pass); for strategies built in code.
void check_confound_strategy(const ConfoundStrategy& strategy);

struct SelectedConfounds {
  // The regressors, frames x columns: the strategy's columns in its order, then
  // the non_steady_state columns, then one spike column motion_outlierNN per
  // frame that scrubbing censors (a one-hot column: regressing it out is the
  // same as leaving the frame out of the fit). Where a derivative column starts
  // with n/a, the first row takes the second row's value, as nilearn does;
  // other n/a cells are left for clean_series to fill.
  ConfoundTable regressors;
  // [T]: frames that are not steady state or that scrubbing censored; the
  // decoder should keep them out of its windows (nilearn's sample_mask is the
  // frames where this is false).
  std::vector<bool> censored;
  // What was done beyond reading columns (expansions computed, CompCor mask
  // rule used, components fewer than asked, frames censored), one line each.
  std::vector<std::string> notes;
};

// The columns of `table` that `strategy` picks. `sidecar_json` is the
// confounds' JSON sidecar (*_desc-confounds_timeseries.json); it may be empty
// or name a file that is not there.
//
// CompCor: components come in order of explained variance, n_compcor of each
// mask. With the sidecar, as nilearn: t_comp_cor_* for temporal; a_comp_cor_*
// whose "Mask" is "combined" for anat_combined; for anat_separated those whose
// Mask is "WM" then "CSF", then w_comp_cor_* and c_comp_cor_* (fMRIPrep >= 21
// names the single-tissue components so; 1.4 to 20.2 numbered all masks as
// a_comp_cor_*, told apart only by the sidecar). Without the sidecar the names
// decide: a_comp_cor_* is the combined mask, w_ WM and c_ CSF, which is right
// for fMRIPrep >= 21 (a file with w_/c_ columns) and for fMRIPrep < 1.4 (no
// sidecar, six combined components). A file with neither w_/c_ columns nor a
// sidecar and more than six a_comp_cor_* columns is taken to be 1.4 to 20.2
// output, whose masks cannot be known; anatomical CompCor then fails.
//
// Scrub, as nilearn: frames whose framewise_displacement > fd_threshold or
// std_dvars > std_dvars_threshold are censored (n/a is not above anything),
// and when any is, so is every run of kept frames shorter than
// scrub_min_segment, at the ends of the series too.
//
// Missing base columns (motion, csf, white_matter, global_signal) are an error;
// missing _derivative1/_power2/_derivative1_power2 columns are computed from
// the base column as fMRIPrep does (backward difference, n/a in the first
// row; square), with a note: fMRIPrep before 1.4 did not write them.
//
// Throws std::runtime_error with one line "<confounds file>: strategy 'wm_csf'
// needs column 'csf', which is absent; columns present: <summary>; choose
// another --confound-strategy or --no-confounds" when a chosen strategy finds
// nothing to take; std::runtime_error("<sidecar>: ...") for an unreadable
// sidecar; "<confounds file>: ..." when scrubbing censors every frame; and
// std::invalid_argument as check_confound_strategy does.
SelectedConfounds select_confounds(const ConfoundTable& table, const ConfoundStrategy& strategy,
                                   const std::filesystem::path& sidecar_json);

// fMRIPrep's sidecar for a confounds table: the same name ending ".json"
// instead of ".tsv" (where nilearn looks too).
std::filesystem::path confounds_sidecar_path(const std::filesystem::path& confounds_tsv);

// read_confounds_tsv, then select_confounds with the sidecar beside it.
SelectedConfounds load_confounds(const std::filesystem::path& confounds_tsv,
                                 const ConfoundStrategy& strategy);

// Column names in short, for messages: numbered runs as "a_comp_cor_00..05",
// then families of three or more sharing their first word as a glob of their
// common prefix ("trans_*", "white_matter*"), in the table's order.
std::string summarize_confound_columns(const std::vector<std::string>& names);

}  // namespace neuro
