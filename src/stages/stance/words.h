// Words for the sentiment features: the shared tokenizer (core/tokenizer.h) plus a hash of
// each lower-cased token and the flags the features need.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/tokenizer.h"

namespace newsflow::stance {

enum TokenFlag : uint8_t {
  kWord = 1,      // letters/digits
  kNumber = 2,    // starts with a digit
  kCapital = 4,   // first letter is upper case
  kPunct = 8,     // a single punctuation mark
  kQuote = 16,    // a quotation mark of any style
  kClause = 32,   // clause boundary: , ; : ( ) dash
  kSentEnd = 64,  // . ! ?
  kAllUpper = 128, // letters and none lower case ("NATO", "GMP")
};

struct Word {
  uint32_t start = 0;  // byte offsets into the text
  uint32_t end = 0;
  uint64_t hash = 0;   // FNV-1a of the lower-cased code points
  uint8_t flags = 0;
};

// Lower-cased hash of a literal word (ASCII), to compare with Word::hash.
uint64_t word_hash(std::string_view ascii_word);

// Appends the tokens of text[begin, end) to out.
void tokenize(std::string_view text, std::vector<Word>& out, size_t begin = 0, size_t end = std::string_view::npos);

// A sentence as a range of word indices [first, last).
struct SentenceRange {
  uint32_t first = 0;
  uint32_t last = 0;
};

// Splits every sentence of more than `max_words` words into consecutive pieces of at most that
// many. Scoring reads the sentence of each entity mention, so one run-on "sentence" (a whole
// article without punctuation) would cost its length once per entity: quadratic in the article.
void cap_sentence_length(std::vector<SentenceRange>& sentences, uint32_t max_words);
// Longer than any real sentence in news (a 60-word sentence is already rare).
inline constexpr uint32_t kMaxSentenceWords = 128;

// Tokenises the whole text (out cleared) and splits it into sentences with the shared splitter.
void tokenize_sentences(std::string_view text, std::vector<Word>& out, std::vector<SentenceRange>& sentences);

// The same from tokens already made by the shared tokenizer for `text` (Article::tokens).
void words_from(std::string_view text, const TokenizedText& base, std::vector<Word>& out,
                std::vector<SentenceRange>& sentences);

}  // namespace newsflow::stance
