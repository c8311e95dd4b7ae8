# Warnings, sanitizers and fuzzing instrumentation, applied to molt's own targets only
# (third-party headers come in as SYSTEM includes through their imported targets).

add_library(molt_warnings INTERFACE)
target_compile_options(molt_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wimplicit-fallthrough
  -Wmissing-declarations -Wundef
  # Designated initializers (molt::Where{.file = ...}) leave the other fields defaulted on purpose.
  -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports -Wrestrict and -Wstringop-overflow false positives inside libstdc++'s
  # std::string at -O3 (GCC bugs 105329, 105651), depending on what was inlined where.
  target_compile_options(molt_warnings INTERFACE -Wno-restrict -Wno-stringop-overflow)
endif()
if(MOLT_ENABLE_WERROR)
  target_compile_options(molt_warnings INTERFACE -Werror)
endif()

if(MOLT_ENABLE_SANITIZERS)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(MOLT_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "MOLT_BUILD_FUZZ needs clang (use the 'fuzz' preset)")
  endif()
  # Instrument everything for coverage; only the fuzz executables link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# Precompiled headers: nearly every source includes the standard containers and
# nlohmann/json, whose parsing is a third of a typical file's compile time.
set(MOLT_PCH_HEADERS
  <algorithm> <array> <atomic> <chrono> <cstddef> <cstdint> <cstring> <filesystem> <functional>
  <map> <memory> <mutex> <optional> <set> <span> <sstream> <string> <string_view> <thread>
  <unordered_map> <utility> <vector> <nlohmann/json.hpp>)
function(molt_precompile_headers target)
  if(MOLT_ENABLE_PCH)
    target_precompile_headers(${target} PRIVATE ${MOLT_PCH_HEADERS} ${ARGN})
  endif()
endfunction()
