#include "neuro/maps/cluster_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/io/atomic_file.h"

namespace neuro {

namespace {

std::string name_of_map(const Volume& map) {
  return map.source().empty() ? std::string("map (in memory)") : map.source();
}

struct Offset {
  int64_t di, dj, dk;
};

// The neighbours of a voxel: those at city-block distance 1 (faces), up to 2
// (faces and edges) or up to 3 (all 26).
std::vector<Offset> neighbour_offsets(Connectivity connectivity) {
  int max_steps = 3;
  switch (connectivity) {
    case Connectivity::kFaces6:
      max_steps = 1;
      break;
    case Connectivity::kEdges18:
      max_steps = 2;
      break;
    case Connectivity::kCorners26:
      max_steps = 3;
      break;
    default:
      throw std::invalid_argument("cluster connectivity must be 6, 18 or 26, got " +
                                  std::to_string(static_cast<int>(connectivity)));
  }
  std::vector<Offset> offsets;
  for (int64_t dk = -1; dk <= 1; ++dk) {
    for (int64_t dj = -1; dj <= 1; ++dj) {
      for (int64_t di = -1; di <= 1; ++di) {
        const int64_t steps = std::abs(di) + std::abs(dj) + std::abs(dk);
        if (steps > 0 && steps <= max_steps) offsets.push_back({di, dj, dk});
      }
    }
  }
  return offsets;
}

// Fixed decimals with trailing zeros (and a bare point) dropped; never "-0".
std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) return value != value ? "nan" : (value > 0 ? "inf" : "-inf");
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  std::string text(buffer);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0')
      text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

// The shortest text that reads back as the same float.
std::string format_float(float value) {
  if (!std::isfinite(value)) return value != value ? "nan" : (value > 0 ? "inf" : "-inf");
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::string tsv_safe(std::string text) {
  for (char& c : text) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

std::string region_name(const LabelAtlas& atlas, int label) {
  if (label == 0) return "n/a";
  const auto& labels = atlas.labels();
  if (!std::binary_search(labels.begin(), labels.end(), label)) {
    return "label_" + std::to_string(label);
  }
  return atlas.name_of(label);
}

}  // namespace

double voxel_volume_mm3(const Affine& a) {
  const double det = a(0, 0) * (a(1, 1) * a(2, 2) - a(1, 2) * a(2, 1)) -
                     a(0, 1) * (a(1, 0) * a(2, 2) - a(1, 2) * a(2, 0)) +
                     a(0, 2) * (a(1, 0) * a(2, 1) - a(1, 1) * a(2, 0));
  return std::abs(det);
}

std::vector<Cluster> find_clusters(const Volume& map, const ClusterOptions& options,
                                   const LabelAtlas* atlas) {
  const std::string name = name_of_map(map);
  if (map.frames() != 1) {
    throw std::invalid_argument(name + ": clusters are found on a 3-D map, this one has " +
                                std::to_string(map.frames()) + " volumes");
  }
  if (!std::isfinite(options.threshold)) {
    throw std::invalid_argument(name + ": the cluster threshold must be finite");
  }
  if (options.two_sided && options.threshold < 0) {
    throw std::invalid_argument(name + ": a two-sided cluster threshold must be >= 0, got " +
                                format_fixed(options.threshold, 6));
  }
  if (options.min_voxels < 1) {
    throw std::invalid_argument(name + ": the minimum cluster size must be >= 1 voxel, got " +
                                std::to_string(options.min_voxels));
  }
  if (!std::isfinite(options.min_mm3) || options.min_mm3 < 0) {
    throw std::invalid_argument(name + ": the minimum cluster size in mm3 must be >= 0");
  }
  const auto offsets = neighbour_offsets(options.connectivity);
  const auto& dims = map.dims();
  const auto& grid = map.grid();
  const auto data = map.data();
  const double voxel_mm3 = voxel_volume_mm3(map.affine());
  const bool atlas_on_grid = atlas != nullptr && atlas->grid().same_as(grid);

  std::vector<Cluster> clusters;
  std::vector<uint8_t> visited(data.size(), 0);
  std::vector<int64_t> queue;
  const int signs[2] = {1, -1};
  for (const int sign : signs) {
    if (sign < 0 && !options.two_sided) break;
    std::fill(visited.begin(), visited.end(), uint8_t{0});
    const auto inside = [&](int64_t v) {
      const double value = sign * static_cast<double>(data[static_cast<size_t>(v)]);
      return value > options.threshold;  // false for NaN
    };
    for (int64_t seed = 0; seed < static_cast<int64_t>(data.size()); ++seed) {
      if (visited[static_cast<size_t>(seed)] || !inside(seed)) continue;
      visited[static_cast<size_t>(seed)] = 1;
      queue.assign(1, seed);
      int64_t count = 0;
      int64_t peak = seed;
      double weight_sum = 0;
      std::array<double, 3> weighted{0, 0, 0}, plain{0, 0, 0};
      for (size_t head = 0; head < queue.size(); ++head) {
        const int64_t v = queue[head];
        const int64_t i = v % dims[0];
        const int64_t j = v / dims[0] % dims[1];
        const int64_t k = v / (dims[0] * dims[1]);
        const double value = data[static_cast<size_t>(v)];
        const double peak_value = data[static_cast<size_t>(peak)];
        if (sign * value > sign * peak_value || (sign * value == sign * peak_value && v < peak)) {
          peak = v;
        }
        const double w = std::abs(value);
        weight_sum += w;
        weighted[0] += w * static_cast<double>(i);
        weighted[1] += w * static_cast<double>(j);
        weighted[2] += w * static_cast<double>(k);
        plain[0] += static_cast<double>(i);
        plain[1] += static_cast<double>(j);
        plain[2] += static_cast<double>(k);
        ++count;
        for (const auto& o : offsets) {
          const int64_t ni = i + o.di, nj = j + o.dj, nk = k + o.dk;
          if (ni < 0 || nj < 0 || nk < 0 || ni >= dims[0] || nj >= dims[1] || nk >= dims[2]) {
            continue;
          }
          const int64_t n = grid.index(ni, nj, nk);
          if (visited[static_cast<size_t>(n)] || !inside(n)) continue;
          visited[static_cast<size_t>(n)] = 1;
          queue.push_back(n);
        }
      }
      const double size_mm3 = static_cast<double>(count) * voxel_mm3;
      if (count < options.min_voxels) continue;
      if (size_mm3 + 1e-9 * std::max(1.0, options.min_mm3) < options.min_mm3) continue;

      Cluster c;
      c.sign = sign;
      c.peak_value = data[static_cast<size_t>(peak)];
      c.peak_voxel = {peak % dims[0], peak / dims[0] % dims[1], peak / (dims[0] * dims[1])};
      c.peak_mm = map.affine().to_world(static_cast<double>(c.peak_voxel[0]),
                                        static_cast<double>(c.peak_voxel[1]),
                                        static_cast<double>(c.peak_voxel[2]));
      // The affine is linear, so the world centre is the affine of the voxel centre.
      std::array<double, 3> centre{};
      for (size_t d = 0; d < 3; ++d) {
        centre[d] =
            weight_sum > 0 ? weighted[d] / weight_sum : plain[d] / static_cast<double>(count);
      }
      c.centre_mm = map.affine().to_world(centre[0], centre[1], centre[2]);
      c.size_voxels = count;
      c.size_mm3 = size_mm3;
      if (atlas != nullptr) {
        c.peak_label = atlas_on_grid
                           ? atlas->label_at(c.peak_voxel[0], c.peak_voxel[1], c.peak_voxel[2])
                           : atlas->label_at_world(c.peak_mm[0], c.peak_mm[1], c.peak_mm[2]);
        c.peak_region = region_name(*atlas, c.peak_label);
      }
      clusters.push_back(std::move(c));
    }
  }

  order_clusters(clusters, grid);
  return clusters;
}

void order_clusters(std::vector<Cluster>& clusters, const Grid& grid) {
  const auto storage_index = [&](const Cluster& c) {
    return grid.index(c.peak_voxel[0], c.peak_voxel[1], c.peak_voxel[2]);
  };
  std::sort(clusters.begin(), clusters.end(), [&](const Cluster& a, const Cluster& b) {
    const float pa = std::abs(a.peak_value), pb = std::abs(b.peak_value);
    if (pa != pb) return pa > pb;
    if (a.size_voxels != b.size_voxels) return a.size_voxels > b.size_voxels;
    if (a.sign != b.sign) return a.sign > b.sign;
    return storage_index(a) < storage_index(b);
  });
  for (size_t n = 0; n < clusters.size(); ++n)
    clusters[n].id = static_cast<int>(n + 1);
}

const std::vector<std::string>& cluster_table_columns() {
  static const std::vector<std::string> columns = {
      "cluster",     "sign",     "peak_value",  "peak_x_mm",   "peak_y_mm",   "peak_z_mm",
      "size_voxels", "size_mm3", "centre_x_mm", "centre_y_mm", "centre_z_mm", "peak_region"};
  return columns;
}

std::string format_cluster_table(const std::vector<Cluster>& clusters) {
  std::string out;
  const auto& columns = cluster_table_columns();
  for (size_t c = 0; c < columns.size(); ++c) {
    out += columns[c];
    out += c + 1 < columns.size() ? '\t' : '\n';
  }
  for (const auto& c : clusters) {
    const std::vector<std::string> fields = {
        std::to_string(c.id),
        c.sign > 0 ? "positive" : "negative",
        format_float(c.peak_value),
        format_fixed(c.peak_mm[0], 2),
        format_fixed(c.peak_mm[1], 2),
        format_fixed(c.peak_mm[2], 2),
        std::to_string(c.size_voxels),
        format_fixed(c.size_mm3, 3),
        format_fixed(c.centre_mm[0], 2),
        format_fixed(c.centre_mm[1], 2),
        format_fixed(c.centre_mm[2], 2),
        tsv_safe(c.peak_region.empty() ? std::string("n/a") : c.peak_region)};
    for (size_t f = 0; f < fields.size(); ++f) {
      out += fields[f];
      out += f + 1 < fields.size() ? '\t' : '\n';
    }
  }
  return out;
}

void write_cluster_table(const std::vector<Cluster>& clusters, const std::filesystem::path& path) {
  core::write_text_atomically(path, format_cluster_table(clusters));
}

}  // namespace neuro
