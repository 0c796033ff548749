// Unicode-aware word tokenizer and sentence splitter. Tokens keep UTF-8 byte offsets into the
// text they came from; nothing is copied. ASCII takes a table-driven fast path, other code points
// are classified by their Unicode general category (utf8proc).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace newsflow {

enum class TokenKind : uint8_t {
  word,    // letters (digits, marks, inner hyphens/apostrophes/dots allowed): "U.S.", "COVID-19"
  number,  // digits with inner separators: "3.5", "1,000", "10:30", "1990-91"
  punct,   // Unicode P*: one mark, or a run of the same mark ("...", "--")
  symbol,  // Unicode S* and anything else: "$", "%", "€", emoji
};

// Token flags (bit set in Token::flags).
enum TokenFlag : uint8_t {
  tf_upper_initial = 1,   // first code point is an uppercase/titlecase letter
  tf_all_upper = 2,       // has letters and none of them is lowercase
  tf_has_digit = 4,
  tf_non_ascii = 8,
  tf_abbrev = 16,         // word that absorbed a trailing period ("Mr.", "U.S.", "etc.")
  tf_sentence_start = 32, // set by split_sentences
  tf_title = 64,          // abbreviation that never ends a sentence ("Mr.", "Dr.", an initial "J.")
};

struct Token {
  uint32_t start = 0;  // byte offset, inclusive
  uint32_t end = 0;    // byte offset, exclusive
  TokenKind kind = TokenKind::word;
  uint8_t flags = 0;

  std::string_view text(std::string_view source) const { return source.substr(start, end - start); }
  bool has(TokenFlag f) const { return (flags & f) != 0; }
};

// A sentence as a half-open range of token indices.
struct Sentence {
  uint32_t first = 0;
  uint32_t last = 0;  // exclusive
};

// Appends the tokens of `text` to `out` (cleared first). Any byte sequence is accepted; invalid
// UTF-8 bytes become one-byte symbol tokens. Texts over 4 GiB are truncated.
void tokenize(std::string_view text, std::vector<Token>& out);

// Splits tokens into sentences (cleared first) and marks each sentence's first token with
// tf_sentence_start. Breaks after . ! ? … (plus closing quotes/brackets) when the next token
// does not start lowercase, never after titles such as "Mr.", and always at blank lines.
void split_sentences(std::string_view text, std::span<Token> tokens, std::vector<Sentence>& out);

// Both in one call, reusing the caller's buffers.
struct TokenizedText {
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
};
void tokenize_text(std::string_view text, TokenizedText& out);

}  // namespace newsflow
