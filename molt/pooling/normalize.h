// L2 normalization of sentence vectors, as sentence-transformers' Normalize module
// (torch.nn.functional.normalize(p=2, dim=1)): x / max(‖x‖₂, 1e-12).
#pragma once

#include "molt/compute/matrix.h"

namespace molt::pooling {

void l2_normalize_rows(compute::MatrixView x);

}  // namespace molt::pooling
