#pragma once
// "An atlas for extraction", whichever kind the file holds: a label atlas
// (3-D integer labels, BIDS _dseg) read as a LabelAtlas, or a probabilistic
// atlas (4-D, one map per region, BIDS _probseg) read as a ProbabilisticAtlas,
// with region names, the template it is defined in and notes for the user;
// and one masker that extracts with either (mean per label or least squares
// on the maps, see extraction.h).
//
// The kind is decided by the content, not the name: a 4-D image is a
// probabilistic atlas even when named _dseg (DiFuMo is shared so), a 3-D
// integer image is a label atlas even when named _probseg; either case adds
// a note. An intensity image (a T1w, a BOLD run) is refused with one line
// saying so (check_label_image; for 4-D images, consecutive volumes that are
// near copies of each other).
//
// Region names, first hit wins:
//   1. the names file given (AtlasOptions::names_file);
//   2. a names file beside the image (find_names_beside: <image>.tsv and
//      friends, which for a BIDS image is its own _dseg.tsv/_probseg.tsv);
//   3. the BIDS table inherited from folders above (atlas_derivatives.h), for
//      the image's suffix;
//   4. the "LabelMap" list of its JSON sidecar;
//   5. for a probabilistic atlas, the _dseg.tsv of the same atlas (the
//      label image's table usually lists the regions of the maps in order);
//   6. the names shipped for known atlases (find_shipped_names).
// A label atlas takes a table by index (value v is the row with index v); a
// probabilistic atlas takes a .tsv's rows, or a LabelMap's entries, in order,
// background row dropped (names_in_volume_order). Labels of the image with no
// row are called "label_<value>", table rows whose index is not in the image
// give no parcel; both are listed in notes().

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "neuro/atlas/atlas_derivatives.h"
#include "neuro/atlas/brain_mask.h"
#include "neuro/atlas/extraction.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/atlas/probabilistic_atlas.h"
#include "neuro/image/frame_series.h"
#include "neuro/image/volume.h"
#include "neuro/series/parcel_series.h"

namespace neuro {

enum class ParcelAtlasKind { kAuto, kLabels, kMaps };

struct ParcelAtlasOptions : AtlasOptions {
  // kLabels or kMaps insist on that kind (a 4-D image is then refused as
  // labels; a 3-D one is read as a single map).
  ParcelAtlasKind kind = ParcelAtlasKind::kAuto;
};

class ParcelAtlas {
 public:
  explicit ParcelAtlas(LabelAtlas labels, std::string template_space = {},
                       std::vector<std::string> notes = {});
  explicit ParcelAtlas(ProbabilisticAtlas maps, std::string template_space = {},
                       std::vector<std::string> notes = {});

  bool is_labels() const { return std::holds_alternative<LabelAtlas>(atlas_); }
  ParcelAtlasKind kind() const {
    return is_labels() ? ParcelAtlasKind::kLabels : ParcelAtlasKind::kMaps;
  }
  // The atlas itself; std::logic_error when it is of the other kind.
  const LabelAtlas& labels() const;
  const ProbabilisticAtlas& maps() const;

  const Grid& grid() const;
  const std::string& source() const;
  // Regions in parcel order (labels ascending, or volumes in order).
  int64_t region_count() const { return static_cast<int64_t>(names().size()); }
  const std::vector<std::string>& names() const;
  // As atlas_template_space writes it; "" when unknown.
  const std::string& template_space() const { return template_space_; }
  // The file the names came from; empty when none was found.
  const std::filesystem::path& names_file() const { return names_file_; }
  void set_names_file(std::filesystem::path file) { names_file_ = std::move(file); }
  // Lines for the user (kind read from the content, names that do not match
  // the image, no names found), each naming the file concerned.
  const std::vector<std::string>& notes() const { return notes_; }

  // check_atlas_space for runs in `runs_space` ("" for raw data).
  SpaceCheck check_space(std::string_view runs_space) const;

  // Nearest neighbour for labels, linear for maps; a copy when the grids agree.
  ParcelAtlas resampled_to(const Grid& target) const;

 private:
  std::variant<LabelAtlas, ProbabilisticAtlas> atlas_;
  std::string template_space_;
  std::filesystem::path names_file_;
  std::vector<std::string> notes_;
};

// Reads `atlas_file` as the header says. Throws std::runtime_error("<file>:
// ...") for an unreadable file, an intensity image, or a kind that
// `options.kind` rules out.
ParcelAtlas load_parcel_atlas(const std::filesystem::path& atlas_file,
                              const ParcelAtlasOptions& options = {});

// LabelsMasker or MapsMasker, as the atlas asks. The atlas must already be on
// the data grid (ParcelAtlas::resampled_to).
class ParcelMasker {
 public:
  ParcelMasker(const ParcelAtlas& atlas, const BrainMask& mask);

  const Grid& grid() const;
  int64_t parcel_count() const;
  const std::vector<std::string>& names() const;  // [P], the regions kept
  std::string dropped_report() const;             // "" when every region was kept

  ParcelSeries extract(const Volume& bold) const;
  ParcelSeries extract(const FrameSeries& bold) const;

  // The masker itself, for what only one kind has (voxel counts, weights);
  // nullptr for the other kind.
  const LabelsMasker* labels_masker() const { return std::get_if<LabelsMasker>(&masker_); }
  const MapsMasker* maps_masker() const { return std::get_if<MapsMasker>(&masker_); }

 private:
  std::variant<LabelsMasker, MapsMasker> masker_;
};

}  // namespace neuro
