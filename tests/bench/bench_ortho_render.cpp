// One frame of the three-view layout with an overlay, rendered offscreen.
// Needs a display; on a headless machine run it under Mesa's software
// renderer through Xvfb:
//   xvfb-run -a build-gui/tests/bench/bench_ortho_render --benchmark_repetitions=10
//
// Underlay: a 1 mm MNI-sized grid (182 x 218 x 182); overlay: a 2 mm map
// (91 x 109 x 91) with two blobs; window 1200 x 420.

#include <QGuiApplication>
#include <QSurfaceFormat>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include "neuro/image/volume.h"
#include "viewers/gl_bridge.h"
#include "viewers/offscreen_renderer.h"
#include "viewers/ortho_view.h"

namespace {

std::shared_ptr<neuro::Volume> underlay() {
  const std::array<int64_t, 3> dims{182, 218, 182};
  const auto affine = neuro::Affine::diagonal(1, 1, 1, -90, -126, -72);
  auto v = std::make_shared<neuro::Volume>(neuro::Grid{dims, affine}, 1);
  for (int64_t k = 0; k < dims[2]; ++k)
    for (int64_t j = 0; j < dims[1]; ++j)
      for (int64_t i = 0; i < dims[0]; ++i) {
        const auto w = affine.to_world(double(i), double(j), double(k));
        const double r2 = (w[0] / 70) * (w[0] / 70) + ((w[1] + 18) / 90) * ((w[1] + 18) / 90) +
                          ((w[2] - 10) / 70) * ((w[2] - 10) / 70);
        v->at(i, j, k) = r2 < 1 ? static_cast<float>(400 + 300 * std::cos(w[0] / 6) * (1 - r2)) : 0;
      }
  return v;
}

std::shared_ptr<neuro::Volume> overlay() {
  const std::array<int64_t, 3> dims{91, 109, 91};
  const auto affine = neuro::Affine::diagonal(2, 2, 2, -90, -126, -72);
  auto v = std::make_shared<neuro::Volume>(neuro::Grid{dims, affine}, 1);
  for (int64_t k = 0; k < dims[2]; ++k)
    for (int64_t j = 0; j < dims[1]; ++j)
      for (int64_t i = 0; i < dims[0]; ++i) {
        const auto w = affine.to_world(double(i), double(j), double(k));
        const double a = std::exp(-((w[0] - 30) * (w[0] - 30) + w[1] * w[1] + w[2] * w[2]) / 200);
        const double b = std::exp(-((w[0] + 30) * (w[0] + 30) + w[1] * w[1] + w[2] * w[2]) / 200);
        v->at(i, j, k) = static_cast<float>(6 * a - 4 * b);
      }
  return v;
}

struct Scene {
  viewers::OffscreenRenderer renderer{1200, 420};
  viewers::OrthoView view{renderer.render_window()};
  Scene() {
    view.set_underlay(underlay());
    viewers::LayerStyle style = viewers::default_overlay_style(std::vector<float>{-4, 6});
    style.thresholds = viewers::Thresholds{1.5, 1.5};
    view.set_overlay(overlay(), style);
    view.set_cursor({30, 0, 0});
    renderer.render();
  }
};

// Made in main and gone before the QGuiApplication: its OpenGL context must
// not outlive the application.
Scene* the_scene = nullptr;

Scene& scene() {
  return *the_scene;
}

// The cursor moves each frame, as when dragging it: all three slices are cut
// again, coloured, uploaded and drawn.
void BM_OrthoFrameMovingCursor(benchmark::State& state) {
  Scene& s = scene();
  int step = 0;
  for (auto _ : state) {
    const double d = (step++ % 2) ? 1.0 : -1.0;
    s.view.set_cursor({30 + d, d, d});
    s.renderer.render();
  }
}
BENCHMARK(BM_OrthoFrameMovingCursor)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same frame drawn again (a window expose): OpenGL work only.
void BM_OrthoFrameRedraw(benchmark::State& state) {
  Scene& s = scene();
  for (auto _ : state)
    s.renderer.render();
}
BENCHMARK(BM_OrthoFrameRedraw)->Unit(benchmark::kMillisecond)->UseRealTime();

// A screenshot: a moved cursor, the frame, and the pixels read back.
void BM_OrthoScreenshot(benchmark::State& state) {
  Scene& s = scene();
  int step = 0;
  for (auto _ : state) {
    const double d = (step++ % 2) ? 1.0 : -1.0;
    s.view.set_cursor({30 + d, d, d});
    benchmark::DoNotOptimize(s.renderer.grab());
  }
}
BENCHMARK(BM_OrthoScreenshot)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  QSurfaceFormat::setDefaultFormat(viewers::vtk_surface_format());
  QGuiApplication app(argc, argv);
  benchmark::Initialize(&argc, argv);
  std::unique_ptr<Scene> owned;
  try {
    owned = std::make_unique<Scene>();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_ortho_render: %s\n", e.what());
    return 1;
  }
  the_scene = owned.get();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  the_scene = nullptr;
  return 0;
}
