#pragma once
// Atlases shared as BIDS derivatives (the "Templates and atlases" section of
// the BIDS derivatives specification, and TemplateFlow's layout):
//
//   <atlas dataset>/                           dataset_description.json
//     atlas-Schaefer2018_seg-7n_scale-100_dseg.tsv        (inherited)
//     tpl-MNI152NLin6Asym/anat/
//       tpl-MNI152NLin6Asym_atlas-AAL_res-1_dseg.nii.gz   labels, 3-D
//       tpl-MNI152NLin6Asym_atlas-AAL_res-1_dseg.tsv      index, name, ...
//       tpl-MNI152NLin6Asym_atlas-AAL_res-1_dseg.json
//       tpl-MNI152NLin6Asym_atlas-HO_res-2_probseg.nii.gz one volume per region
//       tpl-MNI152NLin6Asym_atlas-HO_res-2_probseg.tsv    rows in volume order
//
// The table of an image is the .tsv with the same entities and suffix beside
// it, or, by the inheritance principle, one naming a subset of its entities
// (typically without tpl- and res-) in the same folder or any folder above it
// up to the dataset root: the nearest folder wins, and in one folder the file
// naming more entities. The dataset root is the nearest folder above the image
// that holds a dataset_description.json; without one, the folder above the
// tpl-<label> folder.
//
// Where a _probseg has no table, the bids-atlas tool (and nilearn's fetchers
// it wraps) leaves the names as a "LabelMap" list in the image's JSON
// sidecar, background first: that list is read too.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neuro/atlas/region_names.h"

namespace neuro {

// What the name of an atlas file says. Parsed leniently, so that labels such
// as space-MNIInfant+1 (which strict BIDS labels do not allow) still read.
struct AtlasFileName {
  std::string suffix;     // "dseg", "probseg", "mask"; "" when not a BIDS name
  std::string atlas;      // the atlas- label, "" when absent
  std::string tpl;        // the tpl- label
  std::string cohort;     // the cohort- label
  std::string space;      // the space- label (atlases warped into a subject)
  std::string extension;  // ".nii.gz", ".nii", ...
};
AtlasFileName parse_atlas_file_name(const std::filesystem::path& file);

// The template (or space) the atlas is defined in, written as a space- label
// would write it: "MNI152NLin6Asym", "MNIInfant+1" for tpl-MNIInfant_cohort-1,
// "T1w" for a subject-level atlas in space-T1w. Looked for in this order: the
// file's tpl- entity (with cohort-), its space- entity, a tpl-<label> folder
// above it (with a cohort-<label> folder), its JSON sidecar's "Space" or the
// tpl-<label> in its "SpatialReference". Empty when none says: mricron's and
// FSL's atlas files name no template (FSL's are in MNI152NLin6Asym, mricron's
// on ch2, i.e. MNIColin27, but the file does not say which it is).
std::string atlas_template_space(const std::filesystem::path& atlas_file);

// The root for the inheritance principle (see above).
std::filesystem::path atlas_dataset_root(const std::filesystem::path& atlas_file);

// The .tsv table of `atlas_file` for `suffix` ("dseg" or "probseg"), by the
// rules above; nullopt when there is none or the name is not a BIDS name.
std::optional<std::filesystem::path> find_atlas_table(const std::filesystem::path& atlas_file,
                                                      std::string_view suffix);

// The "LabelMap" list of the image's JSON sidecars (merged by inheritance),
// with the file it came from; nullopt when no sidecar has one. Throws
// std::runtime_error("<json>: ...") for malformed JSON or a LabelMap that is
// not a list of strings.
struct LabelMapList {
  std::vector<std::string> names;  // as listed, background entry included
  std::filesystem::path file;
};
std::optional<LabelMapList> find_label_map(const std::filesystem::path& atlas_file);

// Names for the K volumes of a probabilistic atlas from a table's rows in
// file order: a table of K + 1 rows whose first row is index 0 (background)
// loses that row; a table of K rows is taken as it is; any other count drops
// background rows (index 0) and adds a line to `notes` saying which volumes
// are left unnamed or which rows are left over. "" for an unnamed volume.
std::vector<std::string> names_in_volume_order(const std::vector<RegionRow>& rows, int64_t volumes,
                                               const std::filesystem::path& table,
                                               std::vector<std::string>& notes);
// The same for a LabelMap list, whose background entry is a first entry
// called "Background" (any case) or left empty.
std::vector<std::string> names_in_volume_order(const std::vector<std::string>& label_map,
                                               int64_t volumes, const std::filesystem::path& table,
                                               std::vector<std::string>& notes);

// Template spaces compared. Two spellings name one space: BIDS's own
// "MNI152NLin6ASym" and TemplateFlow's "MNI152NLin6Asym" (FSL's MNI152, the
// space of FSL's atlases), and a space's case is ignored. Any two other
// templates differ (MNI152NLin6Asym and MNI152NLin2009cAsym are a few mm apart
// in places; so are MNIColin27, MNI305 and the rest). The native spaces (T1w,
// T2w, anat, func, bold, boldref, sbref, dwi, fsnative, individual, orig,
// scanner) and the empty space of raw data are one subject's own anatomy.
std::string canonical_space(std::string_view space);
bool is_native_space(std::string_view space);

struct SpaceCheck {
  enum class Level { kNone, kNote, kWarning };
  Level level = Level::kNone;
  std::string message;  // one line, "" for kNone
};
// Whether an atlas in `atlas_space` (atlas_template_space) suits runs in
// `runs_space` (their space- label, "" for raw data):
//   same space                     kNone
//   another template               kWarning "<atlas>: the atlas is in tpl-A but
//                                  the runs are in space-B; regions may be
//                                  misplaced by a few mm"
//   template atlas, native runs    kWarning (the regions do not line up at all)
//   atlas space unknown, runs in   kNote for native runs ("make sure the atlas
//   a template or native space     is in that subject's space"), else kNone
// `atlas_name` is what the messages call the atlas (its file name).
SpaceCheck check_atlas_space(std::string_view atlas_name, std::string_view atlas_space,
                             std::string_view runs_space);

// "3, 7, 9 and 4 more": region numbers for one-line notes.
template <typename Number>
std::string list_numbers(const std::vector<Number>& values, size_t limit = 10) {
  std::string out;
  for (size_t i = 0; i < values.size() && i < limit; ++i)
    out += (i > 0 ? ", " : "") + std::to_string(values[i]);
  if (values.size() > limit) out += " and " + std::to_string(values.size() - limit) + " more";
  return out;
}

}  // namespace neuro
