#pragma once
// A tiny dataset that jobs::run_simulate wrote, as the application writes
// it, into <temp folder>/ds. Tests write their own outputs beside it in the
// same folder, which goes when this does.

#include <filesystem>
#include <functional>
#include <string>

#include "app/jobs/simulate_job.h"
#include "temp_dir.h"
#include "tiny_simulation.h"

namespace neuroseq_test {

class SimulatedFolder {
 public:
  // `adjust` sets what TinyDataset leaves at its defaults (frames, voxel size).
  SimulatedFolder(const std::string& name, const TinyDataset& dataset,
                  const std::function<void(neuro::SimulationOptions&)>& adjust = {})
      : dir_(name), summary_(simulate(dir_ / "ds", dataset, adjust)) {}

  const std::filesystem::path& path() const { return dir_.path(); }
  std::filesystem::path operator/(const std::string& name) const { return dir_ / name; }
  const neuro::SimulationSummary& summary() const { return summary_; }

 private:
  static neuro::SimulationSummary simulate(
      const std::filesystem::path& root, const TinyDataset& dataset,
      const std::function<void(neuro::SimulationOptions&)>& adjust) {
    auto options = tiny_simulation(root, dataset);
    if (adjust) adjust(options);
    return jobs::run_simulate(options, {});
  }

  TempDir dir_;
  neuro::SimulationSummary summary_;
};

}  // namespace neuroseq_test
