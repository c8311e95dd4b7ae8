// Matryoshka truncation (`--dim N`) of finished sentence vectors, for every architecture:
// the model's pre-step on the full vector (model::MatryoshkaPreStep), keep the first N
// values, then L2-normalize when the model normalizes its output. Callers skip it when N is
// the full width: the model's vectors are then returned as they are.
#pragma once

#include <cstddef>

#include "molt/compute/matrix.h"
#include "molt/model/matryoshka.h"

namespace molt::pooling {

struct MatryoshkaRecipe {
  model::MatryoshkaPreStep pre_step = model::MatryoshkaPreStep::kNone;
  bool renormalize = false;  // the model normalizes: so do the truncated vectors
};

// in f32 [n, full], out f32 [n, dim] with dim <= full; `in` may be modified (pre-step).
void matryoshka_truncate(const MatryoshkaRecipe& recipe, compute::MatrixView in, compute::MatrixView out);

}  // namespace molt::pooling
