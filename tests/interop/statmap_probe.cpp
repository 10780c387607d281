// Exports a map the way NeuroSeq exports statmaps, for a peer tool to read:
// given SPEC.json ({"dims": [X, Y, Z], "affine": 4x4 rows, "voxels": a raw
// float32 file with x fastest, "threshold": t}), writes into OUT_DIR
//   - the map as a z-map in MNI space (BIDS name, sidecar),
//   - the same as a t-map with 17 degrees of freedom,
//   - the same as an LRP attribution estimate in scanner space,
//   - a per-frame (4-D) estimate of the map times 1, 2 and -1, TR 1.5 s,
//   - its two-sided cluster tables at `threshold` with 6, 18 and 26 neighbours,
// and OUT_DIR/result.json naming every file written.

#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "neuro/maps/cluster_table.h"
#include "neuro/maps/statmap_export.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: statmap_probe SPEC.json OUT_DIR\n");
    return 2;
  }
  try {
    const auto spec = nlohmann::json::parse(std::ifstream(argv[1]));
    const std::string out = argv[2];
    neuro::Grid grid;
    for (size_t d = 0; d < 3; ++d)
      grid.dims[d] = spec["dims"][d].get<int64_t>();
    for (int r = 0; r < 4; ++r) {
      for (int c = 0; c < 4; ++c)
        grid.affine(r, c) = spec["affine"][static_cast<size_t>(r)][static_cast<size_t>(c)];
    }
    neuro::Volume map(grid, 1);
    std::ifstream raw(spec["voxels"].get<std::string>(), std::ios::binary);
    raw.read(reinterpret_cast<char*>(map.data().data()),
             static_cast<std::streamsize>(map.data().size() * sizeof(float)));
    if (!raw) throw std::runtime_error("short voxel file");
    const double threshold = spec["threshold"].get<double>();

    nlohmann::json result;
    neuro::StatmapInfo z;
    z.intent = neuro::StatIntent::kZScore;
    z.method = "glm";
    z.state = "faces";
    z.units = "z";
    z.threshold = threshold;
    result["z"] =
        neuro::write_statmap(map, z, out, {"01", "wm", "MNI152NLin2009cAsym", "z", "faces"})
            .image.string();

    neuro::StatmapInfo t;
    t.intent = neuro::StatIntent::kTTest;
    t.dof = 17;
    t.method = "glm";
    t.state = "faces";
    result["t"] =
        neuro::write_statmap(map, t, out, {"01", "wm", "MNI152NLin2009cAsym", "t", "faces"})
            .image.string();

    neuro::StatmapInfo lrp;
    lrp.intent = neuro::StatIntent::kEstimate;
    lrp.intent_name = "relevance-lrp";
    lrp.space_code = neuro::XformCode::kScannerAnat;
    lrp.method = "lrp-epsilon";
    lrp.state = "faces";
    lrp.units = "relevance";
    result["estimate"] =
        neuro::write_statmap(map, lrp, out, {"01", "wm", "T1w", "relevance", "faces"})
            .image.string();

    // Relevance per frame of a window: the map, twice the map, minus the map.
    neuro::Volume frames(grid, 3, 1.5);
    for (int64_t t = 0; t < 3; ++t) {
      const float scale = t == 2 ? -1.0f : static_cast<float>(t + 1);
      for (size_t n = 0; n < map.data().size(); ++n)
        frames.frame(t)[n] = scale * map.data()[n];
    }
    lrp.per_frame = true;
    result["frames"] =
        neuro::write_statmap(frames, lrp, out, {"01", "wm", "T1w", "relevancetime", "faces"})
            .image.string();

    for (const auto connectivity : {neuro::Connectivity::kFaces6, neuro::Connectivity::kEdges18,
                                    neuro::Connectivity::kCorners26}) {
      neuro::ClusterOptions options;
      options.threshold = threshold;
      options.two_sided = true;
      options.connectivity = connectivity;
      const auto key = std::to_string(static_cast<int>(connectivity));
      const std::string path = out + "/clusters_c" + key + ".tsv";
      neuro::write_cluster_table(neuro::find_clusters(map, options), path);
      result["clusters"][key] = path;
    }
    std::ofstream(out + "/result.json") << result.dump(2);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "statmap_probe: %s\n", e.what());
    return 1;
  }
  return 0;
}
