#pragma once
// Statistic and attribution maps out as NIfTI-1 that FSLeyes, nilearn and
// MRIcroGL read the way they were meant: on the data's grid and affine, the
// sform/qform code of their space, the NIfTI intent of the statistic (z, t
// with its degrees of freedom, an attribution estimate), cal_min/cal_max at
// the data range and a descrip naming the method; named as BIDS derivatives,
// sub-<label>[_task-<label>]_space-<label>_stat-<label>_desc-<label>_statmap.nii.gz,
// with a JSON sidecar of the same name.

#include <filesystem>
#include <optional>
#include <string>

#include "neuro/image/volume.h"

namespace neuro {

// NIfTI-1 intent codes (nifti1.h) a map is written with.
enum class StatIntent : int {
  kNone = 0,        // NIFTI_INTENT_NONE: a plain map
  kTTest = 3,       // NIFTI_INTENT_TTEST: t statistic, intent_p1 = degrees of freedom
  kZScore = 5,      // NIFTI_INTENT_ZSCORE: z statistic
  kEstimate = 1001  // NIFTI_INTENT_ESTIMATE: an estimate of a parameter (attribution)
};

struct StatmapInfo {
  StatIntent intent = StatIntent::kNone;
  double dof = 0;  // kTTest only: degrees of freedom, > 0
  // At most 15 characters ("relevance-lrp"). Empty: "zscore", "ttest",
  // "estimate" or nothing, by intent.
  std::string intent_name;
  // sform and qform code: kMni152 (4) for maps in an MNI template space,
  // kScannerAnat (1) for native scanner space. kUnknown is not accepted.
  XformCode space_code = XformCode::kMni152;
  std::string method;               // "lrp-epsilon", "integrated-gradients", "glm"; required
  std::string state;                // the mental state the map is about; optional
  std::string units;                // "z", "t", "relevance"; optional
  std::optional<double> threshold;  // a display/cluster threshold, when one applies
  // A 4-D map with one volume per frame of a decoded window (relevance over
  // time), its TR in the header and the sidecar. Otherwise a map is 3-D.
  bool per_frame = false;
};

// The parts of a statmap file name. task may be empty (left out); the others
// are required. Every label must be letters and digits only.
struct StatmapName {
  std::string subject;  // "01", "group"
  std::string task;     // "wm"; optional
  std::string space;    // "MNI152NLin2009cAsym", "T1w"
  std::string stat;     // "z", "t", "relevance"
  std::string state;    // the desc entity: the mental state, "faces"

  // "sub-01_task-wm_space-MNI152NLin2009cAsym_stat-z_desc-faces_statmap" plus
  // `extension`. Throws std::invalid_argument naming the entity and the label
  // when a required label is empty or a label is not alphanumeric.
  std::string filename(const std::string& extension = ".nii.gz") const;
  std::string sidecar_filename() const { return filename(".json"); }
};

// The header fields write_statmap writes for `map`: codes, intent and its
// parameter, intent_name, cal_min/cal_max at the finite data range, and a
// descrip such as "NeuroSeq lrp-epsilon z map, state faces" (cut at 79).
// Throws std::invalid_argument on an inconsistent `info` (see write_statmap).
ImageMeta statmap_meta(const Volume& map, const StatmapInfo& info);

// The sidecar of a NIfTI file: "x.nii.gz" / "x.nii" -> "x.json".
std::filesystem::path statmap_sidecar_path(const std::filesystem::path& image);

struct StatmapFiles {
  std::filesystem::path image;
  std::filesystem::path sidecar;
};

// Writes `map` as NIfTI-1 at `image` (.nii or .nii.gz) with
// statmap_meta's header, then its JSON sidecar beside it (Method, State,
// Statistic, Units, IntentCode, IntentName, DegreesOfFreedom for t-maps,
// Threshold when given, Space; Frames and RepetitionTime for per-frame maps),
// each atomically. Throws std::invalid_argument("<image>: ...") for an empty
// map, a 4-D map not marked per_frame or a per-frame map without a TR, a missing
// method, an intent_name over 15 characters, a t-map without positive dof,
// dof given for another intent, a non-finite threshold or an unknown space code.
StatmapFiles write_statmap(const Volume& map, const StatmapInfo& info,
                           const std::filesystem::path& image);

// The same at <directory>/<name.filename()>.
StatmapFiles write_statmap(const Volume& map, const StatmapInfo& info,
                           const std::filesystem::path& directory, const StatmapName& name);

}  // namespace neuro
