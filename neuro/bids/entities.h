#pragma once
// BIDS file names:
// "sub-01_ses-02_task-rest_run-1_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz" is a list of
// key-value entities, a suffix ("bold") and an extension
// (".nii.gz"). Names are built in the order of the specification's entity
// table, so that every output lands where BIDS tools look for it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace neuro {

struct BidsEntity {
  std::string key;    // "sub", "task", "desc"
  std::string value;  // "01", "rest", "preproc"

  bool operator==(const BidsEntity&) const = default;
};

struct BidsName {
  std::vector<BidsEntity> entities;  // as they appear in the name
  std::string suffix;                // "bold", "events", "mask"
  std::string extension;             // with its dot: ".nii.gz", ".tsv"; may be empty

  bool has(std::string_view key) const;
  // The value of `key`, nullopt when the name has no such entity.
  std::optional<std::string> get(std::string_view key) const;
  // The value of `key`, or `fallback` when absent.
  std::string value_or(std::string_view key, std::string_view fallback = "") const;
  // Replaces the value of `key`, or adds the entity. Throws std::invalid_argument
  // when the key or value is not a valid BIDS label.
  BidsName& set(std::string_view key, std::string_view value);
  BidsName& erase(std::string_view key);

  // The file name with entities in the specification's order (entities the
  // table does not know go just before desc, in the order they were given).
  // Throws std::invalid_argument when the suffix is empty or a key or value
  // is not a valid label.
  std::string filename() const;
  // The same entities in the specification's order.
  std::vector<BidsEntity> ordered_entities() const;
};

// Parses a file name (any directory part is ignored). Throws
// std::runtime_error("<name>: <problem>") when it is not a BIDS name: a part
// that is not key-value, a key given twice, no suffix, an empty label.
BidsName parse_bids_name(std::string_view filename);
// The same, but nullopt instead of an exception, for scanning folders that hold
// other files too.
std::optional<BidsName> try_parse_bids_name(std::string_view filename);

// Position of `key` in the specification's entity table (0 for "sub"), or
// nullopt for a key the table does not list.
std::optional<int> entity_rank(std::string_view key);

// True for a non-empty run of ASCII letters and digits, what BIDS allows in
// keys, labels and suffixes.
bool is_bids_label(std::string_view text);

// Labels compare as numbers when both are ("1" and "01" are one run, as
// fMRIPrep's run-1 is the raw dataset's run-01), else as text.
bool same_bids_label(std::string_view a, std::string_view b);

// Turns free text (a trial type such as "left hand" or "2-back") into a valid
// label: letters and digits kept, the letter after a dropped character
// capitalised ("leftHand", "2Back"). Throws std::invalid_argument when nothing
// is left.
std::string to_bids_label(std::string_view text);

}  // namespace neuro
