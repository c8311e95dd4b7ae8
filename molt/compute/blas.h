// Single-precision matrix products through the BLAS library (OpenBLAS from Debian).
// Row-major throughout molt: a matrix [rows, cols] has element (r, c) at r * ld + c.
#pragma once

#include <string_view>

namespace molt::compute {

enum class Trans { kNo, kYes };

// C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C[m, n], all row-major.
// lda/ldb/ldc are the row strides of the stored (untransposed) matrices.
void sgemm(Trans trans_a, Trans trans_b, int m, int n, int k, float alpha, const float* a,
           int lda, const float* b, int ldb, float beta, float* c, int ldc);

// The BLAS library's own thread count. molt sets it from its thread pool's owner so the two
// never oversubscribe the cores; 1 when molt parallelizes around the BLAS calls itself.
void set_blas_threads(int n_threads);
int blas_threads();

// The kernel family the BLAS library chose for this CPU ("SkylakeX", "Haswell", "Zen", ...;
// OpenBLAS picks it at load time, or from OPENBLAS_CORETYPE).
std::string_view blas_core_name();

}  // namespace molt::compute
