#include "molt/compute/blas.h"

#include <cblas.h>

namespace molt::compute {

void sgemm(Trans trans_a, Trans trans_b, int m, int n, int k, float alpha, const float* a,
           int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, trans_a == Trans::kYes ? CblasTrans : CblasNoTrans,
              trans_b == Trans::kYes ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb,
              beta, c, ldc);
}

void set_blas_threads(int n_threads) { openblas_set_num_threads(n_threads < 1 ? 1 : n_threads); }

int blas_threads() { return openblas_get_num_threads(); }

std::string_view blas_core_name() {
  const char* name = openblas_get_corename();
  return name == nullptr ? std::string_view() : std::string_view(name);
}

}  // namespace molt::compute
