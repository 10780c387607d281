// Load + extraction of a 2 mm MNI run of 300 TRs (.nii.gz), next to the time
// of only decompressing the same file: extraction should add little to the
// unavoidable cost of inflating the data.
//
// The run is synthesised once into the temp folder (a brain-shaped float32
// series on the 91 x 109 x 91 MNI grid, zero outside the brain as fMRIPrep
// writes it) and labelled with a 2 mm atlas of 100 regions.

#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>

#include "core/random/philox.h"
#include "neuro/atlas/brain_mask.h"
#include "neuro/atlas/extraction.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/image/gzip_file.h"
#include "neuro/image/nifti_reader.h"
#include "neuro/image/nifti_writer.h"

namespace fs = std::filesystem;

namespace {

constexpr int64_t kFrames = 300;

neuro::Grid mni_2mm() {
  return {{91, 109, 91}, neuro::Affine::diagonal(-2, 2, 2, 90, -126, -72)};
}

// An ellipsoid about the size of a brain on the MNI grid.
bool inside_brain(int64_t i, int64_t j, int64_t k) {
  const double x = (i - 45.0) / 36.0, y = (j - 58.0) / 46.0, z = (k - 40.0) / 36.0;
  return x * x + y * y + z * z < 1.0;
}

const fs::path& bold_file() {
  static const fs::path path = [] {
    const fs::path p = fs::temp_directory_path() / "neuroseq_bench_mni2mm_300.nii.gz";
    if (fs::exists(p)) return p;
    const auto grid = mni_2mm();
    neuro::Volume bold(grid, kFrames, 2.0);
    core::RandomStream random(7, 0);
    for (int64_t k = 0; k < 91; ++k) {
      for (int64_t j = 0; j < 109; ++j) {
        for (int64_t i = 0; i < 91; ++i) {
          if (!inside_brain(i, j, k)) continue;
          const double base = 800 + 200 * std::sin(0.1 * i + 0.07 * j);
          for (int64_t t = 0; t < kFrames; ++t) {
            bold.at(i, j, k, t) = static_cast<float>(base + 10 * random.normal());
          }
        }
      }
    }
    bold.meta().sform_code = neuro::XformCode::kMni152;
    neuro::write_nifti(bold, p);
    return p;
  }();
  return path;
}

neuro::LabelAtlas atlas_2mm() {
  const auto grid = mni_2mm();
  neuro::Volume labels(grid, 1);
  for (int64_t k = 0; k < 91; ++k) {
    for (int64_t j = 0; j < 109; ++j) {
      for (int64_t i = 0; i < 91; ++i) {
        if (inside_brain(i, j, k)) {
          labels.at(i, j, k) = static_cast<float>(1 + (i / 19) + 5 * (j / 22) + 25 * (k / 23));
        }
      }
    }
  }
  return neuro::LabelAtlas(labels);
}

void BM_DecompressOnly(benchmark::State& state) {
  const auto& path = bold_file();
  for (auto _ : state) {
    auto bytes = neuro::read_whole_file(path);
    benchmark::DoNotOptimize(bytes.data());
  }
}

// The whole series as float32 in memory: what read_volume gives.
void BM_Load(benchmark::State& state) {
  const auto& path = bold_file();
  for (auto _ : state) {
    auto volume = neuro::read_volume(path);
    benchmark::DoNotOptimize(volume.data().data());
  }
}

// What `neuroseq extract` does: decompress once, convert frame by frame while
// the masker averages each region.
void BM_LoadAndExtract(benchmark::State& state) {
  const auto& path = bold_file();
  const auto atlas = atlas_2mm();
  const neuro::LabelsMasker masker(atlas, neuro::BrainMask::everywhere(atlas.grid()));
  for (auto _ : state) {
    const auto image = neuro::StoredImage::open(path);
    const auto series = masker.extract(image.frames_view());
    benchmark::DoNotOptimize(series.values.data());
  }
  state.counters["parcels"] = static_cast<double>(masker.parcel_count());
}

}  // namespace

BENCHMARK(BM_DecompressOnly)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->Repetitions(3)
    ->UseRealTime();
BENCHMARK(BM_Load)->Unit(benchmark::kMillisecond)->Iterations(3)->Repetitions(3)->UseRealTime();
BENCHMARK(BM_LoadAndExtract)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->Repetitions(3)
    ->UseRealTime();
BENCHMARK_MAIN();
