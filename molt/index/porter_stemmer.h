// The Porter stemmer exactly as Lucene's PorterStemFilter runs it: Martin Porter's own
// reference implementation (release 3), not the algorithm as published. Snowball's "porter"
// (libstemmer) follows the paper, and on the 51,766 distinct words of the SciFact and
// NFCorpus collections it differs from this one in exactly these four ways:
//   - words of one or two characters are never stemmed ("us" stays "us", Snowball: "u");
//   - -logi becomes -log ("physiology" -> "physiolog", meeting "physiological"; Snowball
//     keeps "physiologi");
//   - -bli becomes -ble, not only -abli ("possibly" -> "possibl"; Snowball: "possibli");
//   - any doubled consonant left by -ed/-ing is undoubled except l, s, z ("trekking" ->
//     "trek"; Snowball undoubles only b d f g m n p r t: "trekk").
// Anserini's BM25 baselines use Lucene's, so molt implements it rather than linking
// libstemmer.
#pragma once

#include <string>
#include <string_view>

namespace molt::index {

// Stems one lower-cased word (UTF-8). Like Lucene, the algorithm runs on UTF-16 code units:
// every character other than a, e, i, o, u (and y after a consonant) counts as a
// consonant, and length means UTF-16 length. Pure function; thread-safe.
std::string porter_stem(std::string_view word);

}  // namespace molt::index
