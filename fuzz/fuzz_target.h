// The libFuzzer entry point every fuzz target defines. Inputs that are invalid must make the
// code under test throw molt::Error (caught in the target); anything else is a finding.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
