// Speed of the architectures' forward passes at real model sizes, weights random and held in
// memory (no model file needed): NomicBERT at nomic-embed-text-v1.5's size (12 layers,
// hidden 768, 12 heads, SwiGLU 3072 wide, rotary over the whole head, no biases) beside BERT
// at bge-base-en-v1.5's (12 layers, hidden 768, 12 heads, GELU 3072) — what rotary
// embeddings and the gated feed-forward cost. Packed batches of 32 sequences; tokens/s and
// model GFLOP/s (padding-free) per CPU-second.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "molt/arch/bert.h"
#include "molt/arch/nomic_bert.h"
#include "molt/base/thread_pool.h"
#include "molt/compute/blas.h"
#include "molt/compute/context.h"
#include "molt/model/json_config.h"
#include "molt/model/weight_source.h"
#include "molt/tensor/workspace.h"

namespace {

using molt::tensor::Shape;
using molt::tensor::Tensor;

// Tensors by name, F32, small uniform random values (xorshift: fast for ~10^8 values).
class RandomWeights final : public molt::model::WeightSource {
 public:
  void add(const std::string& name, Shape shape, float around = 0.0f) {
    std::int64_t n = 1;
    for (const auto d : shape) n *= d;
    std::vector<float> values(static_cast<std::size_t>(n));
    for (float& v : values) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      v = around + (static_cast<float>(state_ >> 40) / static_cast<float>(1 << 24) - 0.5f) * 0.1f;
    }
    tensors_.emplace(name, Tensor::from_f32(std::move(shape), values));
  }
  void add_norm(const std::string& prefix) {
    const Shape s = {768};
    add(prefix + ".weight", s, 1.0f);
    add(prefix + ".bias", s);
  }

  const std::string& source() const override { return source_; }
  std::string format() const override { return "memory"; }
  std::optional<molt::model::StoredTensorInfo> find(std::string_view name) const override {
    const auto it = tensors_.find(std::string(name));
    if (it == tensors_.end()) return std::nullopt;
    return molt::model::StoredTensorInfo{it->second.dtype(), it->second.shape(), source_};
  }
  Tensor tensor(std::string_view name) const override { return tensors_.at(std::string(name)).view(); }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& [name, t] : tensors_) out.push_back(name);
    return out;
  }
  std::vector<molt::model::WeightFile> files() const override { return {}; }

 private:
  std::map<std::string, Tensor> tensors_;
  std::string source_ = "random weights";
  std::uint64_t state_ = 88172645463325252ull;
};

struct Model {
  RandomWeights weights;
  std::unique_ptr<molt::arch::Architecture> arch;  // views `weights`
};

const Model& nomic() {
  static const auto model = [] {
    auto m = std::make_unique<Model>();
    RandomWeights& w = m->weights;
    w.add("embeddings.word_embeddings.weight", {30528, 768});
    w.add("embeddings.token_type_embeddings.weight", {2, 768});
    w.add_norm("emb_ln");
    for (int l = 0; l < 12; ++l) {
      const std::string p = "encoder.layers." + std::to_string(l) + ".";
      w.add(p + "attn.Wqkv.weight", {3 * 768, 768});
      w.add(p + "attn.out_proj.weight", {768, 768});
      w.add(p + "mlp.fc11.weight", {3072, 768});
      w.add(p + "mlp.fc12.weight", {3072, 768});
      w.add(p + "mlp.fc2.weight", {768, 3072});
      w.add_norm(p + "norm1");
      w.add_norm(p + "norm2");
    }
    // nomic-embed-text-v1.5's config.json.
    const auto config = molt::model::JsonConfig::parse(
        R"({"model_type": "nomic_bert", "activation_function": "swiglu", "n_embd": 768, "n_head": 12,
            "n_inner": 3072, "n_layer": 12, "n_positions": 8192, "vocab_size": 30528, "layer_norm_epsilon": 1e-12,
            "mlp_fc1_bias": false, "mlp_fc2_bias": false, "qkv_proj_bias": false, "rotary_emb_base": 1000,
            "rotary_emb_fraction": 1.0, "rotary_emb_interleaved": false, "type_vocab_size": 2})",
        "nomic-embed-text-v1.5/config.json");
    m->arch = molt::arch::load_nomic_bert(config, m->weights);
    return m;
  }();
  return *model;
}

const Model& bert() {
  static const auto model = [] {
    auto m = std::make_unique<Model>();
    RandomWeights& w = m->weights;
    w.add("embeddings.word_embeddings.weight", {30522, 768});
    w.add("embeddings.position_embeddings.weight", {512, 768});
    w.add("embeddings.token_type_embeddings.weight", {2, 768});
    w.add_norm("embeddings.LayerNorm");
    for (int l = 0; l < 12; ++l) {
      const std::string p = "encoder.layer." + std::to_string(l) + ".";
      for (const char* linear : {"attention.self.query", "attention.self.key", "attention.self.value",
                                 "attention.output.dense"}) {
        w.add(p + linear + ".weight", {768, 768});
        w.add(p + linear + ".bias", {768});
      }
      w.add_norm(p + "attention.output.LayerNorm");
      w.add(p + "intermediate.dense.weight", {3072, 768});
      w.add(p + "intermediate.dense.bias", {3072});
      w.add(p + "output.dense.weight", {768, 3072});
      w.add(p + "output.dense.bias", {768});
      w.add_norm(p + "output.LayerNorm");
    }
    const auto config = molt::model::JsonConfig::parse(
        R"({"model_type": "bert", "hidden_size": 768, "num_attention_heads": 12, "num_hidden_layers": 12,
            "intermediate_size": 3072, "vocab_size": 30522, "hidden_act": "gelu"})",
        "bge-base-en-v1.5/config.json");
    m->arch = molt::arch::load_bert(config, m->weights);
    return m;
  }();
  return *model;
}

// Args: threads, tokens per sequence. 32 sequences per pass, packed.
void run(benchmark::State& state, const molt::arch::Architecture& arch) {
  molt::ThreadPool pool(static_cast<int>(state.range(0)));
  molt::compute::set_blas_threads(1);  // the pool owns the threads, as in the Encoder
  molt::compute::Context ctx;
  ctx.pool = &pool;
  const auto len = static_cast<std::uint32_t>(state.range(1));
  std::vector<std::int32_t> ids;
  std::vector<std::uint32_t> offsets = {0};
  for (int s = 0; s < 32; ++s) {
    for (std::uint32_t t = 0; t < len; ++t) ids.push_back(static_cast<std::int32_t>(1000 + (s * 131 + t * 7) % 20000));
    offsets.push_back(static_cast<std::uint32_t>(ids.size()));
  }
  molt::tensor::Workspace ws;
  for (auto _ : state) {
    ws.reset();
    const molt::compute::MatrixView out(ws.floats(ids.size() * arch.hidden_size()).data(), ids.size(),
                                        arch.hidden_size());
    arch.forward(ctx, {ids, offsets}, ws, out);
    benchmark::DoNotOptimize(out.data);
  }
  const std::vector<std::uint32_t> lengths(32, len);
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(ids.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP/s"] = benchmark::Counter(arch.flops(lengths) / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_ForwardNomicEmbedTextV15(benchmark::State& state) { run(state, *nomic().arch); }
void BM_ForwardBertBase(benchmark::State& state) { run(state, *bert().arch); }

// CPU time is the whole process's (every thread): rates per CPU-second.
BENCHMARK(BM_ForwardNomicEmbedTextV15)->Args({1, 128})->Args({2, 128})->Args({2, 512})->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ForwardBertBase)->Args({1, 128})->Args({2, 128})->Args({2, 512})->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);

}  // namespace
BENCHMARK_MAIN();
