#include "app/jobs/simulate_job.h"

#include "app/jobs/provenance.h"
#include "app/jobs/resources.h"

namespace jobs {

neuro::SimulationSummary run_simulate(neuro::SimulationOptions options, const JobContext& context) {
  if (options.space.resources_dir.empty()) options.space.resources_dir = resources_dir();
  options.software_version = neuroseq_version();
  return neuro::simulate_dataset(options, [&](double fraction, std::string_view message) {
    context.check_cancel();
    context.report(fraction, message);
  });
}

}  // namespace jobs
