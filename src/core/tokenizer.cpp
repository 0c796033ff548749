#include "core/tokenizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#include "core/utf8.h"

namespace newsflow {
namespace {

// Character classes the scanner works with.
enum Cls : uint8_t { c_space, c_newline, c_letter, c_digit, c_extend, c_punct, c_symbol, c_ideo };

struct Cp {
  char32_t cp = 0;
  uint32_t len = 1;
  Cls cls = c_space;
  bool upper = false;
  bool lower = false;
};

constexpr std::array<Cls, 128> make_ascii_table() {
  std::array<Cls, 128> t{};
  for (int c = 0; c < 128; ++c) {
    Cls k = c_space;  // controls
    if (c >= 'a' && c <= 'z') k = c_letter;
    else if (c >= 'A' && c <= 'Z') k = c_letter;
    else if (c >= '0' && c <= '9') k = c_digit;
    else if (c == '\n') k = c_newline;
    else if (c == ' ' || (c >= 0 && c < 32) || c == 127) k = c_space;
    else if (c == '$' || c == '+' || c == '<' || c == '=' || c == '>' || c == '^' || c == '`' ||
             c == '|' || c == '~')
      k = c_symbol;
    else k = c_punct;
    t[c] = k;
  }
  return t;
}
constexpr auto kAscii = make_ascii_table();

bool is_ideograph(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x3040 && c <= 0x30FF) ||
         (c >= 0x20000 && c <= 0x2FA1F) || (c >= 0xF900 && c <= 0xFAFF);
}

Cp peek(std::string_view s, size_t i) {
  Cp r;
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    r.cp = b;
    r.cls = kAscii[b];
    r.upper = b >= 'A' && b <= 'Z';
    r.lower = b >= 'a' && b <= 'z';
    return r;
  }
  size_t j = i;
  r.cp = utf8::next(s, j);
  r.len = static_cast<uint32_t>(j - i);
  if (r.cp == 0xFFFD && r.len == 1) {  // malformed byte
    r.cls = c_symbol;
    return r;
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(r.cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT: r.cls = c_letter; r.upper = true; break;
    case UTF8PROC_CATEGORY_LL: r.cls = c_letter; r.lower = true; break;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL: r.cls = is_ideograph(r.cp) ? c_ideo : c_letter; break;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF: r.cls = c_extend; break;
    case UTF8PROC_CATEGORY_ND: r.cls = c_digit; break;
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO: r.cls = c_punct; break;
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP: r.cls = c_newline; break;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_CC: r.cls = r.cp == 0x85 ? c_newline : c_space; break;
    default: r.cls = c_symbol; break;  // S*, No, Co, Cs, Cn
  }
  return r;
}

bool is_apostrophe(char32_t c) { return c == '\'' || c == 0x2019; }
bool is_hyphen(char32_t c) { return c == '-' || c == 0x2010 || c == 0x2011; }
bool alnum(const Cp& c) { return c.cls == c_letter || c.cls == c_digit; }

// Abbreviations that take their period and never end a sentence (titles, months before a day).
constexpr std::string_view kTitles[] = {
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Capt", "Sgt",
    "Rev", "Mt", "Hon", "Messrs", "Adm", "Maj", "Cmdr", "Pres", "Supt", "Det", "Insp", "Fr", "Hr",
    "Sr", "Sra", "Srta", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
    "Dec", "vs", "cf", "ca", "approx", "vgl", "bzw", "Dept", "Univ", "Ave", "Blvd",
    "Mme", "Mlle", "Dña", "Av", "Bd", "Ing", "Dipl"};
// Abbreviations only when a number follows ("No. 10" but "No."+"She" ends a sentence).
constexpr std::string_view kBeforeNumber[] = {"No", "Nos", "Nr", "Art", "Abs", "Fig", "Vol", "pp", "Nº"};
// Abbreviations that take their period but may also end a sentence.
constexpr std::string_view kEnders[] = {"etc", "Inc", "Ltd", "Co", "Corp", "Jr", "Bros", "Plc",
                                        "usw", "Cía", "Sr", "Ud", "Uds"};
// Capitalised words that start a sentence after an ambiguous abbreviation ("in the U.S. The ...").
constexpr std::string_view kStarters[] = {
    "The", "He", "She", "It", "They", "We", "I", "But", "And", "In", "A", "An", "This", "That",
    "His", "Her", "Its", "Their", "There", "On", "At", "As", "For", "However", "Mr.", "Mrs.", "Ms.",
    "If", "When", "After", "Der", "Die", "Das", "Er", "Sie", "Es", "El", "La", "Los", "Las", "Le", "Il"};

template <size_t N>
bool in_list(const std::string_view (&list)[N], std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

void push(std::vector<Token>& out, uint32_t s, uint32_t e, TokenKind k, uint8_t flags) {
  out.push_back(Token{s, e, k, flags});
}

// Scans a word/number starting at `i` (a letter or digit); returns its end.
size_t scan_word(std::string_view s, size_t i, std::vector<Token>& out) {
  const size_t start = i, n = s.size();
  bool has_letter = false, has_lower = false, has_digit = false, non_ascii = false;
  bool first_upper = false, first = true;
  size_t letters = 0;
  Cp prev;
  while (i < n) {
    Cp c = peek(s, i);
    if (c.cls == c_letter || c.cls == c_digit || (c.cls == c_extend && !first)) {
      if (c.cls == c_letter) {
        has_letter = true;
        has_lower |= c.lower;
        if (first) first_upper = c.upper;
        ++letters;
      } else if (c.cls == c_digit) {
        has_digit = true;
      }
      non_ascii |= c.len > 1;
      first = false;
      if (c.cls != c_extend) prev = c;
      i += c.len;
      continue;
    }
    if (c.cls != c_punct || i + 1 >= n) break;
    const Cp next = peek(s, i + c.len);
    bool join = false;
    if (is_hyphen(c.cp)) {
      join = alnum(next);
    } else if (c.cp == '&') {
      join = prev.upper && next.upper;  // AT&T, S&P
    } else if (c.cp == '.' || c.cp == ',' || c.cp == ':') {
      join = prev.cls == c_digit && next.cls == c_digit;  // 3.5, 1,000, 10:30
    } else if (is_apostrophe(c.cp)) {
      if (prev.cls == c_letter && next.cls == c_letter) {
        // Possessive 's is split off ("Germany's" -> "Germany" "'s"); O'Neill, don't stay whole.
        const size_t after = i + c.len + next.len;
        const bool possessive = (next.cp == 's' || next.cp == 'S') && (after >= n || !alnum(peek(s, after)));
        join = !possessive;
        // French/Italian elision keeps the apostrophe on the article: "l'UE" -> "l'" "UE",
        // "dell'Unione" -> "dell'" "Unione"; O'Neill stays whole.
        const std::string_view before = s.substr(start, i - start);
        static constexpr std::string_view kElide[] = {"l", "d", "j", "n", "s", "c", "m", "t", "qu", "L", "D",
                                                      "J", "N", "S", "C", "M", "T", "Qu", "dell", "nell",
                                                      "all", "dall", "sull", "Dell", "Nell", "All", "un", "Un"};
        if (join && in_list(kElide, before)) {
          push(out, static_cast<uint32_t>(start), static_cast<uint32_t>(i + c.len), TokenKind::word,
               static_cast<uint8_t>((prev.upper ? tf_upper_initial : 0) | (c.len > 1 ? tf_non_ascii : 0)));
          return i + c.len;
        }
      }
    }
    if (!join) break;
    non_ascii |= c.len > 1;
    i += c.len;
  }
  uint8_t flags = 0;
  // Trailing period: dotted acronyms (U.S., e.g., z.B.), initials (J.) and known abbreviations.
  if (i < n && s[i] == '.' && has_letter && !has_digit) {
    const std::string_view w = s.substr(start, i - start);
    if (letters == 1) {
      size_t k = i;
      size_t parts = 1;
      while (k + 1 < n && s[k] == '.') {
        const Cp l = peek(s, k + 1);
        if (l.cls != c_letter || k + 1 + l.len >= n || s[k + 1 + l.len] != '.') break;
        k += 1 + l.len;
        ++parts;
      }
      // A lone letter keeps its period only as an initial before a capitalised word ("J. Smith").
      const bool initial = parts == 1 && k + 2 < n && s[k + 1] == ' ' && peek(s, k + 2).upper;
      if (parts > 1 || initial) {
        i = k + 1;
        flags |= tf_abbrev;
        if (initial) flags |= tf_title;
      }
      if (parts > 1) {
        // Recompute case over the whole chain.
        bool lower = false;
        for (size_t p = start; p < i;) {
          const Cp q = peek(s, p);
          lower |= q.lower;
          p += q.len;
        }
        has_lower = lower;
      }
    } else if (in_list(kTitles, w)) {
      i += 1;
      flags |= tf_abbrev | tf_title;
    } else if (in_list(kBeforeNumber, w) && i + 2 < n && s[i + 1] == ' ' && s[i + 2] >= '0' && s[i + 2] <= '9') {
      i += 1;
      flags |= tf_abbrev | tf_title;
    } else if (in_list(kEnders, w)) {
      i += 1;
      flags |= tf_abbrev;
    }
  }
  if (first_upper) flags |= tf_upper_initial;
  if (has_letter && !has_lower) flags |= tf_all_upper;
  if (has_digit) flags |= tf_has_digit;
  if (non_ascii) flags |= tf_non_ascii;
  const TokenKind kind = has_letter ? TokenKind::word : TokenKind::number;
  push(out, static_cast<uint32_t>(start), static_cast<uint32_t>(i), kind, flags);
  return i;
}

bool is_terminal_char(char32_t c) { return c == '.' || c == '!' || c == '?' || c == 0x2026; }
bool is_closer(std::string_view t) {
  return t == "\"" || t == "'" || t == ")" || t == "]" || t == "}" || t == "\u201D" || t == "\u2019" ||
         t == "\u00BB" || t == "\u203A" || t == "\u300D";
}
bool is_terminal(std::string_view t) {
  if (t.empty()) return false;
  size_t i = 0;
  while (i < t.size()) {
    if (!is_terminal_char(utf8::next(t, i))) return false;
  }
  return true;
}

}  // namespace

void tokenize(std::string_view text, std::vector<Token>& out) {
  out.clear();
  if (text.size() > std::numeric_limits<uint32_t>::max()) text = text.substr(0, std::numeric_limits<uint32_t>::max());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const Cp c = peek(text, i);
    switch (c.cls) {
      case c_space:
      case c_newline:
        i += c.len;
        break;
      case c_extend:  // combining mark or format char: belongs to the token before it, if touching
        if (!out.empty() && out.back().end == i) out.back().end += c.len;
        i += c.len;
        break;
      case c_letter:
      case c_digit:
        i = scan_word(text, i, out);
        break;
      case c_ideo:  // no spaces in CJK: one token per ideograph
        push(out, static_cast<uint32_t>(i), static_cast<uint32_t>(i + c.len), TokenKind::word, tf_non_ascii);
        i += c.len;
        break;
      case c_punct: {
        size_t j = i + c.len;
        // Possessive 's after a word.
        if (is_apostrophe(c.cp) && !out.empty() && out.back().end == i && out.back().kind == TokenKind::word &&
            j < n && (text[j] == 's' || text[j] == 'S') && (j + 1 >= n || !alnum(peek(text, j + 1)))) {
          push(out, static_cast<uint32_t>(i), static_cast<uint32_t>(j + 1), TokenKind::word,
               static_cast<uint8_t>(c.len > 1 ? tf_non_ascii : 0));
          i = j + 1;
          break;
        }
        // Runs: "...", "--", "?!".
        if (c.cp == '.' || c.cp == '-' || c.cp == '!' || c.cp == '?') {
          const bool q = c.cp == '!' || c.cp == '?';
          while (j < n && (text[j] == static_cast<char>(c.cp) || (q && (text[j] == '!' || text[j] == '?')))) ++j;
        }
        push(out, static_cast<uint32_t>(i), static_cast<uint32_t>(j), TokenKind::punct,
             static_cast<uint8_t>(c.len > 1 ? tf_non_ascii : 0));
        i = j;
        break;
      }
      case c_symbol:
      default:
        push(out, static_cast<uint32_t>(i), static_cast<uint32_t>(i + c.len), TokenKind::symbol,
             static_cast<uint8_t>(c.len > 1 ? tf_non_ascii : 0));
        i += c.len;
        break;
    }
  }
}

void split_sentences(std::string_view text, std::span<Token> tokens, std::vector<Sentence>& out) {
  out.clear();
  const uint32_t n = static_cast<uint32_t>(tokens.size());
  if (n == 0) return;
  auto blank_line_between = [&](uint32_t a, uint32_t b) {  // gap between token a and token b
    int nl = 0;
    for (uint32_t p = tokens[a].end; p < tokens[b].start; ++p) {
      if (text[p] == '\n') ++nl;
    }
    return nl >= 2;
  };
  uint32_t first = 0;
  auto close = [&](uint32_t last) {
    if (last > first) {
      out.push_back(Sentence{first, last});
      tokens[first].flags |= tf_sentence_start;
    }
    first = last;
  };
  for (uint32_t i = 0; i < n; ++i) {
    if (i > first && blank_line_between(i - 1, i)) close(i);
    const Token& t = tokens[i];
    const std::string_view tt = t.text(text);
    const bool terminal = t.kind == TokenKind::punct && is_terminal(tt);
    const bool ender = t.kind == TokenKind::word && t.has(tf_abbrev) && !t.has(tf_title);
    if (!terminal && !ender) continue;
    uint32_t j = i + 1;
    while (j < n && tokens[j].start == tokens[j - 1].end && tokens[j].kind == TokenKind::punct &&
           is_closer(tokens[j].text(text)))
      ++j;
    if (j >= n) {
      close(n);
      break;
    }
    const Token& next = tokens[j];
    if (next.start == tokens[j - 1].end) continue;  // no space: "3.x", "a.b"
    const std::string_view nt = next.text(text);
    bool brk;
    if (ender) {
      brk = next.kind == TokenKind::word && in_list(kStarters, nt);
    } else if (next.kind == TokenKind::word) {
      brk = !peek(nt, 0).lower;
    } else if (next.kind == TokenKind::punct) {
      brk = !(nt == "," || nt == ";" || nt == ":" || nt == ")" || nt == "]");
    } else {
      brk = true;
    }
    if (brk) {
      close(j);
      i = j - 1;
    }
  }
  close(n);
}

void tokenize_text(std::string_view text, TokenizedText& out) {
  tokenize(text, out.tokens);
  split_sentences(text, out.tokens, out.sentences);
}

}  // namespace newsflow
