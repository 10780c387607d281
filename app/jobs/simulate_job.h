#pragma once
// `neuroseq simulate`: a complete fMRIPrep-style dataset with ground truth.

#include "app/jobs/job_context.h"
#include "neuro/sim/simulator.h"

namespace jobs {

// Fills in what the application knows (resources folder, version) and runs
// the simulator with the context's progress and cancel flag.
neuro::SimulationSummary run_simulate(neuro::SimulationOptions options, const JobContext& context);

}  // namespace jobs
