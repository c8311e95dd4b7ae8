// TextEmbedder: the one thing dense evaluation needs from an embedding model, declared here
// so that eval does not depend on a concrete runtime. An adapter over the runtime's encoder
// implements it for `molt eval --model`; tests implement it with deterministic fakes.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace molt::eval {

// Which side of retrieval a text is on. The embedder applies the model's prompt for that
// role (e.g. bge's query instruction, nomic's "search_query: " / "search_document: ") and
// truncates at the model's maximum sequence length, as sentence-transformers does.
enum class EmbedRole { kQuery, kDocument };

class TextEmbedder {
 public:
  virtual ~TextEmbedder() = default;

  // Width of the vectors embed() returns; > 0.
  virtual std::size_t dim() const = 0;

  // Embeds `texts` (already assembled as MTEB does, see mteb_text.h) and returns
  // f32 [texts.size(), dim()], row-major, row i for texts[i]. Need not be normalized:
  // evaluation scores by cosine. Called from one thread at a time; throws molt::Error.
  virtual std::vector<float> embed(std::span<const std::string> texts, EmbedRole role) = 0;
};

}  // namespace molt::eval
