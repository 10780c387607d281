#pragma once
// Nuisance regressors as fMRIPrep writes them: *_desc-confounds_timeseries.tsv,
// a header row of column names, one row per frame, tab-separated, "n/a" for
// missing cells. fMRIPrep leaves the first row of derivative-like columns
// (framewise_displacement, dvars, *_derivative1) as "n/a" because there is no
// previous frame to difference against.
//
// Missing cells read as NaN and are kept that way, so that reading and writing
// a table round-trips. Before the regressors are used, fill_missing_confounds
// replaces each NaN by the mean of the other rows of its column, as nilearn's
// load_confounds does; clean_series does this itself.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace neuro {

struct ConfoundTable {
  std::vector<std::string> names;  // one per column
  int64_t frames = 0;              // T
  std::vector<double> values;      // [T, C] row-major
  std::string source;              // the file it came from, for error messages

  int64_t columns() const { return static_cast<int64_t>(names.size()); }
  double at(int64_t t, int64_t c) const { return values[static_cast<size_t>(t * columns() + c)]; }
};

// Throws std::runtime_error("<file>: <problem>") for an unreadable file, an
// empty or duplicated column name, a row with the wrong number of cells, or a
// cell that is neither a number nor "n/a".
ConfoundTable read_confounds_tsv(const std::filesystem::path& path);

// Columns chosen by exact name or by a shell-style pattern ("trans_*",
// "a_comp_cor_0?", "rot_[xyz]"): '*' matches any run of characters, '?' one
// character, "[...]" one of a set (ranges like 0-9, a leading '!' negates).
// The result follows the order of the request; the columns a pattern matches
// keep the table's order; a column asked for twice appears once. Throws
// std::runtime_error("<file>: ...") naming the first name or pattern that
// matches no column.
ConfoundTable select_confounds(const ConfoundTable& table,
                               const std::vector<std::string>& names_or_patterns);

// True when `name` matches the shell-style `pattern` described above.
bool confound_name_matches(const std::string& pattern, const std::string& name);

// Replaces every NaN by the mean of the non-missing cells of its column.
// Throws std::runtime_error("<source>: ...") when a column has no value at all.
void fill_missing_confounds(ConfoundTable& table);

// Writes the table in the format read_confounds_tsv reads (NaN as "n/a",
// values that read back bit-exact), atomically: a temporary file renamed into
// place. Throws std::invalid_argument("<file>: ...") when the shape is
// inconsistent or a name is empty or holds a tab or a line break.
void write_confounds_tsv(const ConfoundTable& table, const std::filesystem::path& path);

// Throws std::invalid_argument("<file>: ...") unless the table holds frames x
// columns values.
void check_confound_table_shape(const ConfoundTable& table, const std::string& file);

}  // namespace neuro
