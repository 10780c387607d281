#include "app/jobs/ground_truth.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace jobs {

std::map<std::string, std::set<int>> read_ground_truth_regions(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file.string() + ": cannot be read");
  std::map<std::string, std::set<int>> out;
  try {
    const auto json = nlohmann::json::parse(in);
    for (const auto& state : json.at("states")) {
      auto& labels = out[state.at("name").get<std::string>()];
      for (const auto& region : state.at("regions"))
        labels.insert(region.at("label").get<int>());
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(file.string() + ": not a simulation record (" + e.what() + ")");
  }
  return out;
}

}  // namespace jobs
