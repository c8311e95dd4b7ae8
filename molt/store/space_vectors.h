// Vectors entering the store for a space: supplied ones checked against the space (width,
// finite values), missing ones embedded with the space's encoder after checking that the
// encoder is the model the space was built with.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "molt/store/document.h"
#include "molt/store/space.h"
#include "molt/store/space_encoder.h"

namespace molt::store {

// Throws input_error naming `row` when v is not f32 [space dim] of finite values.
void check_vector(std::span<const float> v, const SpaceInfo& space, const std::string& row);

// The space's encoder from `encoders`, checked against the space's model identity.
// Throws input_error naming `row` ("<why> for space 'x', and ...") when there is none, and
// conflict_error when the encoder is another model.
SpaceEncoder& encoder_for(const SpaceInfo& space, const EncoderProvider& encoders, const std::string& row,
                          std::string_view why);

// Embeds texts for a space and role, checking the encoder's output: f32 [texts, space dim].
std::vector<float> embed_for_space(SpaceEncoder& encoder, const SpaceInfo& space,
                                   std::span<const std::string> texts, EmbedRole role);

// The rows of one space for a batch, f32 [docs, space dim]: DocumentWrite::vectors where
// given, the space's encoder for the rest.
std::vector<float> space_rows(const SpaceInfo& space, std::span<const DocumentWrite> docs,
                              const EncoderProvider& encoders);

}  // namespace molt::store
