// How a model's vectors are cut to fewer dimensions (Matryoshka truncation, `--dim N`): an
// optional step on the full vector that the model's card prescribes, then the first N values,
// then L2 normalization when the model normalizes its output (and always after the layer-norm
// step, whose card ends with it). The step is the architecture's fact (its registry entry
// says it); everything else is the pooling stage's.
#pragma once

namespace molt::model {

enum class MatryoshkaPreStep {
  kNone,       // slice (then re-normalize when the model normalizes)
  kLayerNorm,  // layer norm without weights over the full vector first, L2 normalization after
               // the slice (nomic-embed-text-v1.5's card)
};

}  // namespace molt::model
