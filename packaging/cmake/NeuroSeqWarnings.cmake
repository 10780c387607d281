# Warnings as the project builds them: -Wall -Wextra -Wpedantic, clean.
add_library(neuroseq_warnings INTERFACE)
target_compile_options(neuroseq_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic>)
# GCC 12 at -O3 reports -Wrestrict inside libstdc++'s char_traits for plain
# `"text" + std::string` (GCC bug 105329, fixed in GCC 13): a false positive
# that would otherwise drown real warnings in release builds.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(neuroseq_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
endif()
option(NEUROSEQ_WERROR "Treat warnings as errors" OFF)
if(NEUROSEQ_WERROR)
  target_compile_options(neuroseq_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()
