#pragma once
// A job's config filled with what every job that reads a dataset has: the
// dataset, how its runs become parcel series, and the output folder.

#include <filesystem>

#include "app/jobs/run_series.h"

namespace neuroseq_test {

template <typename JobConfig>
JobConfig config_on(const std::filesystem::path& dataset, const jobs::SeriesRecipe& recipe,
                    const std::filesystem::path& output) {
  JobConfig config;
  config.dataset = dataset;
  config.recipe = recipe;
  config.output = output;
  return config;
}

}  // namespace neuroseq_test
