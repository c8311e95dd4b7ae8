#include "molt/pooling/sentence_head.h"

#include <algorithm>

#include "molt/base/error.h"
#include "molt/pooling/normalize.h"

namespace molt::pooling {

SentenceHead::SentenceHead(const model::PoolingConfig& pooling, const std::vector<model::HeadModule>& heads,
                           model::MatryoshkaPreStep pre_step)
    : pooler_(pooling) {
  std::size_t width = pooler_.output_dim();
  for (const model::HeadModule& head : heads) {
    Stage stage;
    if (head.kind == model::HeadModule::Kind::kDense) {
      const model::DenseModule& dense = *head.dense;
      if (static_cast<std::size_t>(dense.in_features) != width) {
        throw input_error("in_features " + std::to_string(dense.in_features) + " disagrees with the " +
                              std::to_string(width) + " values the module before it gives",
                          {.file = (dense.folder / "config.json").string(), .field = "in_features"});
      }
      stage.dense.emplace(dense);
      width = stage.dense->out_features();
      normalizes_ = false;
    } else {
      normalizes_ = true;
    }
    stages_.push_back(std::move(stage));
  }
  output_dim_ = width;
  matryoshka_.pre_step = pre_step;
  // The layer-norm recipe is nomic-embed-text-v1.5's card, which ends with F.normalize
  // whether or not the folder's modules.json normalizes (the published v1.5 folder does not).
  matryoshka_.renormalize = normalizes_ || pre_step == model::MatryoshkaPreStep::kLayerNorm;
}

std::string SentenceHead::describe() const {
  std::string out = pooler_.config().describe();
  for (const Stage& stage : stages_) {
    if (stage.dense) {
      out += " -> Dense(" + std::to_string(stage.dense->in_features()) + "->" +
             std::to_string(stage.dense->out_features()) + ")";
    } else {
      out += " -> Normalize";
    }
  }
  return out;
}

void SentenceHead::apply(const compute::Context& ctx, compute::ConstMatrixView states,
                         std::span<const std::uint32_t> offsets, std::span<const std::uint32_t> prompt_lengths,
                         tensor::Workspace& ws, compute::MatrixView out) const {
  const std::size_t n = offsets.empty() ? 0 : offsets.size() - 1;
  MOLT_CHECK(out.rows == n && out.cols <= output_dim_ && out.cols > 0);
  const tensor::Workspace::Scope scratch(ws);
  // Full-width vectors go through the stages in scratch, then into `out`.
  std::size_t width = pooler_.output_dim();
  compute::MatrixView cur(ws.floats(n * width).data(), n, width);
  pooler_.pool(states, offsets, prompt_lengths, cur);
  for (const Stage& stage : stages_) {
    if (stage.dense) {
      const compute::MatrixView next(ws.floats(n * stage.dense->out_features()).data(), n,
                                     stage.dense->out_features());
      stage.dense->forward(ctx, cur, next);
      cur = next;
    } else {
      l2_normalize_rows(cur);
    }
  }
  if (out.cols == output_dim_) {
    for (std::size_t r = 0; r < n; ++r) std::copy_n(cur.row(r), out.cols, out.row(r));
  } else {
    matryoshka_truncate(matryoshka_, cur, out);
  }
}

}  // namespace molt::pooling
