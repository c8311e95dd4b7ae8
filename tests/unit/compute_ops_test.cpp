// Compute ops on values worked out by hand: activations, layer norm, softmax, a linear
// layer, row gathering from an F16 table, attention over two packed sequences, rotary
// position embeddings, gated activations; the workspace arena and the batch planner.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "molt/compute/kernels.h"
#include "molt/compute/ops.h"
#include "molt/layers/rotary_embedding.h"
#include "molt/runtime/batch_plan.h"
#include "molt/tensor/half.h"
#include "molt/tensor/workspace.h"

namespace {

using molt::compute::Activation;
using molt::compute::Context;
using molt::compute::Weight;
using molt::tensor::Tensor;

Weight dense(std::vector<std::int64_t> shape, std::vector<float> values) {
  return Weight::dense(Tensor::from_f32(std::move(shape), values));
}

class OpsByHand : public ::testing::TestWithParam<const molt::compute::Kernels*> {
 protected:
  Context ctx() const { return Context{GetParam(), nullptr}; }
};

TEST_P(OpsByHand, Activations) {
  // GELU(1) = Φ(1) = 0.841344746...; tanh-GELU(1) = 0.841191990...; SiLU(1) = σ(1) = 0.731058578...
  const std::vector<std::pair<Activation, std::vector<float>>> cases = {
      {Activation::kGeluErf, {0.0f, 0.8413447460685429f, -0.15865525393145707f}},
      {Activation::kGeluTanh, {0.0f, 0.8411919906082768f, -0.15880800939172324f}},
      {Activation::kRelu, {0.0f, 1.0f, 0.0f}},
      {Activation::kSilu, {0.0f, 0.7310585786300049f, -0.2689414213699951f}},
      {Activation::kTanh, {0.0f, 0.7615941559557649f, -0.7615941559557649f}},
      {Activation::kSigmoid, {0.5f, 0.7310585786300049f, 0.2689414213699951f}},
  };
  for (const auto& [act, want] : cases) {
    std::vector<float> x = {0.0f, 1.0f, -1.0f};
    GetParam()->bias_activation(act, x.data(), 3, 1, 3, nullptr);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(x[i], want[i], 2e-7) << molt::compute::activation_name(act) << " " << i;
  }
}

TEST_P(OpsByHand, LayerNormWithResidual) {
  // (x + r) = [1, 2, 3, 4]: mean 2.5, variance 1.25 → ±1.3416408, ±0.4472136; then ·2 + 1.
  std::vector<float> x = {0.5f, 1.0f, 1.5f, 2.0f};
  const std::vector<float> r = {0.5f, 1.0f, 1.5f, 2.0f};
  const Weight gamma = dense({4}, {2, 2, 2, 2}), beta = dense({4}, {1, 1, 1, 1});
  molt::compute::add_layer_norm(ctx(), {x.data(), 1, 4}, {r.data(), 1, 4}, gamma, beta, 0.0f);
  const float want[] = {1 - 2 * 1.3416407865f, 1 - 2 * 0.4472135955f, 1 + 2 * 0.4472135955f, 1 + 2 * 1.3416407865f};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(x[i], want[i], 1e-6);
}

TEST_P(OpsByHand, SoftmaxRows) {
  std::vector<float> x = {0.0f, std::log(2.0f), std::log(3.0f), 1000.0f, 1000.0f, 1000.0f};
  GetParam()->softmax_rows(x.data(), 3, 2, 3);
  EXPECT_NEAR(x[0], 1.0 / 6, 1e-7);
  EXPECT_NEAR(x[1], 2.0 / 6, 1e-7);
  EXPECT_NEAR(x[2], 3.0 / 6, 1e-7);
  for (int i = 3; i < 6; ++i) EXPECT_NEAR(x[i], 1.0 / 3, 1e-7);  // no overflow
}

TEST_P(OpsByHand, LinearWithBiasAndRelu) {
  // W = [[1, 2], [-1, 0], [0, 3]], b = [0.5, 0, -10]; x = [1, 1] → [3.5, -1, -7] → relu.
  const Weight w = dense({3, 2}, {1, 2, -1, 0, 0, 3});
  const Weight b = dense({3}, {0.5f, 0.0f, -10.0f});
  std::vector<float> x = {1, 1, 2, -1}, y(6);
  molt::compute::linear(ctx(), {x.data(), 2, 2}, w, &b, {y.data(), 2, 3}, Activation::kRelu);
  const float want[] = {3.5f, 0.0f, 0.0f, 0.5f, 0.0f, 0.0f};  // second row: [0.5, -2, -13]
  for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(y[i], want[i]) << i;
}

TEST_P(OpsByHand, GatherRowsWidensHalfTablesExactly) {
  // An F16 table: 1.5, -2, a subnormal (2^-24) and 65504 (the largest half).
  std::vector<std::uint16_t> halves = {molt::tensor::f32_to_f16(1.5f), molt::tensor::f32_to_f16(-2.0f), 0x0001, 0x7bff};
  const Tensor t = Tensor::view_of(molt::tensor::DType::kF16, {2, 2}, std::as_bytes(std::span(halves)));
  const Weight table = Weight::table(t.view());
  EXPECT_EQ(table.dtype(), molt::tensor::DType::kF16);
  const std::vector<std::int32_t> rows = {1, 0, 1};
  std::vector<float> out(6, 1.0f);
  molt::compute::gather_rows(ctx(), table, rows, {out.data(), 3, 2}, /*accumulate=*/true);
  EXPECT_EQ(out[0], 1.0f + std::ldexp(1.0f, -24));
  EXPECT_EQ(out[1], 65505.0f);
  EXPECT_EQ(out[2], 2.5f);
  EXPECT_EQ(out[3], -1.0f);
}

TEST_P(OpsByHand, AttentionKeepsSequencesApart) {
  // Two sequences, one head of width 1: [q=1,k=0,v=2] [q=1,k=ln3,v=6] | [q=5,k=5,v=-1].
  // Sequence 1: weights softmax([0, ln 3]) = [1/4, 3/4] for both queries → 0.5 + 4.5 = 5.
  // Sequence 2 attends only to itself: -1.
  std::vector<float> q = {1, 1, 5}, k = {0, std::log(3.0f), 5}, v = {2, 6, -1}, out(3);
  const std::vector<std::uint32_t> offsets = {0, 2, 3};
  molt::tensor::Workspace ws;
  molt::compute::AttentionArgs a;
  a.q = {q.data(), 3, 1};
  a.k = {k.data(), 3, 1};
  a.v = {v.data(), 3, 1};
  a.out = {out.data(), 3, 1};
  a.offsets = offsets;
  a.n_heads = 1;
  a.head_dim = 1;
  a.scale = 1.0f;
  molt::compute::attention(ctx(), a, ws);
  EXPECT_NEAR(out[0], 5.0f, 1e-6);
  EXPECT_NEAR(out[1], 5.0f, 1e-6);
  EXPECT_NEAR(out[2], -1.0f, 1e-6);
}

TEST_P(OpsByHand, RotaryTurnsPairsByTheTableAngles) {
  // One head of 4 values, pair 0 turned by 90° (cos 0, sin 1), pair 1 by 0°.
  const float cos[] = {0.0f, 1.0f}, sin[] = {1.0f, 0.0f};
  // Halves (GPT-NeoX): pairs (0, 2) and (1, 3). (a, b) = (1, 3) → (a·0 − b·1, b·0 + a·1) = (−3, 1).
  std::vector<float> x = {1, 2, 3, 4};
  GetParam()->rotary(x.data(), 4, 1, 1, 4, 4, /*interleaved=*/false, cos, sin, 2);
  EXPECT_EQ(x, (std::vector<float>{-3, 2, 1, 4}));
  // Interleaved (GPT-J): pairs (0, 1) and (2, 3): (1, 2) → (−2, 1).
  x = {1, 2, 3, 4};
  GetParam()->rotary(x.data(), 4, 1, 1, 4, 4, /*interleaved=*/true, cos, sin, 2);
  EXPECT_EQ(x, (std::vector<float>{-2, 1, 3, 4}));
  // Two heads, only the first 2 values of each rotate (rotary_dim 2 of head_dim 4).
  x = {1, 2, 3, 4, 5, 6, 7, 8};
  GetParam()->rotary(x.data(), 8, 1, 2, 4, 2, /*interleaved=*/false, cos, sin, 2);
  EXPECT_EQ(x, (std::vector<float>{-2, 1, 3, 4, -6, 5, 7, 8}));
}

TEST_P(OpsByHand, RotaryPositionsRestartWithEverySequence) {
  // rotary_dim 2: one frequency, inv_freq = 1/base^0 = 1, so a token at position p turns by p
  // radians. Sequences [t0 t1] [t2]: t0 and t2 are at position 0 (unchanged), t1 at 1.
  const molt::layers::RotaryEmbedding rope({.head_dim = 2, .rotary_dim = 2, .base = 10000.0, .interleaved = false});
  molt::tensor::Workspace ws;
  const auto table = rope.table(2, ws);
  std::vector<float> x = {1, 0, 1, 0, 0.5f, 2};
  const std::vector<std::uint32_t> offsets = {0, 2, 3};
  molt::compute::rotary(ctx(), {x.data(), 3, 2}, offsets, 1, table);
  EXPECT_FLOAT_EQ(x[0], 1.0f);
  EXPECT_FLOAT_EQ(x[1], 0.0f);
  EXPECT_NEAR(x[2], std::cos(1.0), 1e-7);
  EXPECT_NEAR(x[3], std::sin(1.0), 1e-7);
  EXPECT_FLOAT_EQ(x[4], 0.5f);
  EXPECT_FLOAT_EQ(x[5], 2.0f);
}

TEST_P(OpsByHand, RotaryFrequenciesFallWithTheBase) {
  // inv_freq[i] = 1 / base^(2i / rotary_dim): base 100, rotary_dim 4 → 1 and 1/10.
  const molt::layers::RotaryEmbedding rope({.head_dim = 4, .rotary_dim = 4, .base = 100.0, .interleaved = false});
  molt::tensor::Workspace ws;
  const auto table = rope.table(4, ws);
  ASSERT_EQ(table.cos.rows, 4u);
  ASSERT_EQ(table.cos.cols, 2u);
  EXPECT_NEAR(table.cos.row(3)[0], std::cos(3.0), 1e-7);
  EXPECT_NEAR(table.sin.row(3)[1], std::sin(0.3), 1e-7);
  EXPECT_EQ(table.cos.row(0)[1], 1.0f);
  EXPECT_EQ(table.sin.row(0)[0], 0.0f);
}

TEST_P(OpsByHand, GatedActivationMultipliesByTheActivatedGate) {
  // SwiGLU: x · silu(g); silu(1) = 0.7310585786, silu(−1) = −0.2689414214. GLU: x · σ(g).
  std::vector<float> x = {2, 3}, gate = {1, -1};
  molt::compute::gated_activation(ctx(), {x.data(), 1, 2}, {gate.data(), 1, 2}, Activation::kSilu);
  EXPECT_NEAR(x[0], 2 * 0.7310585786300049, 1e-6);
  EXPECT_NEAR(x[1], 3 * -0.2689414213699951, 1e-6);
  x = {2, 3};
  molt::compute::gated_activation(ctx(), {x.data(), 1, 2}, {gate.data(), 1, 2}, Activation::kSigmoid);
  EXPECT_NEAR(x[0], 2 * 0.7310585786300049, 1e-6);
  EXPECT_NEAR(x[1], 3 * 0.2689414213699951, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Kernels, OpsByHand,
                         ::testing::Values(&molt::compute::reference_kernels(), &molt::compute::cpu_kernels()),
                         [](const auto& p) { return std::string(p.param->name); });

TEST(Workspace, BuffersAreAlignedDisjointAndReusedAfterReset) {
  molt::tensor::Workspace ws;
  auto a = ws.floats(10);
  auto b = ws.floats(100000);  // more than the first block: a second block for this pass
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a.data()) % 64, 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data()) % 64, 0u);
  EXPECT_TRUE(a.data() + a.size() <= b.data() || b.data() + b.size() <= a.data());
  a[9] = 1.0f;
  b[99999] = 2.0f;
  EXPECT_EQ(a[9], 1.0f);
  ws.reset();
  const std::size_t capacity = ws.capacity();
  EXPECT_GE(capacity, 100016u);
  ws.floats(10);
  ws.floats(100000);  // the whole pass now fits in the one block
  ws.reset();
  EXPECT_EQ(ws.capacity(), capacity);
}

TEST(Workspace, ScopesGiveBackWhatTheyTook) {
  molt::tensor::Workspace ws;
  const auto keep = ws.floats(100);
  for (int layer = 0; layer < 10; ++layer) {
    const molt::tensor::Workspace::Scope scope(ws);
    auto t = ws.floats(5000);
    t[0] = static_cast<float>(layer);
    EXPECT_EQ(ws.live(), 112u + 5008u);
  }
  EXPECT_EQ(ws.live(), 112u);  // ten layers' temporaries took the room of one
  EXPECT_EQ(ws.peak(), 112u + 5008u);
  keep[99] = 3.0f;
  EXPECT_EQ(keep[99], 3.0f);
}

TEST(BatchPlan, SortsByLengthAndRespectsBothLimits) {
  const std::vector<std::uint32_t> lengths = {5, 50, 7, 3, 50, 1000, 20};
  const auto batches = molt::runtime::plan_batches(lengths, 2, 60);
  // Longest first: 1000 alone (over the budget); 50 + 50 would be 100 > 60.
  ASSERT_EQ(batches.size(), 5u);
  EXPECT_EQ(batches[0].items, (std::vector<std::size_t>{5}));
  EXPECT_EQ(batches[1].items, (std::vector<std::size_t>{1}));
  EXPECT_EQ(batches[2].items, (std::vector<std::size_t>{4}));
  EXPECT_EQ(batches[3].items, (std::vector<std::size_t>{6, 2}));
  EXPECT_EQ(batches[4].items, (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(batches[3].n_tokens, 27u);
  std::size_t total = 0;
  for (const auto& b : batches) total += b.items.size();
  EXPECT_EQ(total, lengths.size());
  EXPECT_TRUE(molt::runtime::plan_batches({}, 4, 10).empty());
}

}  // namespace
