#include "neuro/image/nifti_writer.h"

#include <nifti2_io.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/io/atomic_file.h"

namespace neuro {

namespace {

struct NiftiImageDeleter {
  void operator()(nifti_image* nim) const {
    // The voxels belong to the Volume; nifticlib must not free them.
    nim->data = nullptr;
    nifti_image_free(nim);
  }
};

// Codes 0 would make readers ignore the affine; say "aligned anatomical"
// unless the volume knows better.
int code_or_aligned(XformCode code, XformCode other) {
  if (code != XformCode::kUnknown) return static_cast<int>(code);
  if (other != XformCode::kUnknown) return static_cast<int>(other);
  return static_cast<int>(XformCode::kAlignedAnat);
}

void copy_text(char* dst, size_t capacity, const std::string& src) {
  std::memset(dst, 0, capacity);
  std::memcpy(dst, src.data(), std::min(src.size(), capacity - 1));
}

void fill_geometry(nifti_image* nim, const Volume& volume) {
  const Affine& a = volume.affine();
  nifti_dmat44 m;
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c)
      m.m[r][c] = a(r, c);
  }
  nim->sto_xyz = m;
  nim->sto_ijk = nifti_dmat44_inverse(m);
  double qb, qc, qd, qx, qy, qz, dx, dy, dz, qfac;
  nifti_dmat44_to_quatern(m, &qb, &qc, &qd, &qx, &qy, &qz, &dx, &dy, &dz, &qfac);
  nim->quatern_b = qb;
  nim->quatern_c = qc;
  nim->quatern_d = qd;
  nim->qoffset_x = qx;
  nim->qoffset_y = qy;
  nim->qoffset_z = qz;
  nim->qfac = qfac;
  nim->qto_xyz = nifti_quatern_to_dmat44(qb, qc, qd, qx, qy, qz, dx, dy, dz, qfac);
  nim->qto_ijk = nifti_dmat44_inverse(nim->qto_xyz);
  const auto size = a.voxel_size();
  nim->dx = nim->pixdim[1] = size[0];
  nim->dy = nim->pixdim[2] = size[1];
  nim->dz = nim->pixdim[3] = size[2];
  nim->pixdim[0] = qfac;
  const auto& meta = volume.meta();
  nim->sform_code = code_or_aligned(meta.sform_code, meta.qform_code);
  nim->qform_code = code_or_aligned(meta.qform_code, meta.sform_code);
}

}  // namespace

void write_nifti(const Volume& volume, const std::filesystem::path& path) {
  const std::string name = path.string();
  const bool gz = name.ends_with(".nii.gz");
  if (!gz && !name.ends_with(".nii")) {
    throw std::invalid_argument(name + ": NIfTI output names end in .nii or .nii.gz");
  }
  if (volume.frames() == 0) throw std::invalid_argument(name + ": the volume is empty");
  const auto& dims = volume.dims();
  for (int64_t d : dims) {
    if (d > std::numeric_limits<int16_t>::max()) {
      throw std::invalid_argument(name + ": NIfTI-1 dimensions are at most 32767");
    }
  }
  const bool has_time = volume.frames() > 1;
  const int64_t nifti_dims[8] = {has_time ? 4 : 3, dims[0], dims[1], dims[2],
                                 volume.frames(),  1,       1,       1};
  core::write_atomically(path, [&](const std::filesystem::path& tmp) {
    std::unique_ptr<nifti_image, NiftiImageDeleter> nim(
        nifti_make_new_nim(nifti_dims, NIFTI_TYPE_FLOAT32, 0));
    if (!nim) throw std::runtime_error(name + ": nifticlib could not make the image");
    nim->nifti_type = NIFTI_FTYPE_NIFTI1_1;
    fill_geometry(nim.get(), volume);
    nim->xyz_units = NIFTI_UNITS_MM;
    nim->time_units = NIFTI_UNITS_SEC;
    if (has_time) nim->dt = nim->pixdim[4] = volume.tr_seconds();
    const auto& meta = volume.meta();
    nim->intent_code = meta.intent_code;
    nim->intent_p1 = meta.intent_params[0];
    nim->intent_p2 = meta.intent_params[1];
    nim->intent_p3 = meta.intent_params[2];
    copy_text(nim->intent_name, sizeof(nim->intent_name), meta.intent_name);
    copy_text(nim->descrip, sizeof(nim->descrip), meta.descrip);
    nim->cal_min = meta.cal_min;
    nim->cal_max = meta.cal_max;
    nim->scl_slope = 1.0;
    nim->scl_inter = 0.0;
    // nifticlib only reads from the buffer while writing.
    nim->data = const_cast<float*>(volume.data().data());
    const std::string tmp_name = tmp.string();
    if (nifti_set_filenames(nim.get(), tmp_name.c_str(), 0, 1) != 0) {
      throw std::runtime_error(name + ": nifticlib rejected the file name");
    }
    // Long 4-D series compress at zlib's fastest level: float noise gains
    // little from harder work and writing would otherwise dominate (level 6
    // runs at ~14 MB/s on BOLD data). Maps keep the default level.
    const char* mode = has_time ? "wb1" : "wb";
    znzFile left_open = nifti_image_write_hdr_img(nim.get(), 1, mode);
    if (left_open) znzclose(left_open);
    // nifticlib reports failures only on stderr: check the result instead.
    std::error_code ec;
    const auto written = std::filesystem::file_size(tmp, ec);
    if (ec || written == 0) throw std::runtime_error(name + ": writing the image failed");
  });
}

}  // namespace neuro
