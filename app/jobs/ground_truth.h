#pragma once
// The simulator's ground truth (sim/simulation.json): which atlas regions
// each state activates, to score attribution maps against.

#include <filesystem>
#include <map>
#include <set>
#include <string>

namespace jobs {

// state name -> atlas labels of its regions. Throws std::runtime_error
// "<file>: <problem>" for a missing or malformed file.
std::map<std::string, std::set<int>> read_ground_truth_regions(const std::filesystem::path& file);

}  // namespace jobs
