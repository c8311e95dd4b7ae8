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
  // The AVX-512 subsets molt's AVX-512 kernels need together (F, BW, VL, DQ), and the two
  // extensions its bf16 and int8 products use: VDPBF16PS and VPDPBUSD.
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512dq = false;
  bool avx512_bf16 = false;
  bool avx512_vnni = false;

  // What molt's AVX2 kernels need (compute/cpu/few_rows_product.h, avx2_elementwise.h).
  bool avx2_fma() const { return avx2 && fma; }
  bool avx512_core() const { return avx512f && avx512bw && avx512vl && avx512dq && fma; }
};

// Detected on first use; the same for the whole process.
const CpuFeatures& cpu_features();

}  // namespace molt::tensor
