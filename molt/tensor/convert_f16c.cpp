// F16C variants of the f16 conversions. The functions carry their instruction set as a
// target attribute, so the rest of molt builds for the baseline CPU and convert.cpp picks
// these only where cpu_features() reports F16C.
#include "molt/tensor/convert_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "molt/tensor/half.h"

namespace molt::tensor::kernels {

#if defined(__x86_64__)

__attribute__((target("avx,f16c"))) void f16_to_f32_f16c(const std::byte* src, float* dst,
                                                          std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i));
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(h));
  }
  f16_to_f32_scalar(src + 2 * i, dst + i, n - i);
}

__attribute__((target("avx,f16c"))) void f32_to_f16_f16c(const float* src, std::uint16_t* dst,
                                                          std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h =
        _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), h);
  }
  f32_to_f16_scalar(src + i, dst + i, n - i);
}

#else

void f16_to_f32_f16c(const std::byte* src, float* dst, std::size_t n) {
  f16_to_f32_scalar(src, dst, n);
}
void f32_to_f16_f16c(const float* src, std::uint16_t* dst, std::size_t n) {
  f32_to_f16_scalar(src, dst, n);
}

#endif

}  // namespace molt::tensor::kernels
