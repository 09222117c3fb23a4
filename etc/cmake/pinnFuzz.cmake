#------------------------------------------------------------------------------
# pinnFoam: the fuzz configuration (PINN_FUZZ=ON), included by CMakeLists.txt
#
#   cmake -S . -B build-fuzz -DPINN_FUZZ=ON \
#       -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
#   cmake --build build-fuzz -j 2       # build-fuzz/bin/fuzz*
#
# Builds the core and the OpenFOAM adapter with clang, AddressSanitizer,
# UndefinedBehaviorSanitizer and libFuzzer's coverage, and the libFuzzer
# programs of tests/fuzz; no CUDA, no solver, no unit tests or benchmarks.
# OpenFOAM's own libraries are used as installed (not instrumented).
#------------------------------------------------------------------------------

if (NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PINN_FUZZ=ON needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
endif ()
set(PINN_CUDA OFF CACHE STRING "Build the CUDA backend: AUTO, ON or OFF" FORCE)
set(PINN_BUILD_TESTS OFF CACHE BOOL "Build the unit tests" FORCE)
set(PINN_BUILD_BENCH OFF CACHE BOOL "Build the benchmarks" FORCE)
if (CMAKE_BUILD_TYPE STREQUAL "Release")
    # assertions and symbols in the reports, optimised enough to fuzz fast
    set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif ()
set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1 -g" CACHE STRING "" FORCE)
add_compile_options(-fsanitize=address,undefined -fsanitize=fuzzer-no-link
    -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
add_link_options(-fsanitize=address,undefined)

# OpenFOAM v1912's stdFoam.H puts C++14 [[deprecated]] where clang refuses
# it ("'deprecated' attribute cannot be applied to types"): a copy that uses
# the GNU attribute with clang, included first (its include guard then skips
# the original)
function(pinn_fuzz_foam_compat)
    set(_src "${OpenFOAM_SRC}/OpenFOAM/lnInclude/stdFoam.H")
    if (NOT EXISTS "${_src}")
        return()
    endif ()
    file(READ "${_src}" _text)
    string(REPLACE "(__cplusplus >= 201402L)\n" "(__cplusplus >= 201402L) && !defined(__clang__)\n"
        _patched "${_text}")
    set(_dst "${CMAKE_BINARY_DIR}/foamClang/stdFoam.H")
    file(WRITE "${_dst}" "${_patched}")
    set_property(TARGET OpenFOAM::OpenFOAM APPEND PROPERTY
        INTERFACE_COMPILE_OPTIONS "$<$<COMPILE_LANGUAGE:CXX>:SHELL:-include ${_dst}>")
endfunction()
