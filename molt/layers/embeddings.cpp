#include "molt/layers/embeddings.h"

#include <vector>

namespace molt::layers {

TokenEmbeddings TokenEmbeddings::load(const Parameters& params, const std::string& prefix,
                                      const TokenEmbeddingsConfig& config, const std::string& norm) {
  TokenEmbeddings e;
  e.config_ = config;
  const auto h = static_cast<std::int64_t>(config.hidden);
  e.words_ = params.table(prefix + ".word_embeddings.weight", {static_cast<std::int64_t>(config.vocab_size), h});
  if (config.max_positions > 0) {
    e.positions_ = params.table(prefix + ".position_embeddings.weight",
                                {static_cast<std::int64_t>(config.max_positions), h});
  }
  if (config.type_vocab_size > 0) {
    e.types_ = params.table(prefix + ".token_type_embeddings.weight",
                            {static_cast<std::int64_t>(config.type_vocab_size), h});
  }
  e.norm_ = LayerNorm::load(params, norm.empty() ? prefix + ".LayerNorm" : norm, config.hidden,
                            config.layer_norm_eps);
  return e;
}

void TokenEmbeddings::forward(const compute::Context& ctx, std::span<const std::int32_t> ids,
                              std::span<const std::uint32_t> offsets, compute::MatrixView out) const {
  MOLT_CHECK(out.rows == ids.size() && out.cols == config_.hidden);
  compute::gather_rows(ctx, words_, ids, out, /*accumulate=*/false);
  if (types_) {
    const std::vector<std::int32_t> type_ids(ids.size(), 0);
    compute::gather_rows(ctx, *types_, type_ids, out, /*accumulate=*/true);
  }
  if (positions_) {
    std::vector<std::int32_t> position_ids(ids.size());
    for (std::size_t s = 0; s + 1 < offsets.size(); ++s) {
      for (std::uint32_t t = offsets[s]; t < offsets[s + 1]; ++t) {
        position_ids[t] = static_cast<std::int32_t>(t - offsets[s]);
      }
    }
    compute::gather_rows(ctx, *positions_, position_ids, out, /*accumulate=*/true);
  }
  norm_.forward(ctx, out);
}

}  // namespace molt::layers
