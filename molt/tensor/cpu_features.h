// What the CPU running molt can do, asked once at run time, so that one binary can choose
// SIMD kernels per machine (no -march flags in the build).
#pragma once

namespace molt::tensor {

struct CpuFeatures {
  bool avx = false;   // AVX, with the OS saving YMM state
  bool f16c = false;  // F16C: 8 × f16 ↔ f32 per instruction (needs AVX)
  bool avx2 = false;
  bool fma = false;
  bool avx512f = false;
};

// Detected on first use; the same for the whole process.
const CpuFeatures& cpu_features();

}  // namespace molt::tensor
