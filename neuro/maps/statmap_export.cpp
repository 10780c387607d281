#include "neuro/maps/statmap_export.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "core/io/atomic_file.h"
#include "neuro/bids/entities.h"
#include "neuro/image/nifti_writer.h"

namespace neuro {

namespace fs = std::filesystem;

namespace {

constexpr size_t kIntentNameCapacity = 15;  // NIfTI-1: char intent_name[16]
constexpr size_t kDescripCapacity = 79;     // NIfTI-1: char descrip[80]

const char* default_intent_name(StatIntent intent) {
  switch (intent) {
    case StatIntent::kZScore:
      return "zscore";
    case StatIntent::kTTest:
      return "ttest";
    case StatIntent::kEstimate:
      return "estimate";
    case StatIntent::kNone:
      return "";
  }
  return "";
}

const char* statistic_word(StatIntent intent) {
  switch (intent) {
    case StatIntent::kZScore:
      return "z";
    case StatIntent::kTTest:
      return "t";
    case StatIntent::kEstimate:
      return "estimate";
    case StatIntent::kNone:
      return "none";
  }
  return "none";
}

std::string where_of(const Volume& map) {
  return map.source().empty() ? std::string("statmap (in memory)") : map.source();
}

void check(const Volume& map, const StatmapInfo& info, const std::string& where) {
  const auto fail = [&](const std::string& problem) {
    throw std::invalid_argument(where + ": " + problem);
  };
  if (map.frames() == 0 || map.voxels_per_frame() == 0) fail("the map is empty");
  if (map.frames() != 1 && !info.per_frame) {
    fail("a statmap is 3-D, this map has " + std::to_string(map.frames()) + " volumes");
  }
  if (info.per_frame && !(map.tr_seconds() > 0)) {
    fail("a per-frame map needs the time between its frames (TR > 0)");
  }
  switch (info.intent) {
    case StatIntent::kNone:
    case StatIntent::kTTest:
    case StatIntent::kZScore:
    case StatIntent::kEstimate:
      break;
    default:
      fail("intent code " + std::to_string(static_cast<int>(info.intent)) +
           " is not one of NONE (0), TTEST (3), ZSCORE (5), ESTIMATE (1001)");
  }
  if (info.method.empty()) fail("the method that made the map must be named");
  if (info.intent_name.size() > kIntentNameCapacity) {
    fail("intent_name \"" + info.intent_name + "\" is longer than NIfTI-1's 15 characters");
  }
  if (info.intent == StatIntent::kTTest) {
    if (!(info.dof > 0) || !std::isfinite(info.dof)) {
      fail("a t-map needs its degrees of freedom (dof > 0)");
    }
  } else if (info.dof != 0) {
    fail(std::string("degrees of freedom are given for t-maps only, not for intent ") +
         statistic_word(info.intent));
  }
  if (info.threshold && !std::isfinite(*info.threshold)) fail("the threshold must be finite");
  switch (info.space_code) {
    case XformCode::kScannerAnat:
    case XformCode::kAlignedAnat:
    case XformCode::kTalairach:
    case XformCode::kMni152:
    case XformCode::kTemplateOther:
      break;
    default:
      fail("the space code must be 1 (scanner) to 5 (template), got " +
           std::to_string(static_cast<int>(info.space_code)));
  }
}

void check_label(const char* key, const std::string& label, bool required) {
  if (label.empty()) {
    if (required) {
      throw std::invalid_argument(std::string("statmap name: the ") + key + " label is required");
    }
    return;
  }
  if (!is_bids_label(label)) {
    throw std::invalid_argument(std::string("statmap name: ") + key + " label \"" + label +
                                "\" must be letters and digits only");
  }
}

}  // namespace

std::string StatmapName::filename(const std::string& extension) const {
  check_label("sub", subject, true);
  check_label("task", task, false);
  check_label("space", space, true);
  check_label("stat", stat, true);
  check_label("desc", state, true);
  std::string name = "sub-" + subject;
  if (!task.empty()) name += "_task-" + task;
  name += "_space-" + space + "_stat-" + stat + "_desc-" + state + "_statmap" + extension;
  return name;
}

ImageMeta statmap_meta(const Volume& map, const StatmapInfo& info) {
  check(map, info, where_of(map));
  ImageMeta meta;
  meta.sform_code = info.space_code;
  meta.qform_code = info.space_code;
  meta.intent_code = static_cast<int>(info.intent);
  meta.intent_params = {info.intent == StatIntent::kTTest ? info.dof : 0.0, 0.0, 0.0};
  meta.intent_name =
      info.intent_name.empty() ? std::string(default_intent_name(info.intent)) : info.intent_name;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const float value : map.data()) {
    if (!std::isfinite(value)) continue;
    lo = std::min(lo, static_cast<double>(value));
    hi = std::max(hi, static_cast<double>(value));
  }
  meta.cal_min = lo <= hi ? lo : 0.0;
  meta.cal_max = lo <= hi ? hi : 0.0;
  std::string descrip = "NeuroSeq " + info.method;
  switch (info.intent) {
    case StatIntent::kZScore:
      descrip += " z map";
      break;
    case StatIntent::kTTest:
      descrip += " t map";
      break;
    default:
      descrip += " map";
  }
  if (!info.state.empty()) descrip += ", state " + info.state;
  if (descrip.size() > kDescripCapacity) descrip.resize(kDescripCapacity);
  meta.descrip = descrip;
  return meta;
}

fs::path statmap_sidecar_path(const fs::path& image) {
  std::string name = image.filename().string();
  for (const char* ext : {".nii.gz", ".nii"}) {
    const std::string e(ext);
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
      name.resize(name.size() - e.size());
      return image.parent_path() / (name + ".json");
    }
  }
  throw std::invalid_argument(image.string() + ": NIfTI output names end in .nii or .nii.gz");
}

StatmapFiles write_statmap(const Volume& map, const StatmapInfo& info, const fs::path& image) {
  StatmapFiles files{image, statmap_sidecar_path(image)};
  check(map, info, image.string());
  Volume out = map;
  out.meta() = statmap_meta(map, info);

  nlohmann::ordered_json sidecar;
  sidecar["Method"] = info.method;
  if (!info.state.empty()) sidecar["State"] = info.state;
  sidecar["Statistic"] = statistic_word(info.intent);
  if (!info.units.empty()) sidecar["Units"] = info.units;
  sidecar["IntentCode"] = out.meta().intent_code;
  if (!out.meta().intent_name.empty()) sidecar["IntentName"] = out.meta().intent_name;
  if (info.intent == StatIntent::kTTest) sidecar["DegreesOfFreedom"] = info.dof;
  if (info.threshold) sidecar["Threshold"] = *info.threshold;
  sidecar["Space"] = xform_code_name(info.space_code);
  sidecar["DataRange"] = {out.meta().cal_min, out.meta().cal_max};
  if (info.per_frame) {
    sidecar["Frames"] = map.frames();
    sidecar["RepetitionTime"] = map.tr_seconds();
  }

  write_nifti(out, files.image);
  core::write_text_atomically(files.sidecar, sidecar.dump(2) + "\n");
  return files;
}

StatmapFiles write_statmap(const Volume& map, const StatmapInfo& info, const fs::path& directory,
                           const StatmapName& name) {
  return write_statmap(map, info, directory / name.filename());
}

}  // namespace neuro
