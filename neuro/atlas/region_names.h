#pragma once
// Region names from the side files that atlases ship with. Every reader gives
// region number -> name, with regions numbered from 1 the way label images
// number them: region r is image value r in a label atlas and volume r - 1 in
// a probabilistic atlas. Region 0 is background and never gets a name.
//
// Formats:
//   FSL XML   <label index="i" ...>Name</label>, i counted from 0: region i + 1
//             (FSL's maxprob images hold index + 1, its prob images put index
//             i in volume i).
//   mricron   "1 Precentral_L 2001": value, name, anything else ignored;
//   .txt      tab-separated when the line has a tab (names may hold spaces).
//   TSV       index<TAB>name, an optional header row; with a header the
//             "index" and "name" columns are used wherever they are (BIDS dseg;
//             the BIDS atlas tables' "label" column stands in for a missing
//             "name"). Other columns (abbreviation, color, ...) are ignored.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace neuro {

using RegionNames = std::map<int, std::string>;  // region number -> name

RegionNames read_fsl_xml_names(const std::filesystem::path& path);
RegionNames read_mricron_names(const std::filesystem::path& path);
RegionNames read_tsv_names(const std::filesystem::path& path);

// One row of an index/name table, as the file orders it.
struct RegionRow {
  int index = 0;
  std::string name;  // "" where the table says n/a or leaves the name empty
  int64_t line = 0;  // in the file, for messages
};
// The rows of a TSV names table in file order, background rows included:
// what a BIDS _probseg.tsv needs, whose row order is the volume order.
std::vector<RegionRow> read_tsv_rows(const std::filesystem::path& path);
// Chooses the reader by extension: .xml, .tsv, anything else as mricron text.
RegionNames read_region_names(const std::filesystem::path& path);

// The names file that sits beside an atlas image, if any. For "dir/aal.nii.gz"
// the candidates are, in order, dir/aal.nii.{xml,tsv,txt} then dir/aal.{xml,tsv,txt}.
std::optional<std::filesystem::path> find_names_beside(const std::filesystem::path& atlas_file);

// Atlases known by name whose names file is shipped in `resources_dir`/atlases:
// an image named HarvardOxford-cort* uses HarvardOxford-Cortical.xml. Empty
// when the atlas is not known or the file is not there.
std::optional<std::filesystem::path> find_shipped_names(const std::filesystem::path& atlas_file,
                                                        const std::filesystem::path& resources_dir);

// Where to look for names, first hit wins: `explicit_file` when given, then a
// file beside the atlas, then the shipped files in `resources_dir` (skipped
// when empty). Empty names when none is found.
RegionNames find_region_names(const std::filesystem::path& atlas_file,
                              const std::optional<std::filesystem::path>& explicit_file,
                              const std::filesystem::path& resources_dir);

}  // namespace neuro
