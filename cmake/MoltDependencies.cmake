# Every dependency comes from a Debian -dev package; scripts/setup.sh installs them all.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
# libcurl (Debian's libcurl4-openssl-dev) for HTTPS downloads from the Hugging Face Hub.
find_package(CURL REQUIRED)

if(MOLT_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
  # cpp-httplib: the loopback Hugging Face Hub the download tests talk to.
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
endif()
if(MOLT_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
# OpenBLAS for single-precision matrix products (molt/compute/blas.h).
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
# libzip for NumPy .npz archives (molt/formats/npz.h).
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
# oneDNN (Debian's libdnnl-dev) for packed f32, bf16 and int8 matrix products
# (molt/compute/cpu/onednn_*.cpp). Found by hand: Debian's dnnl-config.cmake insists on the
# OpenCL headers of its GPU runtime, which molt does not use.
find_path(DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.hpp REQUIRED)
find_library(DNNL_LIBRARY NAMES dnnl REQUIRED)
add_library(molt_dnnl INTERFACE IMPORTED)
target_include_directories(molt_dnnl SYSTEM INTERFACE ${DNNL_INCLUDE_DIR})
target_link_libraries(molt_dnnl INTERFACE ${DNNL_LIBRARY} ${CMAKE_DL_LIBS})

# cpp-httplib (Debian's libcpp-httplib-dev) for molt serve's HTTP face (molt/server/).
if(NOT TARGET PkgConfig::HTTPLIB)
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
endif()
# SQLite (Debian's libsqlite3-dev, with FTS5 and JSON built in): the store's documents,
# spaces, vectors and change log (molt/store/).
find_package(SQLite3 REQUIRED)
# FAISS (Debian's libfaiss-dev, a static library built with OpenMP) for the approximate
# vector indexes (molt/index/faiss_*.h).
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(faiss REQUIRED)
