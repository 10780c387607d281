# nifticlib (nifti2_io). Debian 12's NIFTIConfig.cmake points at libraries in
# /usr/lib that the packages install under the multiarch folder, so the
# library is located here by hand.
find_path(NiftiClib_INCLUDE_DIR nifti2_io.h PATH_SUFFIXES nifti)
find_library(NiftiClib_NIFTI2_LIBRARY NAMES nifti2)
find_library(NiftiClib_ZNZ_LIBRARY NAMES znz)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(NiftiClib
  REQUIRED_VARS NiftiClib_NIFTI2_LIBRARY NiftiClib_ZNZ_LIBRARY NiftiClib_INCLUDE_DIR)
if(NiftiClib_FOUND AND NOT TARGET NiftiClib::nifti2)
  add_library(NiftiClib::znz UNKNOWN IMPORTED)
  set_target_properties(NiftiClib::znz PROPERTIES
    IMPORTED_LOCATION "${NiftiClib_ZNZ_LIBRARY}"
    INTERFACE_LINK_LIBRARIES ZLIB::ZLIB)
  add_library(NiftiClib::nifti2 UNKNOWN IMPORTED)
  set_target_properties(NiftiClib::nifti2 PROPERTIES
    IMPORTED_LOCATION "${NiftiClib_NIFTI2_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${NiftiClib_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "NiftiClib::znz;m")
endif()
