// Load + labels-masker extraction of a 2 mm MNI run of 300 TRs (.nii.gz, as
// `neuroseq extract` and the jobs' prepare_runs do it), timed against only
// decompressing the same file with `igzip -dc FILE > /dev/null` in the same
// run: streaming extraction should cost little more than inflating, in a few
// frames' worth of memory.
//
// The run must compress as a real one does, so it is written by nibabel, not
// by this program:
//   /usr/bin/python3 tests/bench/make_mni_run.py /tmp/neuroseq_mni2mm_300.nii.gz
//   NEUROSEQ_MNI_RUN=/tmp/neuroseq_mni2mm_300.nii.gz build/release/tests/bench/bench_load_extract
// (or give the file as the first argument). The summary at the end prints both
// times, their ratio and the peak RSS of the extraction.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "neuro/atlas/brain_mask.h"
#include "neuro/atlas/extraction.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/image/nifti_reader.h"

namespace fs = std::filesystem;

namespace {

fs::path g_run;                                // the nibabel-written run
std::vector<double> g_igzip_ms, g_extract_ms;  // every timed iteration
double g_extract_peak_rss_mb = 0;

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
}

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (const char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// 63 box-shaped regions over the brain of make_mni_run.py, whatever the grid's
// affine: the atlas is built on the run's own grid.
neuro::LabelAtlas atlas_on(const neuro::Grid& grid) {
  neuro::Volume labels(grid, 1);
  const auto& d = grid.dims;
  for (int64_t k = 0; k < d[2]; ++k) {
    for (int64_t j = 0; j < d[1]; ++j) {
      for (int64_t i = 0; i < d[0]; ++i) {
        const double x = (i - 45.0) / 34.0, y = (j - 58.0) / 44.0, z = (k - 38.0) / 33.0;
        if (x * x + y * y + z * z < 1.0) {
          labels.at(i, j, k) = static_cast<float>(1 + (i / 19) + 5 * (j / 22) + 25 * (k / 23));
        }
      }
    }
  }
  return neuro::LabelAtlas(labels);
}

template <typename F>
double time_ms(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// The floor, `igzip -dc FILE > /dev/null` (one thread), and what `neuroseq
// extract` does (open, then extract while the frames stream), run in pairs:
// on a shared machine load drifts, and a pair sees the same load. The order
// within a pair alternates for the same reason.
void BM_ExtractAgainstIgzip(benchmark::State& state) {
  if (std::system("command -v igzip > /dev/null 2>&1") != 0) {
    state.SkipWithError("igzip is not installed (apt-get install isal)");
    return;
  }
  const std::string command = "igzip -dc " + shell_quoted(g_run.string()) + " > /dev/null";
  const auto grid = neuro::StoredImage::open(g_run).grid();
  const auto atlas = atlas_on(grid);
  const neuro::LabelsMasker masker(atlas, neuro::BrainMask::everywhere(grid));
  bool igzip_failed = false;
  const auto igzip = [&] {
    int status = 0;
    const double ms = time_ms([&] { status = std::system(command.c_str()); });
    igzip_failed = igzip_failed || status != 0;
    return ms;
  };
  const auto extract = [&] {
    return time_ms([&] {
      const auto image = neuro::StoredImage::open(g_run);
      const auto series = masker.extract(image.frames_view());
      benchmark::DoNotOptimize(series.values.data());
    });
  };
  for (auto _ : state) {
    double igzip_ms = 0, extract_ms = 0;
    if (g_igzip_ms.size() % 2 == 0) {
      igzip_ms = igzip();
      extract_ms = extract();
    } else {
      extract_ms = extract();
      igzip_ms = igzip();
    }
    if (igzip_failed) {
      state.SkipWithError(("igzip failed on " + g_run.string()).c_str());
      return;
    }
    state.SetIterationTime(extract_ms / 1000.0);
    g_igzip_ms.push_back(igzip_ms);
    g_extract_ms.push_back(extract_ms);
  }
  g_extract_peak_rss_mb = peak_rss_mb();
  state.counters["parcels"] = static_cast<double>(masker.parcel_count());
  state.counters["peak_rss_MB"] = g_extract_peak_rss_mb;
}

// The whole series as float32 in memory (what read_volume gives, 1.1 GB):
// registered last, as it raises the peak RSS for good.
void BM_ReadVolume(benchmark::State& state) {
  for (auto _ : state) {
    auto volume = neuro::read_volume(g_run);
    benchmark::DoNotOptimize(volume.data().data());
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// Each pair's extraction time over its igzip time.
std::vector<double> pair_ratios() {
  std::vector<double> r;
  for (size_t i = 0; i < std::min(g_igzip_ms.size(), g_extract_ms.size()); ++i)
    r.push_back(g_extract_ms[i] / g_igzip_ms[i]);
  return r;
}

double best(const std::vector<double>& v) {
  return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end());
}

}  // namespace

BENCHMARK(BM_ExtractAgainstIgzip)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->Repetitions(1)
    ->UseManualTime();
BENCHMARK(BM_ReadVolume)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  // What Google Benchmark left is ours: the run's path, if given.
  if (argc > 1 && argv[1][0] != '-') {
    g_run = argv[1];
    --argc;
    for (int i = 1; i < argc; ++i)
      argv[i] = argv[i + 1];
  } else if (const char* env = std::getenv("NEUROSEQ_MNI_RUN")) {
    g_run = env;
  }
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (g_run.empty() || !fs::exists(g_run)) {
    std::cerr << "bench_load_extract needs a realistic 2 mm MNI run of 300 frames written by "
                 "nibabel (real float noise compresses to about 3/4; synthetic data that "
                 "compresses better would flatter the reader). Make one (about 1 minute, "
                 "1.1 GB of memory, 0.8 GB on disk) and pass it:\n"
                 "  /usr/bin/python3 tests/bench/make_mni_run.py "
                 "/tmp/neuroseq_mni2mm_300.nii.gz\n"
                 "  NEUROSEQ_MNI_RUN=/tmp/neuroseq_mni2mm_300.nii.gz "
              << argv[0] << "\n";
    if (!g_run.empty()) std::cerr << g_run << ": no such file\n";
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (!g_igzip_ms.empty() && !g_extract_ms.empty()) {
    std::printf(
        "\n%s (%.0f MB compressed), %zu pairs\n"
        "  igzip -dc > /dev/null  median %8.1f ms   best %8.1f ms\n"
        "  load + extract         median %8.1f ms   best %8.1f ms\n"
        "  ratio                  median %8.3f      best %8.3f   (median of pairs %.3f)\n"
        "  peak RSS after extraction: %.0f MB\n",
        g_run.c_str(), static_cast<double>(fs::file_size(g_run)) / 1e6, g_igzip_ms.size(),
        median(g_igzip_ms), best(g_igzip_ms), median(g_extract_ms), best(g_extract_ms),
        median(g_extract_ms) / median(g_igzip_ms), best(g_extract_ms) / best(g_igzip_ms),
        median(pair_ratios()), g_extract_peak_rss_mb);
  }
  return 0;
}
