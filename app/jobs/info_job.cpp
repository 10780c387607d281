#include "app/jobs/info_job.h"

#include <cstdio>
#include <sstream>

#include "neuro/image/nifti_header.h"

namespace jobs {

nlohmann::json image_info(const std::filesystem::path& path) {
  const auto h = neuro::read_header(path);
  nlohmann::json j;
  j["file"] = path.string();
  j["format"] = neuro::image_format_name(h.format);
  std::vector<int64_t> dims;
  for (int64_t i = 1; i <= h.dim[0]; ++i)
    dims.push_back(h.dim[static_cast<size_t>(i)]);
  j["dims"] = dims;
  const auto affine = h.best_affine();
  const auto size = affine.voxel_size();
  j["voxel_size_mm"] = {size[0], size[1], size[2]};
  j["tr_seconds"] = h.tr_seconds();
  j["datatype"] = neuro::datatype_name(h.datatype);
  j["byte_order"] = h.big_endian ? "big-endian" : "little-endian";
  nlohmann::json rows = nlohmann::json::array();
  for (int r = 0; r < 4; ++r)
    rows.push_back({affine(r, 0), affine(r, 1), affine(r, 2), affine(r, 3)});
  j["affine"] = rows;
  j["orientation"] = neuro::orientation_code(affine);
  j["sform_code"] = h.sform_code;
  j["qform_code"] = h.qform_code;
  j["units"] = {h.spatial_unit_name(), h.time_unit_name()};
  const auto scaling = h.slope_inter();
  j["scaling"] = scaling ? nlohmann::json{{"slope", (*scaling)[0]}, {"inter", (*scaling)[1]}}
                         : nlohmann::json(nullptr);
  j["intent_code"] = h.intent_code;
  j["intent_name"] = h.intent_name;
  j["cal_range"] = {h.cal_min, h.cal_max};
  j["descrip"] = h.descrip;
  return j;
}

std::string format_image_info(const nlohmann::json& j) {
  std::ostringstream out;
  out << "file         " << j["file"].get<std::string>() << "\n";
  out << "format       " << j["format"].get<std::string>() << " ("
      << j["byte_order"].get<std::string>() << ")\n";
  out << "dims        ";
  for (const auto& d : j["dims"])
    out << " " << d.get<int64_t>();
  out << "\n";
  char line[256];
  const auto& v = j["voxel_size_mm"];
  std::snprintf(line, sizeof(line), "voxel size   %.4g x %.4g x %.4g mm\n", v[0].get<double>(),
                v[1].get<double>(), v[2].get<double>());
  out << line;
  if (j["tr_seconds"].get<double>() > 0) {
    std::snprintf(line, sizeof(line), "TR           %.6g s\n", j["tr_seconds"].get<double>());
    out << line;
  }
  out << "datatype     " << j["datatype"].get<std::string>() << "\n";
  out << "orientation  " << j["orientation"].get<std::string>() << "\n";
  out << "sform_code   " << j["sform_code"].get<int>() << "\n";
  out << "qform_code   " << j["qform_code"].get<int>() << "\n";
  out << "affine\n";
  for (const auto& row : j["affine"]) {
    std::snprintf(line, sizeof(line), "  %10.4f %10.4f %10.4f %10.4f\n", row[0].get<double>(),
                  row[1].get<double>(), row[2].get<double>(), row[3].get<double>());
    out << line;
  }
  if (!j["scaling"].is_null()) {
    std::snprintf(line, sizeof(line), "scaling      slope %.6g, inter %.6g\n",
                  j["scaling"]["slope"].get<double>(), j["scaling"]["inter"].get<double>());
    out << line;
  }
  if (j["intent_code"].get<int>() != 0) {
    out << "intent       " << j["intent_code"].get<int>() << " "
        << j["intent_name"].get<std::string>() << "\n";
  }
  if (!j["descrip"].get<std::string>().empty()) {
    out << "descrip      " << j["descrip"].get<std::string>() << "\n";
  }
  return out.str();
}

}  // namespace jobs
