# Warnings as the project builds them: -Wall -Wextra -Wpedantic, clean.
add_library(neuroseq_warnings INTERFACE)
target_compile_options(neuroseq_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic>)
option(NEUROSEQ_WERROR "Treat warnings as errors" OFF)
if(NEUROSEQ_WERROR)
  target_compile_options(neuroseq_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()
