#------------------------------------------------------------------------------
# FindOpenFOAM.cmake
#
# Finds an OpenFOAM installation and defines the imported target
#     OpenFOAM::OpenFOAM   (OpenFOAM, finiteVolume, meshTools, Pstream)
#
# Two kinds of installation are understood, in this order:
#   1. A sourced OpenFOAM environment: FOAM_SRC and FOAM_LIBBIN are set
#      (WM_LABEL_SIZE and WM_PRECISION_OPTION come from that environment).
#   2. Debian's binary package (libraries in /usr/lib, WM_PROJECT_DIR
#      /usr/share/openfoam) with the headers of the same version from Debian's
#      source package, which etc/bootstrap unpacks under PINNFOAM_DEPS
#      (default /opt/pinnFoam-deps). Label size and precision are read from
#      the package's etc/bashrc.
#
# Never hard-codes label size or precision: they come from the installation.
#
# Results: OpenFOAM_FOUND, OpenFOAM_API, OpenFOAM_LABEL_SIZE,
#          OpenFOAM_PRECISION, OpenFOAM_SRC, OpenFOAM_PROJECT_DIR
#------------------------------------------------------------------------------

function(_pinn_foam_read_var file var out)
    set(value "")
    if (EXISTS "${file}")
        file(STRINGS "${file}" lines REGEX "^[ \t]*(export[ \t]+)?${var}=")
        foreach (l IN LISTS lines)
            string(REGEX REPLACE "^[ \t]*(export[ \t]+)?${var}=([^ \t#;]*).*" "\\2" value "${l}")
        endforeach ()
    endif ()
    set(${out} "${value}" PARENT_SCOPE)
endfunction()

set(OpenFOAM_FOUND FALSE)

if (DEFINED ENV{FOAM_SRC} AND DEFINED ENV{FOAM_LIBBIN})
    set(OpenFOAM_SRC "$ENV{FOAM_SRC}")
    set(_libdirs "$ENV{FOAM_LIBBIN}")
    if (DEFINED ENV{FOAM_MPI})
        list(APPEND _libdirs "$ENV{FOAM_LIBBIN}/$ENV{FOAM_MPI}")
    endif ()
    list(APPEND _libdirs "$ENV{FOAM_LIBBIN}/dummy")
    set(OpenFOAM_PROJECT_DIR "$ENV{WM_PROJECT_DIR}")
    set(OpenFOAM_LABEL_SIZE "$ENV{WM_LABEL_SIZE}")
    set(OpenFOAM_PRECISION "$ENV{WM_PRECISION_OPTION}")
    set(_how "sourced environment (FOAM_SRC=${OpenFOAM_SRC})")
else ()
    set(OpenFOAM_PROJECT_DIR "/usr/share/openfoam")
    set(_libdirs "/usr/lib")
    if (DEFINED ENV{PINNFOAM_DEPS})
        set(_deps "$ENV{PINNFOAM_DEPS}")
    else ()
        set(_deps "/opt/pinnFoam-deps")
    endif ()
    file(GLOB _trees LIST_DIRECTORIES true "${_deps}/openfoam-*")
    set(OpenFOAM_SRC "")
    foreach (t IN LISTS _trees)
        if (EXISTS "${t}/src/OpenFOAM/lnInclude/fvCFD.H" OR EXISTS "${t}/src/finiteVolume/lnInclude/fvCFD.H")
            set(OpenFOAM_SRC "${t}/src")
        endif ()
    endforeach ()
    _pinn_foam_read_var("${OpenFOAM_PROJECT_DIR}/etc/bashrc" WM_LABEL_SIZE OpenFOAM_LABEL_SIZE)
    _pinn_foam_read_var("${OpenFOAM_PROJECT_DIR}/etc/bashrc" WM_PRECISION_OPTION OpenFOAM_PRECISION)
    set(_how "Debian package (${OpenFOAM_PROJECT_DIR}) with headers from ${OpenFOAM_SRC}")
endif ()

# API version: META-INFO of the source tree, else of the project dir
set(OpenFOAM_API "")
foreach (f "${OpenFOAM_SRC}/../META-INFO/api-info" "${OpenFOAM_PROJECT_DIR}/META-INFO/api-info")
    if (NOT OpenFOAM_API AND EXISTS "${f}")
        file(STRINGS "${f}" _api REGEX "^api=")
        string(REGEX REPLACE "^api=([0-9]+).*" "\\1" OpenFOAM_API "${_api}")
    endif ()
endforeach ()

find_library(OpenFOAM_LIB_OpenFOAM NAMES OpenFOAM PATHS ${_libdirs} NO_DEFAULT_PATH)
find_library(OpenFOAM_LIB_finiteVolume NAMES finiteVolume PATHS ${_libdirs} NO_DEFAULT_PATH)
find_library(OpenFOAM_LIB_meshTools NAMES meshTools PATHS ${_libdirs} NO_DEFAULT_PATH)
find_library(OpenFOAM_LIB_Pstream NAMES Pstream PATHS ${_libdirs} NO_DEFAULT_PATH)

set(_missing "")
foreach (v OpenFOAM_SRC OpenFOAM_API OpenFOAM_LABEL_SIZE OpenFOAM_PRECISION
           OpenFOAM_LIB_OpenFOAM OpenFOAM_LIB_finiteVolume OpenFOAM_LIB_meshTools OpenFOAM_LIB_Pstream)
    if (NOT ${v})
        list(APPEND _missing ${v})
    endif ()
endforeach ()

if (_missing)
    if (OpenFOAM_FIND_REQUIRED)
        message(FATAL_ERROR "OpenFOAM not found (${_how}); missing: ${_missing}. Run etc/bootstrap or source an OpenFOAM environment.")
    elseif (NOT OpenFOAM_FIND_QUIETLY)
        message(STATUS "OpenFOAM not found (missing: ${_missing}): the OpenFOAM adapter and the solver are not built")
    endif ()
    return()
endif ()

set(OpenFOAM_FOUND TRUE)
if (NOT OpenFOAM_FIND_QUIETLY)
    message(STATUS "OpenFOAM ${OpenFOAM_API}: ${_how}; label ${OpenFOAM_LABEL_SIZE} bit, precision ${OpenFOAM_PRECISION}")
endif ()

if (NOT TARGET OpenFOAM::OpenFOAM)
    add_library(OpenFOAM::OpenFOAM INTERFACE IMPORTED)
    set_target_properties(OpenFOAM::OpenFOAM PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES
            "${OpenFOAM_SRC}/finiteVolume/lnInclude;${OpenFOAM_SRC}/meshTools/lnInclude;${OpenFOAM_SRC}/OpenFOAM/lnInclude;${OpenFOAM_SRC}/OSspecific/POSIX/lnInclude"
        INTERFACE_COMPILE_DEFINITIONS
            "OPENFOAM=${OpenFOAM_API};WM_${OpenFOAM_PRECISION};WM_LABEL_SIZE=${OpenFOAM_LABEL_SIZE};NoRepository;linux64;WM_ARCH_OPTION=64"
        INTERFACE_COMPILE_OPTIONS
            "$<$<COMPILE_LANGUAGE:CXX>:-Wno-deprecated-declarations;-Wno-attributes;-ftemplate-depth-100>"
        INTERFACE_LINK_LIBRARIES
            "${OpenFOAM_LIB_finiteVolume};${OpenFOAM_LIB_meshTools};${OpenFOAM_LIB_OpenFOAM};${OpenFOAM_LIB_Pstream};dl;m"
    )
endif ()
