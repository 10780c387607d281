#include "neuro/atlas/resample.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <itkAffineTransform.h>
#include <itkImage.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

namespace neuro {
namespace {

using Image = itk::Image<float, 3>;

// ITK works in LPS physical space, NIfTI affines in RAS. Both images are
// handed to ITK with unit spacing, zero origin and identity direction, so that
// ITK's physical space is plain voxel-index space and the whole geometry lives
// in one index -> index transform built here from the two affines.
Image::Pointer index_space_image(const std::array<int64_t, 3>& dims) {
  auto image = Image::New();
  Image::SizeType size;
  for (unsigned d = 0; d < 3; ++d)
    size[d] = static_cast<itk::SizeValueType>(dims[d]);
  Image::RegionType region;
  region.SetSize(size);
  image->SetRegions(region);
  image->Allocate();
  return image;
}

// Target voxel index -> source voxel index: source⁻¹ · target.
itk::AffineTransform<double, 3>::Pointer index_to_index(const Affine& source,
                                                        const Affine& target) {
  const Affine m = source.inverse() * target;
  auto transform = itk::AffineTransform<double, 3>::New();
  itk::AffineTransform<double, 3>::MatrixType matrix;
  itk::AffineTransform<double, 3>::OutputVectorType translation;
  for (unsigned r = 0; r < 3; ++r) {
    for (unsigned c = 0; c < 3; ++c) {
      matrix(r, c) = m(static_cast<int>(r), static_cast<int>(c));
    }
    translation[r] = m(static_cast<int>(r), 3);
  }
  transform->SetMatrix(matrix);
  transform->SetTranslation(translation);
  return transform;
}

}  // namespace

Volume resample(const Volume& volume, const Grid& target, Interpolation interpolation) {
  if (volume.frames() <= 0) {
    throw std::invalid_argument(volume.source() + ": cannot resample an empty volume");
  }
  if (volume.grid().same_as(target)) return volume;

  const auto transform = index_to_index(volume.affine(), target.affine);
  auto input = index_space_image(volume.dims());
  const auto n_in = static_cast<size_t>(volume.voxels_per_frame());
  const auto n_out = static_cast<size_t>(target.voxel_count());

  Volume result(target, volume.frames(), volume.tr_seconds());
  result.meta() = volume.meta();
  result.set_source(volume.source());

  using Filter = itk::ResampleImageFilter<Image, Image, double, double>;
  auto filter = Filter::New();
  filter->SetTransform(transform);
  if (interpolation == Interpolation::kNearest) {
    filter->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<Image, double>::New());
  } else {
    filter->SetInterpolator(itk::LinearInterpolateImageFunction<Image, double>::New());
  }
  Filter::SizeType size;
  for (unsigned d = 0; d < 3; ++d)
    size[d] = static_cast<itk::SizeValueType>(target.dims[d]);
  filter->SetSize(size);
  filter->SetDefaultPixelValue(0.0f);
  filter->SetInput(input);

  for (int64_t t = 0; t < volume.frames(); ++t) {
    const auto frame = volume.frame(t);
    std::copy_n(frame.data(), n_in, input->GetBufferPointer());
    // The buffer changed behind ITK's back: tell the pipeline.
    input->Modified();
    filter->Update();
    const float* out = filter->GetOutput()->GetBufferPointer();
    std::copy_n(out, n_out, result.frame(t).data());
  }
  return result;
}

}  // namespace neuro
