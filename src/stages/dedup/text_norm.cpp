#include "stages/dedup/text_norm.h"

#include <utf8proc.h>

// Inlined XXH3: one call per word, mostly short inputs.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <array>
#include <bit>
#include <cctype>
#include <cstring>

#include "core/utf8.h"
#include "stages/dedup/sketch.h"  // mix64

namespace newsflow::dedup {
namespace {

// --- word hashes ----------------------------------------------------------------------------
// One value per lower-cased word, the same on every path below. Nearly every word is at most 16
// bytes: one or two little-endian 64-bit loads, mixed (a call to XXH3 per word cost more than the
// rest of the folding); longer words go through XXH3.

inline uint64_t low_bytes_mask(size_t n) { return n >= 8 ? ~0ULL : (1ULL << (8 * n)) - 1; }

// n (<= 8) bytes at p as an integer, the rest zero. Reads 8 bytes when they are inside [p, end).
inline uint64_t load_le(const char* p, size_t n, const char* end) {
  uint64_t w = 0;
  if (end - p >= 8) {
    std::memcpy(&w, p, 8);
    return w & low_bytes_mask(n);
  }
  std::memcpy(&w, p, n);
  return w;
}

inline uint64_t hash_short(uint64_t a, uint64_t b, size_t n) {
  return mix64((a * 0x9E3779B97F4A7C15ULL) ^ std::rotl(b * 0xC2B2AE3D27D4EB4FULL, 31) ^ (static_cast<uint64_t>(n) << 56));
}

// Hash of n lower-cased bytes at p (p + n <= end).
inline uint64_t word_hash(const char* p, size_t n, const char* end) {
  if (n <= 8) return hash_short(load_le(p, n, end), 0, n);
  if (n <= 16) return hash_short(load_le(p, 8, end), load_le(p + 8, n - 8, end), n);
  return XXH3_64bits(p, n);
}

// The same hash for an ASCII letters-and-digits word, lower-cased on the fly: OR 0x20 lower-cases
// a letter and leaves a digit unchanged (digits already have that bit).
inline uint64_t ascii_word_hash(const char* p, size_t n, const char* end) {
  constexpr uint64_t kLower = 0x2020202020202020ULL;
  if (n <= 8) return hash_short(load_le(p, n, end) | (kLower & low_bytes_mask(n)), 0, n);
  if (n <= 16) {
    return hash_short(load_le(p, 8, end) | kLower, load_le(p + 8, n - 8, end) | (kLower & low_bytes_mask(n - 8)), n);
  }
  char buf[64];
  const size_t m = n < sizeof buf ? n : sizeof buf;
  for (size_t k = 0; k < m; ++k) buf[k] = static_cast<char>(p[k] | 0x20);
  return n <= sizeof buf ? XXH3_64bits(buf, n) : 0;  // callers pass at most 64
}

struct AlnumTable {
  std::array<bool, 256> is{};
  constexpr AlnumTable() {
    for (int c = '0'; c <= '9'; ++c) is[static_cast<size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c) is[static_cast<size_t>(c)] = is[static_cast<size_t>(c - 32)] = true;
  }
};
constexpr AlnumTable kAlnum;

inline bool is_ascii_alnum(unsigned b) { return (b - '0') < 10u || ((b | 0x20) - 'a') < 26u; }

bool is_apostrophe(char32_t c) { return c == '\'' || c == 0x2019 || c == 0x02BC || c == 0x2018; }

// Scripts written without spaces: each character is its own word so shingles still work.
bool is_unspaced_script(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1780 && c <= 0x17FF) ||
         (c >= 0x1000 && c <= 0x109F) || (c >= 0x20000 && c <= 0x2FFFF);
}

bool is_word_category(utf8proc_category_t cat) {
  switch (cat) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
      return true;
    default:
      return false;
  }
}

class WordSink {
 public:
  explicit WordSink(Folded& f) : f_(f) {}
  void put_ascii(char c) {
    start_if_needed();
    f_.text.push_back(c);
  }
  // Appends letters and digits, lower-cased.
  void put_ascii_run(const char* p, size_t n) {
    start_if_needed();
    const size_t at = f_.text.size();
    f_.text.resize(at + n);
    char* out = f_.text.data() + at;
    for (size_t k = 0; k < n; ++k) {
      const auto c = static_cast<unsigned char>(p[k]);
      out[k] = static_cast<char>(c | (static_cast<unsigned>(c - 'A') < 26u ? 0x20 : 0));
    }
  }
  void put(char32_t c) {
    start_if_needed();
    utf8::append(f_.text, c);
  }
  void end() {
    if (start_ == npos) return;
    f_.words.push_back(word_hash(f_.text.data() + start_, f_.text.size() - start_, f_.text.data() + f_.text.size()));
    if (!f_.keep_text) f_.text.clear();
    start_ = npos;
  }
  bool in_word() const { return start_ != npos; }

 private:
  static constexpr size_t npos = static_cast<size_t>(-1);
  void start_if_needed() {
    if (start_ != npos) return;
    if (f_.keep_text && !f_.text.empty()) f_.text.push_back(' ');
    start_ = f_.text.size();
  }
  Folded& f_;
  size_t start_ = npos;
};

constexpr int kFoldOptions = UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                             UTF8PROC_IGNORE;

}  // namespace

void fold_append(std::string_view in, Folded& out) {
  WordSink sink(out);
  size_t i = 0;
  std::array<utf8proc_int32_t, 32> buf{};
  while (i < in.size()) {
    const auto b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {  // ASCII fast path: NFKC is the identity, case fold is tolower
      if (kAlnum.is[b]) {
        size_t j = i + 1;
        while (j < in.size() && kAlnum.is[static_cast<unsigned char>(in[j])]) ++j;
        const bool whole_word = !sink.in_word() &&
                                (j == in.size() || (static_cast<unsigned char>(in[j]) < 0x80 && in[j] != '\''));
        if (!out.keep_text && whole_word && j - i <= 64) {
          // Common case: a complete ASCII word, hashed straight from the input (no copy).
          out.words.push_back(ascii_word_hash(in.data() + i, j - i, in.data() + in.size()));
        } else {
          sink.put_ascii_run(in.data() + i, j - i);
        }
        i = j;
      } else {
        ++i;
        if (!(b == '\'' && sink.in_word())) sink.end();  // "don't" -> "dont"
      }
      continue;
    }
    const char32_t cp = utf8::next(in, i);
    if (is_apostrophe(cp) && sink.in_word()) continue;
    int last_class = 0;
    const auto n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf.data(),
                                           static_cast<utf8proc_ssize_t>(buf.size()),
                                           static_cast<utf8proc_option_t>(kFoldOptions), &last_class);
    if (n < 0 || n > static_cast<utf8proc_ssize_t>(buf.size())) {
      sink.end();
      continue;
    }
    for (utf8proc_ssize_t k = 0; k < n; ++k) {
      const auto c = static_cast<char32_t>(buf[static_cast<size_t>(k)]);
      if (c < 0x80) {
        if (is_ascii_alnum(static_cast<unsigned>(c))) sink.put_ascii(static_cast<char>(c | ((c >= 'A' && c <= 'Z') ? 0x20 : 0)));
        else sink.end();
      } else if (is_unspaced_script(c)) {
        sink.end();
        sink.put(c);
        sink.end();
      } else if (is_word_category(utf8proc_category(static_cast<utf8proc_int32_t>(c)))) {
        sink.put(c);
      } else {
        sink.end();
      }
    }
  }
  sink.end();
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals_prefix(std::string_view s, std::string_view p) {
  if (s.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != p[i]) return false;
  }
  return true;
}

// Length of a separator at the start of s (":", "|", "-", en/em dash), 0 if none.
size_t separator_len(std::string_view s) {
  if (s.empty()) return 0;
  if (s[0] == ':' || s[0] == '|' || s[0] == '-') return 1;
  if (s.substr(0, 3) == "\u2013" || s.substr(0, 3) == "\u2014") return 3;
  return 0;
}

constexpr std::array<std::string_view, 20> kPrefixes = {
    "opinion", "op-ed", "op ed", "oped", "analysis", "comment", "commentary", "editorial", "exclusive",
    "breaking news", "breaking", "updated", "update", "watch", "video", "live", "factbox", "explainer",
    "fact check", "guest essay"};

// "Opinion | X", "UPDATE 2-X", "Op-Ed: X": removes one prefix; returns false if none matched.
bool strip_one_prefix(std::string_view& t) {
  for (std::string_view p : kPrefixes) {
    if (!iequals_prefix(t, p)) continue;
    std::string_view rest = trim(t.substr(p.size()));
    while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front()))) rest.remove_prefix(1);
    rest = trim(rest);
    const size_t sep = separator_len(rest);
    if (sep == 0) continue;
    rest = trim(rest.substr(sep));
    if (rest.empty()) return false;
    t = rest;
    return true;
  }
  return false;
}

bool is_connector_word(std::string_view w) {
  return w == "the" || w == "of" || w == "and" || w == "&" || w == "de" || w == "la" || w == "le" ||
         w == "el" || w == "du" || w == "der" || w == "die";
}

// An outlet name: 1-5 words, each capitalised, a digit, or a connector ("The Times of India").
bool looks_like_outlet(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.size() > 48) return false;
  int words = 0;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j == i) break;
    const std::string_view w = s.substr(i, j - i);
    const auto c = static_cast<unsigned char>(w[0]);
    if (!(std::isupper(c) || std::isdigit(c) || c >= 0x80 || is_connector_word(w))) return false;
    ++words;
    i = j;
  }
  return words >= 1 && words <= 5;
}

}  // namespace

std::string_view strip_title_decorations(std::string_view title) {
  std::string_view t = trim(title);
  for (int k = 0; k < 3 && strip_one_prefix(t); ++k) {
  }
  // Trailing " | Outlet", " - Outlet", " – Outlet": the last spaced separator.
  static constexpr std::array<std::string_view, 4> kSeps = {" | ", " - ", " \u2013 ", " \u2014 "};
  size_t best = std::string_view::npos;
  size_t best_len = 0;
  for (std::string_view sep : kSeps) {
    const size_t pos = t.rfind(sep);
    if (pos != std::string_view::npos && (best == std::string_view::npos || pos > best)) {
      best = pos;
      best_len = sep.size();
    }
  }
  if (best != std::string_view::npos && best > 0 && looks_like_outlet(t.substr(best + best_len))) {
    t = trim(t.substr(0, best));
  }
  return t;
}

}  // namespace newsflow::dedup
