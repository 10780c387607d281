// One frame of each viewer layout with an overlay, rendered offscreen: the
// three orthogonal views, the lightbox and the 3-D surfaces. Needs a display;
// on a headless machine run it under Mesa's software renderer through Xvfb:
//   xvfb-run -a build-gui/tests/bench/bench_ortho_render --benchmark_repetitions=10
//
// Underlay: a 1 mm MNI-sized grid (182 x 218 x 182); overlay: a 2 mm map
// (91 x 109 x 91) with two blobs; windows 1200 x 420 (ortho), 1200 x 720
// (lightbox, 3 x 5 tiles) and 800 x 600 (3-D).

#include <QGuiApplication>
#include <QSurfaceFormat>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include "neuro/image/volume.h"
#include "viewers/gl_bridge.h"
#include "viewers/lightbox_view.h"
#include "viewers/offscreen_renderer.h"
#include "viewers/ortho_view.h"
#include "viewers/view3d.h"

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

viewers::LayerStyle overlay_style(double threshold) {
  viewers::LayerStyle style = viewers::default_overlay_style(std::vector<float>{-4, 6});
  style.thresholds = viewers::Thresholds{threshold, threshold};
  return style;
}

// The views go before the renderers whose windows they draw in.
struct Scenes {
  viewers::OffscreenRenderer ortho_renderer{1200, 420};
  viewers::OffscreenRenderer lightbox_renderer{1200, 720};
  viewers::OffscreenRenderer surface_renderer{800, 600};
  viewers::OrthoView view{ortho_renderer.render_window()};
  viewers::LightboxView lightbox{lightbox_renderer.render_window()};
  viewers::View3D surfaces{surface_renderer.render_window()};
  Scenes() {
    const auto head = underlay();
    const auto map = overlay();
    view.set_underlay(head);
    view.set_overlay(map, overlay_style(1.5));
    view.set_cursor({30, 0, 0});
    ortho_renderer.render();
    lightbox.set_underlay(head);
    lightbox.set_overlay(map, overlay_style(1.5));
    lightbox_renderer.render();
    surfaces.set_underlay(head);
    surfaces.set_overlay(map, overlay_style(1.5));
    surface_renderer.render();
  }
};

// Made in main and gone before the QGuiApplication: their OpenGL contexts
// must not outlive the application.
Scenes* the_scenes = nullptr;

Scenes& scene() {
  return *the_scenes;
}

// The cursor moves each frame, as when dragging it: all three slices are cut
// again, coloured, uploaded and drawn.
void BM_OrthoFrameMovingCursor(benchmark::State& state) {
  Scenes& s = scene();
  int step = 0;
  for (auto _ : state) {
    const double d = (step++ % 2) ? 1.0 : -1.0;
    s.view.set_cursor({30 + d, d, d});
    s.ortho_renderer.render();
  }
}
BENCHMARK(BM_OrthoFrameMovingCursor)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same frame drawn again (a window expose): OpenGL work only.
void BM_OrthoFrameRedraw(benchmark::State& state) {
  Scenes& s = scene();
  for (auto _ : state)
    s.ortho_renderer.render();
}
BENCHMARK(BM_OrthoFrameRedraw)->Unit(benchmark::kMillisecond)->UseRealTime();

// A screenshot: a moved cursor, the frame, and the pixels read back.
void BM_OrthoScreenshot(benchmark::State& state) {
  Scenes& s = scene();
  int step = 0;
  for (auto _ : state) {
    const double d = (step++ % 2) ? 1.0 : -1.0;
    s.view.set_cursor({30 + d, d, d});
    benchmark::DoNotOptimize(s.ortho_renderer.grab());
  }
}
BENCHMARK(BM_OrthoScreenshot)->Unit(benchmark::kMillisecond)->UseRealTime();

// The lightbox scrolled by one slice (the mouse wheel): all 15 tiles are cut
// again, coloured, uploaded and drawn.
void BM_LightboxFrameScrolled(benchmark::State& state) {
  Scenes& s = scene();
  int step = 0;
  for (auto _ : state) {
    viewers::LightboxOptions options;
    const double shift = (step++ % 2) ? 1.0 : -1.0;
    options.z_range = std::array<double, 2>{-40 + shift, 70 + shift};
    s.lightbox.set_options(options);
    s.lightbox_renderer.render();
  }
}
BENCHMARK(BM_LightboxFrameScrolled)->Unit(benchmark::kMillisecond)->UseRealTime();

// The lightbox recoloured (a threshold moved): no slice is cut again.
void BM_LightboxFrameRestyled(benchmark::State& state) {
  Scenes& s = scene();
  int step = 0;
  for (auto _ : state) {
    s.lightbox.set_overlay_style(overlay_style((step++ % 2) ? 1.5 : 2.0));
    s.lightbox_renderer.render();
  }
}
BENCHMARK(BM_LightboxFrameRestyled)->Unit(benchmark::kMillisecond)->UseRealTime();

// The 3-D view turned by a degree (a mouse drag): drawing only.
void BM_View3DFrameRotated(benchmark::State& state) {
  Scenes& s = scene();
  for (auto _ : state) {
    s.surfaces.rotate(1, 0);
    s.surface_renderer.render();
  }
}
BENCHMARK(BM_View3DFrameRotated)->Unit(benchmark::kMillisecond)->UseRealTime();

// The 3-D view after an overlay threshold change: both overlay isosurfaces
// are extracted again from the 2 mm map, then drawn.
void BM_View3DFrameNewThreshold(benchmark::State& state) {
  Scenes& s = scene();
  int step = 0;
  for (auto _ : state) {
    s.surfaces.set_overlay_style(overlay_style((step++ % 2) ? 1.5 : 2.0));
    s.surface_renderer.render();
  }
}
BENCHMARK(BM_View3DFrameNewThreshold)->Unit(benchmark::kMillisecond)->UseRealTime();

// The 3-D view after a new brain threshold: the 1 mm underlay's isosurface is
// extracted again.
void BM_View3DFrameNewBrainSurface(benchmark::State& state) {
  Scenes& s = scene();
  int step = 0;
  for (auto _ : state) {
    s.surfaces.set_surface_threshold((step++ % 2) ? 300 : 320);
    s.surface_renderer.render();
  }
}
BENCHMARK(BM_View3DFrameNewBrainSurface)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  QSurfaceFormat::setDefaultFormat(viewers::vtk_surface_format());
  QGuiApplication app(argc, argv);
  benchmark::Initialize(&argc, argv);
  std::unique_ptr<Scenes> owned;
  try {
    owned = std::make_unique<Scenes>();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_ortho_render: %s\n", e.what());
    return 1;
  }
  the_scenes = owned.get();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  the_scenes = nullptr;
  return 0;
}
