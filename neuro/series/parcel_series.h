#pragma once
// A time series per region: what extraction produces and what cleaning and
// the models consume.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace neuro {

struct ParcelSeries {
  int64_t frames = 0;   // T
  int64_t parcels = 0;  // P
  double tr_seconds = 0;
  std::vector<std::string> names;  // one per parcel
  std::vector<int> labels;         // the atlas label of each parcel (empty for maps)
  std::vector<float> values;       // [T, P] row-major

  ParcelSeries() = default;
  ParcelSeries(int64_t frames, int64_t parcels, double tr_seconds);

  float at(int64_t t, int64_t p) const { return values[static_cast<size_t>(t * parcels + p)]; }
  float& at(int64_t t, int64_t p) { return values[static_cast<size_t>(t * parcels + p)]; }
  std::span<const float> row(int64_t t) const;
};

// Writes one column per parcel with its name as the header; values written so
// that they read back bit-exact. Atomic: a temporary file renamed into place.
void write_series_tsv(const ParcelSeries& series, const std::filesystem::path& path);
// Reads what write_series_tsv wrote ("n/a" reads as NaN). TR is not stored in
// the table; the caller sets it.
ParcelSeries read_series_tsv(const std::filesystem::path& path);

}  // namespace neuro
