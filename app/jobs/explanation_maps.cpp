#include "app/jobs/explanation_maps.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <vector>

#include "app/jobs/resources.h"
#include "neuro/atlas/brain_mask.h"
#include "neuro/atlas/inverse_map.h"
#include "neuro/atlas/parcel_atlas.h"
#include "neuro/glm/group_level.h"
#include "neuro/maps/cluster_table.h"

namespace jobs {

namespace {

// Label k + 1 where map k is the strongest and positive, 0 elsewhere.
neuro::LabelAtlas strongest_map_labels(const neuro::ProbabilisticAtlas& maps) {
  neuro::Volume labels(maps.grid(), 1, 0.0);
  auto out = labels.frame(0);
  std::vector<float> best(out.size(), 0.0f);
  neuro::RegionNames names;
  for (int64_t k = 0; k < maps.map_count(); ++k) {
    const auto map = maps.map(k);
    for (size_t v = 0; v < out.size(); ++v) {
      if (map[v] > best[v]) {
        best[v] = map[v];
        out[v] = static_cast<float>(k + 1);
      }
    }
    names[static_cast<int>(k + 1)] = maps.names()[static_cast<size_t>(k)];
  }
  return neuro::LabelAtlas(std::move(labels), names);
}

// The header fields and the name of a relevance map of `method` about `state`.
struct RelevanceMap {
  neuro::StatmapInfo info;
  neuro::StatmapName name;
};

RelevanceMap relevance_map(const std::string& subject, const std::string& space,
                           const std::string& method, const NamedState& state) {
  RelevanceMap map;
  const std::string stat = method_stat_label(method);
  map.info.intent = neuro::StatIntent::kEstimate;
  map.info.intent_name = ("relevance-" + stat).substr(0, 15);
  map.info.method = method;
  map.info.state = state.name;
  map.info.units = "relevance";
  map.name.subject = subject;
  map.name.space = space;
  map.name.stat = stat;
  map.name.state = state.label;
  return map;
}

}  // namespace

ParcelPainter::ParcelPainter(const std::filesystem::path& atlas,
                             const std::vector<std::string>& parcels,
                             const std::optional<std::filesystem::path>& names) {
  neuro::ParcelAtlasOptions options;
  options.names_file = names;
  options.resources_dir = resources_dir();
  const auto loaded = neuro::load_parcel_atlas(atlas, options);
  std::vector<std::string> region_names;
  std::vector<int> region_labels;
  if (loaded.is_labels()) {
    atlas_.emplace(loaded.labels());
    labels_masker_.emplace(*atlas_, neuro::BrainMask::everywhere(atlas_->grid()));
    region_names = labels_masker_->names();
    region_labels = labels_masker_->labels();
  } else {
    atlas_.emplace(strongest_map_labels(loaded.maps()));
    maps_masker_.emplace(loaded.maps(), neuro::BrainMask::everywhere(loaded.grid()));
    region_names = maps_masker_->names();
    for (const auto k : maps_masker_->map_indices())
      region_labels.push_back(static_cast<int>(k + 1));
  }
  regions_ = region_names.size();
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < region_names.size(); ++i)
    by_name.emplace(region_names[i], i);
  for (const auto& name : parcels) {
    const auto it = by_name.find(name);
    if (it == by_name.end()) {
      throw std::runtime_error(atlas.string() + ": the model's region '" + name +
                               "' is not in this atlas");
    }
    masker_index_.push_back(it->second);
    labels_.push_back(region_labels[it->second]);
  }
}

neuro::Volume ParcelPainter::paint(std::span<const float> values) const {
  std::vector<float> all(regions_, 0.0f);
  for (size_t i = 0; i < masker_index_.size(); ++i)
    all[masker_index_[i]] = values[i];
  return labels_masker_ ? neuro::inverse_map(*labels_masker_, all)
                        : neuro::inverse_map(*maps_masker_, all);
}

std::filesystem::path write_map_and_clusters(const neuro::Volume& map,
                                             const neuro::StatmapInfo& info,
                                             const std::filesystem::path& folder,
                                             const neuro::StatmapName& name,
                                             std::optional<double> cluster_threshold,
                                             const neuro::LabelAtlas& atlas) {
  const auto files = neuro::write_statmap(map, info, folder, name);
  if (cluster_threshold) {
    neuro::ClusterOptions options;
    options.threshold = *cluster_threshold;
    options.two_sided = true;
    std::string table = files.image.string();
    table = table.substr(0, table.size() - std::string("_statmap.nii.gz").size()) + "_clusters.tsv";
    neuro::write_cluster_table(neuro::find_clusters(map, options, &atlas), table);
  }
  return files.image;
}

std::string method_stat_label(const std::string& method) {
  static const std::map<std::string, std::string> labels{{"gradient", "grad"},
                                                         {"saliency", "saliency"},
                                                         {"input_x_gradient", "ixg"},
                                                         {"smoothgrad", "smoothgrad"},
                                                         {"integrated_gradients", "ig"},
                                                         {"lrp", "lrp"},
                                                         {"occlusion_parcels", "occparcels"},
                                                         {"occlusion_time", "occtime"}};
  const auto it = labels.find(method);
  return it == labels.end() ? method : it->second;
}

std::filesystem::path export_relevance_map(const neuro::Volume& map, const ParcelPainter& painter,
                                           const std::filesystem::path& folder,
                                           const std::string& subject, const std::string& space,
                                           const std::string& method, const NamedState& state,
                                           double threshold) {
  RelevanceMap out = relevance_map(subject, space, method, state);
  out.info.threshold = threshold;
  return write_map_and_clusters(map, out.info, folder, out.name, threshold, painter.atlas());
}

std::filesystem::path export_relevance_frames(std::span<const float> frames, int64_t frame_count,
                                              const ParcelPainter& painter,
                                              const std::filesystem::path& folder,
                                              const std::string& space, const std::string& method,
                                              const NamedState& state, double tr) {
  const size_t parcels = frames.size() / static_cast<size_t>(frame_count);
  neuro::Volume map;
  for (int64_t t = 0; t < frame_count; ++t) {
    const neuro::Volume one =
        painter.paint(frames.subspan(static_cast<size_t>(t) * parcels, parcels));
    if (t == 0) map = neuro::Volume(one.grid(), frame_count, tr);
    std::copy(one.data().begin(), one.data().end(), map.frame(t).begin());
  }
  RelevanceMap out = relevance_map("group", space, method, state);
  out.info.per_frame = true;
  out.name.stat += "time";
  return neuro::write_statmap(map, out.info, folder, out.name).image;
}

std::filesystem::path export_group_z(std::span<const double> subject_maps, int64_t subjects,
                                     const ParcelPainter& painter,
                                     const std::filesystem::path& folder, const std::string& space,
                                     const std::string& method, const NamedState& state) {
  const auto parcels = static_cast<int64_t>(subject_maps.size()) / subjects;
  const neuro::ContrastResult group = neuro::one_sample_t(subject_maps, subjects, parcels);
  const std::vector<float> z(group.z.begin(), group.z.end());
  const std::string stat = method_stat_label(method);
  constexpr double kThreshold = 2.3;
  neuro::StatmapInfo info;
  info.intent = neuro::StatIntent::kZScore;
  info.method = method;
  info.state = state.name;
  info.units = "z";
  info.threshold = kThreshold;
  neuro::StatmapName name;
  name.subject = "group";
  name.space = space;
  name.stat = stat + "z";
  name.state = state.label;
  return write_map_and_clusters(painter.paint(z), info, folder, name, kThreshold, painter.atlas());
}

}  // namespace jobs
