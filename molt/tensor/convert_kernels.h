// The variants behind convert.h, one per instruction set, declared here so that the parity
// tests can run each against the scalar oracle. Only convert.cpp dispatches between them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace molt::tensor::kernels {

// Scalar loops over half.h (the oracles; the compiler vectorizes them with plain SSE2).
void f16_to_f32_scalar(const std::byte* src, float* dst, std::size_t n);
void f32_to_f16_scalar(const float* src, std::uint16_t* dst, std::size_t n);

// x86 F16C (8 values per instruction). Call only when cpu_features().f16c is true;
// on other architectures these fall back to the scalar loops.
void f16_to_f32_f16c(const std::byte* src, float* dst, std::size_t n);
void f32_to_f16_f16c(const float* src, std::uint16_t* dst, std::size_t n);

}  // namespace molt::tensor::kernels
