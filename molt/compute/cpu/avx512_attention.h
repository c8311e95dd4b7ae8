// Self-attention of one head of one sequence in AVX-512 (Kernels::attention_head of the
// AVX-512 table), f32 or bf16 (VDPBF16PS). Internal to compute/cpu/.
#pragma once

#include "molt/compute/kernels.h"

namespace molt::compute::cpu {

// softmax(scale · q kᵀ) v for h.len <= any length: blocks of 8 query rows, their scores
// against every key kept in scratch (8 × len floats), so one pass needs no running maximum.
void attention_head_avx512(const AttentionHead& h, tensor::Workspace& scratch);

}  // namespace molt::compute::cpu
