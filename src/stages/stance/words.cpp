#include "stages/stance/words.h"

#include <utf8proc.h>

#include <algorithm>

#include "core/tokenizer.h"
#include "core/utf8.h"

namespace newsflow::stance {
namespace {

constexpr uint64_t kFnvBasis = 1469598103934665603ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

inline uint64_t fnv_step(uint64_t h, char32_t cp) {
  h ^= static_cast<uint64_t>(cp);
  return h * kFnvPrime;
}

char32_t lower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c == 0x2019) return '\'';  // typographic apostrophe hashes like the ASCII one
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
}

bool is_quote_mark(char32_t c) {
  return c == '"' || c == 0xAB || c == 0xBB || (c >= 0x2018 && c <= 0x201F) || c == 0x2039 || c == 0x203A ||
         (c >= 0x300C && c <= 0x300F);
}

// Hash of the lower-cased code points of s[b, e).
uint64_t hash_range(std::string_view s, size_t b, size_t e) {
  uint64_t h = kFnvBasis;
  for (size_t i = b; i < e;) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      h = fnv_step(h, lower(c));
      ++i;
    } else {
      h = fnv_step(h, lower(utf8::next(s, i)));
    }
  }
  return h;
}

}  // namespace

uint64_t word_hash(std::string_view w) { return hash_range(w, 0, w.size()); }

namespace {

void convert(std::string_view text, const std::vector<newsflow::Token>& base, size_t begin, std::vector<Word>& out) {
  out.reserve(out.size() + base.size());
  for (const newsflow::Token& t : base) {
    Word w;
    w.start = static_cast<uint32_t>(t.start + begin);
    w.end = static_cast<uint32_t>(t.end + begin);
    w.hash = hash_range(text, w.start, w.end);
    if (t.kind == TokenKind::word || t.kind == TokenKind::number) {
      w.flags = kWord;
      if (t.kind == TokenKind::number) w.flags |= kNumber;
      if (t.has(tf_upper_initial)) w.flags |= kCapital;
      if (t.has(tf_all_upper)) w.flags |= kAllUpper;
    } else {
      w.flags = kPunct;
      size_t i = w.start;
      const char32_t c = utf8::next(text, i);
      if (is_quote_mark(c)) w.flags |= kQuote;
      if (c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == 0x2013 || c == 0x2014 || c == '-')
        w.flags |= kClause;
      if (c == '.' || c == '!' || c == '?' || c == 0x2026) w.flags |= kSentEnd;
    }
    out.push_back(w);
  }
}

}  // namespace

void tokenize(std::string_view text, std::vector<Word>& out, size_t begin, size_t end) {
  if (end > text.size()) end = text.size();
  if (begin >= end) return;
  thread_local std::vector<newsflow::Token> base;
  newsflow::tokenize(text.substr(begin, end - begin), base);
  convert(text, base, begin, out);
}

void tokenize_sentences(std::string_view text, std::vector<Word>& out, std::vector<SentenceRange>& sentences) {
  thread_local TokenizedText base;
  tokenize_text(text, base);
  words_from(text, base, out, sentences);
}

void cap_sentence_length(std::vector<SentenceRange>& sentences, uint32_t max_words) {
  const auto too_long = [&](const SentenceRange& s) { return s.last - s.first > max_words; };
  if (max_words == 0 || std::none_of(sentences.begin(), sentences.end(), too_long)) return;
  std::vector<SentenceRange> out;  // only for a text that has such a sentence
  for (const SentenceRange& s : sentences) {
    for (uint32_t b = s.first; b < s.last; b += max_words) out.push_back({b, std::min(s.last, b + max_words)});
  }
  sentences.swap(out);
}

void words_from(std::string_view text, const TokenizedText& base, std::vector<Word>& out,
                std::vector<SentenceRange>& sentences) {
  out.clear();
  sentences.clear();
  convert(text, base.tokens, 0, out);
  for (const Sentence& s : base.sentences) sentences.push_back({s.first, s.last});
}

}  // namespace newsflow::stance
