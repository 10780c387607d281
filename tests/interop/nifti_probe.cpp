// Reads an image the way NeuroSeq does and writes what it found for a peer
// tool to compare: <out>.json (dims, affine, TR, or the error) and <out>.f32
// (voxels, x fastest). With --rewrite FILE it also writes the volume back out
// through NeuroSeq's NIfTI writer.

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "neuro/image/nifti_header.h"
#include "neuro/image/nifti_reader.h"
#include "neuro/image/nifti_writer.h"

int main(int argc, char** argv) {
  if (argc != 3 && argc != 5) {
    std::fprintf(stderr, "usage: nifti_probe IMAGE OUT_PREFIX [--rewrite FILE]\n");
    return 2;
  }
  const std::string image = argv[1], out = argv[2];
  nlohmann::json j;
  try {
    const auto h = neuro::read_header(image);
    std::vector<int64_t> dims;
    for (int64_t i = 1; i <= h.dim[0]; ++i)
      dims.push_back(h.dim[static_cast<size_t>(i)]);
    j["dims"] = dims;
    const auto a = h.best_affine();
    j["affine"] = {{a(0, 0), a(0, 1), a(0, 2), a(0, 3)},
                   {a(1, 0), a(1, 1), a(1, 2), a(1, 3)},
                   {a(2, 0), a(2, 1), a(2, 2), a(2, 3)},
                   {0, 0, 0, 1}};
    j["tr_seconds"] = h.tr_seconds();
    j["datatype"] = neuro::datatype_name(h.datatype);
  } catch (const std::exception& e) {
    j["header_error"] = e.what();
  }
  try {
    const auto v = neuro::read_volume(image);
    std::ofstream raw(out + ".f32", std::ios::binary);
    raw.write(reinterpret_cast<const char*>(v.data().data()),
              static_cast<std::streamsize>(v.data().size() * sizeof(float)));
    j["voxels"] = v.data().size();
    if (argc == 5) neuro::write_nifti(v, argv[4]);
  } catch (const std::exception& e) {
    j["volume_error"] = e.what();
  }
  std::ofstream(out + ".json") << j.dump();
  return 0;
}
