#include "stages/stance/quotes.h"

#include <iterator>

#include "core/utf8.h"

namespace newsflow::stance {
namespace {

// Closers accepted for an opener; 0 = not an opener.
struct Pair {
  char32_t open;
  char32_t close1, close2;
};
constexpr Pair kPairs[] = {
    {U'"', U'"', 0},           {0x201C, 0x201D, 0x201C},  // “…” (and a mistyped “…“)
    {0x201E, 0x201C, 0x201D},  // „…“ (de) and „…” (pl, nl)
    {0x00AB, 0x00BB, 0},       {0x00BB, 0x00AB, 0},        // «…» and »…«
    {0x201A, 0x2018, 0x2019},  // ‚…‘
    {0x2018, 0x2019, 0},       {0x2039, 0x203A, 0},  {0x203A, 0x2039, 0},
    {0x300C, 0x300D, 0},       {0x300E, 0x300F, 0},
};

const Pair* opener(char32_t c) {
  for (const Pair& p : kPairs)
    if (p.open == c) return &p;
  return nullptr;
}

bool is_letter_or_digit_byte(std::string_view s, size_t i) {
  if (i >= s.size()) return false;
  const auto b = static_cast<unsigned char>(s[i]);
  if (b >= 0x80) return true;  // treat non-ASCII as letters here: only used around apostrophes
  return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

bool is_space_byte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A paragraph break: a newline followed by optional blanks and another newline.
bool paragraph_break_at(std::string_view s, size_t i, size_t* after) {
  if (s[i] != '\n') return false;
  size_t j = i + 1;
  while (j < s.size() && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r')) ++j;
  if (j >= s.size() || s[j] != '\n') return false;
  while (j < s.size() && is_space_byte(s[j])) ++j;
  *after = j;
  return true;
}

// Whether an opener at i can start a quote: not inside a word (so ’ in "don’t" or " in 5'10"
// do not open), and followed by non-space.
bool can_open(std::string_view s, size_t i, size_t next, char32_t c) {
  if (next >= s.size()) return false;
  // French « takes a (no-break) space inside; other marks hug the quoted words.
  if (is_space_byte(s[next]) && c != 0x00AB) return false;
  if (c == U'"' || c == 0x2018 || c == 0x201A) {
    if (i > 0 && is_letter_or_digit_byte(s, i - 1)) return false;
  }
  return true;
}

// Whether a closer at i can end the quote: a ’ between letters is an apostrophe.
bool can_close(std::string_view s, size_t i, size_t next, char32_t c) {
  if (c == 0x2019 || c == 0x2018) {
    if (i > 0 && is_letter_or_digit_byte(s, i - 1) && is_letter_or_digit_byte(s, next)) return false;
  }
  return true;
}

uint32_t count_words(std::string_view s, size_t b, size_t e) {
  uint32_t n = 0;
  bool in = false;
  for (size_t i = b; i < e; ++i) {
    const bool w = is_letter_or_digit_byte(s, i);
    if (w && !in) ++n;
    in = w || (in && (s[i] == '\'' || s[i] == '-'));
  }
  return n;
}

}  // namespace

void find_quotes(std::string_view s, std::vector<QuoteSpan>& out) {
  out.clear();
  // Per mark: where the last scan that found no closer stopped. A later opener of the same mark
  // before that point would scan the same text and fail the same way (nothing in the scan depends
  // on where it starts), so it is stray at once: « « « … costs n, not n².
  size_t no_closer_before[std::size(kPairs)] = {};
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    const char32_t c = utf8::next(s, j);
    const Pair* p = c >= 0x80 || c == U'"' ? opener(c) : nullptr;
    if (!p || !can_open(s, i, j, c) || j < no_closer_before[p - kPairs]) {
      i = j;
      continue;
    }
    // Scan for the closer.
    QuoteSpan q;
    q.open = static_cast<uint32_t>(i);
    size_t k = j;
    bool closed = false;
    size_t close_at = 0;
    while (k < s.size()) {
      size_t after = 0;
      if (paragraph_break_at(s, k, &after)) {
        // Continue only if the next paragraph reopens with the same mark.
        size_t m = after;
        if (m < s.size() && utf8::next(s, m) == p->open) {
          q.multi_paragraph = true;
          k = m;
          continue;
        }
        break;
      }
      size_t m = k;
      const char32_t d = utf8::next(s, m);
      // Straight quotes: a mark after ". " that hugs the next word reopens a quote whose
      // paragraph break was lost ('... a bold move. "But it shows ...'): end this quote there.
      if (d == U'"' && p->open == U'"' && k >= 2 && s[k - 1] == ' ' && m < s.size() && !is_space_byte(s[m])) {
        size_t e = k - 1;
        while (e > j && is_space_byte(s[e - 1])) --e;
        if (e > j && (s[e - 1] == '.' || s[e - 1] == '!' || s[e - 1] == '?')) {
          closed = true;
          close_at = e;
          q.close = static_cast<uint32_t>(e);
          break;
        }
      }
      if ((d == p->close1 || (p->close2 && d == p->close2)) && can_close(s, k, m, d)) {
        closed = true;
        close_at = k;
        q.close = static_cast<uint32_t>(m);
        break;
      }
      k = m;
    }
    if (!closed) {  // stray mark: skip it
      no_closer_before[p - kPairs] = k;
      i = j;
      continue;
    }
    size_t b = j, e = close_at;
    while (b < e && is_space_byte(s[b])) ++b;
    while (e > b && is_space_byte(s[e - 1])) --e;
    if (e > b) {
      q.start = static_cast<uint32_t>(b);
      q.end = static_cast<uint32_t>(e);
      q.words = count_words(s, b, e);
      out.push_back(q);
    }
    i = q.close;
  }
}

std::string quote_text(std::string_view s, const QuoteSpan& q) {
  std::string_view body = s.substr(q.start, q.end - q.start);
  if (!q.multi_paragraph) return std::string(body);
  // Drop the opening mark that starts each continued paragraph.
  const std::string_view open = s.substr(q.open, q.start - q.open);
  size_t mark_len = 0;
  utf8::next(open, mark_len);
  const std::string_view mark = open.substr(0, mark_len);
  std::string out;
  size_t i = 0;
  while (i < body.size()) {
    size_t after = 0;
    if (paragraph_break_at(body, i, &after)) {
      out.append(body.substr(i, after - i));
      i = after;
      if (body.substr(i, mark.size()) == mark) i += mark.size();
      continue;
    }
    out.push_back(body[i]);
    ++i;
  }
  return out;
}

}  // namespace newsflow::stance
