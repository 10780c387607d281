#include "neuro/series/parcel_series.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "core/io/atomic_file.h"
#include "core/io/text_fields.h"

namespace neuro {

ParcelSeries::ParcelSeries(int64_t frames_, int64_t parcels_, double tr)
    : frames(frames_), parcels(parcels_), tr_seconds(tr) {
  if (frames_ < 0 || parcels_ < 0) throw std::invalid_argument("parcel series: negative size");
  values.assign(static_cast<size_t>(frames_ * parcels_), 0.0f);
  names.resize(static_cast<size_t>(parcels_));
}

std::span<const float> ParcelSeries::row(int64_t t) const {
  return std::span<const float>(values).subspan(static_cast<size_t>(t * parcels),
                                                static_cast<size_t>(parcels));
}

void write_series_tsv(const ParcelSeries& series, const std::filesystem::path& path) {
  if (series.names.size() != static_cast<size_t>(series.parcels)) {
    throw std::invalid_argument(path.string() + ": one name per parcel is needed");
  }
  std::string text;
  for (int64_t p = 0; p < series.parcels; ++p) {
    if (p) text += '\t';
    text += series.names[static_cast<size_t>(p)];
  }
  text += '\n';
  char buf[64];
  for (int64_t t = 0; t < series.frames; ++t) {
    for (int64_t p = 0; p < series.parcels; ++p) {
      if (p) text += '\t';
      const float v = series.at(t, p);
      if (std::isnan(v)) {
        text += "n/a";
        continue;
      }
      // Shortest representation that reads back to the same float.
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
      text.append(buf, end);
    }
    text += '\n';
  }
  core::write_text_atomically(path, text);
}

ParcelSeries read_series_tsv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot open the file");
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(path.string() + ": the table is empty");
  ParcelSeries s;
  {
    std::stringstream header(line);
    std::string name;
    while (std::getline(header, name, '\t'))
      s.names.push_back(name);
  }
  s.parcels = static_cast<int64_t>(s.names.size());
  int64_t row = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++row;
    std::stringstream fields(line);
    std::string field;
    int64_t count = 0;
    while (std::getline(fields, field, '\t')) {
      float v = std::numeric_limits<float>::quiet_NaN();
      if (field != "n/a") {
        const auto number = core::parse_float(field);
        if (!number) {
          throw std::runtime_error(path.string() + ": row " + std::to_string(row) +
                                   ": not a number: '" + field + "'");
        }
        v = *number;
      }
      s.values.push_back(v);
      ++count;
    }
    if (count != s.parcels) {
      throw std::runtime_error(path.string() + ": row " + std::to_string(row) + " has " +
                               std::to_string(count) + " columns, the header has " +
                               std::to_string(s.parcels));
    }
  }
  s.frames = row;
  return s;
}

}  // namespace neuro
