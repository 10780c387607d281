#pragma once
// Progress for a job run from the command line: a bar with ETA on a
// terminal, plain log lines otherwise (batch logs, SLURM output files).

#include <string>

#include "app/jobs/job_context.h"

namespace cli {

jobs::JobContext terminal_job_context(const std::string& job_name);

}  // namespace cli
