// Reader of a GGUF file's WordPiece vocabulary (tokenizer.ggml.model = "bert", as llama.cpp's
// convert_hf_to_gguf.py writes BERT, nomic-bert and jina-bert models). The converter stores
// tokens in "phantom space" form — "▁piece" for a word-initial piece, a bare "piece" for the
// "##piece" continuation, "[..]" tokens unchanged — and token types (3 = control for the
// special tokens, 5 = unused padding entries); this undoes that. Special ids come from
// tokenizer.ggml.*_token_id; without a CLS (or BOS) id, "[CLS]" is looked up in the tokens
// (the converter writes none, and id 101 is wrong for other vocabularies). The result
// tokenizes as Hugging Face does, not as llama.cpp's own WordPiece (docs/DESIGN.md lists
// where the two differ).
#pragma once

#include <optional>

#include "molt/tokenizer/tokenizer_parts.h"

namespace molt::formats {
class GgufFile;
}

namespace molt::tokenizer {

// `lowercase`: unset = lower-case when no ordinary token holds an ASCII capital letter. Throws
// input_error naming the file and key for another tokenizer model, missing or inconsistent
// tokenizer.ggml.* keys, ids out of range.
TokenizerParts read_gguf_tokenizer(const formats::GgufFile& file, std::optional<bool> lowercase);

}  // namespace molt::tokenizer
