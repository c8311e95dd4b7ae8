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
