#include "stages/entities/ner_model.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>

#include <utf8proc.h>

#include "core/utf8.h"
#include "stages/entities/fold.h"

namespace newsflow::entities {
namespace {

// Token flags in TokInfo::flags.
enum : uint8_t {
  kf_cap = 1,           // uppercase initial
  kf_allcaps = 2,       // letters, none lowercase
  kf_can_start = 4,     // could begin a name (capitalised or digit)
  kf_sent_start = 8,    // first token of its sentence
  kf_caps_sentence = 16,  // in a headline-style all-caps sentence
  kf_doc_cap = 32,      // same word capitalised elsewhere mid-sentence in the document
  kf_doc_lower = 64,    // same word lowercase elsewhere mid-sentence in the document
};

// Feature templates.
enum : uint64_t {
  T_BIAS = 1, T_W, T_LW, T_SS, T_LS, T_PRE, T_SUF = T_PRE + 3, T_LWm1 = T_SUF + 4, T_LWp1, T_LWm2, T_LWp2,
  T_Wm1, T_Wp1, T_SSm1, T_SSp1, T_SS3, T_SSm1_0, T_SS0_p1, T_BIm1, T_BIp1, T_START_LW, T_CAPS_LW, T_CAPS_SS,
  T_GAZ, T_GAZm1, T_GAZp1, T_GAZ_SS, T_CLS, T_CLSm1, T_CLSp1, T_CLS_SS, T_DOCCASE, T_DOCCASE_SS, T_HIST_HAS,
  T_HIST_MAJ, T_HIST_MAJ_SS, T_HIST_SELF, T_HIST_O, T_SUF3m1, T_SUF3p1, T_SUF56, T_TRI, T_BIm2, T_BIp2, T_TRIGm1, T_TRIGp1, T_TRIGm2,
  T_LEX, T_LEX_SS, T_LEXm1, T_LEXp1, T_QUOTE, T_QUOTE_SS, T_SLEN_SS, T_SPOS_SS, T_RUN_LAST, T_RUN_FIRST, T_RUN_LEN, T_BOW, T_HIST_NEXT, T_HIST_NEXT2, T_HIST_AROUND, T_AGGm1, T_AGGp1,
  T_P1 = 100, T_P2P1, T_P1_LW, T_P1_SS,
};

constexpr uint64_t kBos = 0x1111111111111111ull, kEos = 0x2222222222222222ull;
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
typedef int16_t v8i16 __attribute__((vector_size(16)));
typedef int32_t v8i32 __attribute__((vector_size(32)));
static_assert(kLabels == 9, "decode sums labels 0..7 as a vector plus label 8");
constexpr char kMagic[8] = {'N', 'F', 'N', 'E', 'R', '0', '0', '4'};   // 004 adds the lexicon
constexpr char kMagic3[8] = {'N', 'F', 'N', 'E', 'R', '0', '0', '3'};  // still read (no lexicon)

inline uint32_t fid(uint64_t tmpl, uint64_t v, uint32_t mask) {
  return static_cast<uint32_t>(mix(tmpl * 0x9E3779B97F4A7C15ull, v)) & mask;
}

// Word shape: X/x/d per code point, other ASCII kept, other code points 'o'; `collapse` squeezes runs.
uint64_t shape_hash(std::string_view w, bool collapse) {
  char buf[48];
  size_t n = 0, run = 0;
  char last = 0;
  for (size_t i = 0; i < w.size() && n < sizeof buf;) {
    const auto b = static_cast<unsigned char>(w[i]);
    char c;
    if (b < 0x80) {
      c = (b >= 'A' && b <= 'Z') ? 'X' : (b >= 'a' && b <= 'z') ? 'x' : (b >= '0' && b <= '9') ? 'd' : static_cast<char>(b);
      ++i;
    } else {
      const char32_t cp = utf8::next(w, i);
      const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
      c = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT ? 'X'
          : cat >= UTF8PROC_CATEGORY_LL && cat <= UTF8PROC_CATEGORY_LO ? 'x'
          : cat == UTF8PROC_CATEGORY_ND                                  ? 'd'
                                                                         : 'o';
    }
    run = c == last ? run + 1 : 1;
    last = c;
    if (collapse ? run > 1 : run > 4) continue;
    buf[n++] = c;
  }
  return hash(std::string_view(buf, n));
}

}  // namespace

std::string label_name(int label) {
  if (label <= 0 || label >= kLabels) return "O";
  return std::string(label_begin(label) ? "B-" : "I-") + std::string(kTypeNames[label_type(label)]);
}

int parse_label(std::string_view tag) {
  if (tag.size() < 3 || tag[1] != '-' || (tag[0] != 'B' && tag[0] != 'I')) return 0;
  const std::string_view t = tag.substr(2);
  for (int k = 0; k < kTypes; ++k) {
    if (t == kTypeNames[k]) return make_label(k, tag[0] == 'B');
  }
  return 0;
}

void token_info(const NerDoc& doc, const Gazetteer* gaz, const ClusterMap* clusters, const Lexicon* lex,
                std::vector<TokInfo>& info, std::string& buf) {
  const size_t n = doc.tokens.size();
  info.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const std::string_view w = doc.tokens[i];
    TokInfo& t = info[i];
    t.w = hash(w);
    lower(w, buf);
    t.lw = hash(buf);
    t.sshape = shape_hash(w, true);
    t.lshape = shape_hash(w, false);
    // Code point boundaries for affixes.
    size_t cps[5] = {0, 0, 0, 0, 0}, ncp = 0;
    for (size_t b = 0; b < buf.size() && ncp < 5; ++b) {
      if ((static_cast<unsigned char>(buf[b]) & 0xC0) != 0x80 && b > 0) cps[ncp++] = b;
    }
    if (ncp < 5) cps[ncp++] = buf.size();
    for (int k = 0; k < 3; ++k) {
      const size_t len = static_cast<size_t>(k + 1) < ncp ? cps[k + 1] : buf.size();
      t.pre[k] = hash(std::string_view(buf).substr(0, len));
    }
    size_t e = buf.size();
    for (int k = 0; k < 6; ++k) {
      while (e > 0 && (static_cast<unsigned char>(buf[e - 1]) & 0xC0) == 0x80) --e;
      if (e > 0) --e;
      t.suf[k] = hash(std::string_view(buf).substr(e));
    }
    t.ntri = 0;
    if (buf.size() >= 2) {  // byte trigrams over ^word$, enough for hashing
      const size_t len = buf.size() + 2;
      for (size_t p = 0; p + 3 <= len && t.ntri < 8; ++p) {
        char g[3];
        for (int q = 0; q < 3; ++q) {
          const size_t at = p + q;
          g[q] = at == 0 ? '^' : at == len - 1 ? '$' : buf[at - 1];
        }
        t.tri[t.ntri++] = hash(std::string_view(g, 3));
      }
    }
    t.cls = clusters ? clusters->get(t.lw) : 0;
    t.lex = lex ? lex->get(t.lw) : 0;
    t.quote = 0;
    uint8_t f = 0;
    bool has_letter = false, has_lower = false;
    for (size_t b = 0; b < w.size();) {
      const bool first = b == 0;
      const auto c = static_cast<unsigned char>(w[b]);
      bool up = false, low = false;
      if (c < 0x80) {
        up = c >= 'A' && c <= 'Z';
        low = c >= 'a' && c <= 'z';
        ++b;
      } else {
        const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(utf8::next(w, b)));
        up = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
        low = cat == UTF8PROC_CATEGORY_LL;
        has_letter |= cat == UTF8PROC_CATEGORY_LM || cat == UTF8PROC_CATEGORY_LO;
      }
      has_letter |= up || low;
      has_lower |= low;
      if (first && up) f |= kf_cap;
    }
    if (has_letter && !has_lower) f |= kf_allcaps;
    const auto c0 = static_cast<unsigned char>(w.empty() ? 0 : w[0]);
    if ((f & kf_cap) || (c0 >= '0' && c0 <= '9')) f |= kf_can_start;
    t.flags = f;
  }
  // Sentence flags.
  for (const Sentence& s : doc.sentences) {
    if (s.first >= n) continue;
    info[s.first].flags |= kf_sent_start;
    int words = 0, upper = 0;
    for (uint32_t i = s.first; i < s.last && i < n; ++i) {
      const auto c = static_cast<unsigned char>(doc.tokens[i].empty() ? 0 : doc.tokens[i][0]);
      if (c >= 0x80 || ((c | 32) >= 'a' && (c | 32) <= 'z')) {
        ++words;
        if (info[i].flags & kf_allcaps) ++upper;
      }
    }
    if (words >= 3 && upper * 10 >= words * 8) {
      for (uint32_t i = s.first; i < s.last && i < n; ++i) info[i].flags |= kf_caps_sentence;
    }
  }
  // Quotation marks: symmetric marks toggle, typographic ones open/close.
  for (const Sentence& s : doc.sentences) {
    bool in = false, just_opened = false;
    for (uint32_t i = s.first; i < s.last && i < n; ++i) {
      const std::string_view w = doc.tokens[i];
      const bool sym = w == "\"" || w == "''" || w == "'";
      const bool open = w == "``" || w == "\u00ab" || w == "\u201c" || w == "\u201e";
      const bool close = w == "\u00bb" || w == "\u201d";
      info[i].quote = 0;
      if (sym || open || close) {
        in = sym ? !in : open;
        just_opened = in;
        continue;
      }
      info[i].quote = static_cast<uint8_t>((in ? 1 : 0) | (just_opened ? 2 : 0));
      just_opened = false;
    }
  }
  // Document casing: how the same lowercase word is written mid-sentence elsewhere.
  // Per-thread buffers: tagging runs once per article on every worker thread.
  thread_local std::vector<std::pair<uint64_t, uint8_t>> seen;
  seen.clear();
  for (size_t i = 0; i < n; ++i) {
    const uint8_t f = info[i].flags;
    if (f & (kf_sent_start | kf_caps_sentence)) continue;
    const auto c = static_cast<unsigned char>(doc.tokens[i].empty() ? 0 : doc.tokens[i][0]);
    if (!(c >= 0x80 || ((c | 32) >= 'a' && (c | 32) <= 'z'))) continue;
    seen.emplace_back(info[i].lw, (f & kf_cap) ? kf_doc_cap : kf_doc_lower);
  }
  std::sort(seen.begin(), seen.end());
  // At most two entries per word (capitalised, lower case): a word repeated k times would
  // otherwise cost k for each of its k occurrences.
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  for (size_t i = 0; i < n; ++i) {
    auto it = std::lower_bound(seen.begin(), seen.end(), std::make_pair(info[i].lw, uint8_t{0}));
    for (; it != seen.end() && it->first == info[i].lw; ++it) info[i].flags |= it->second;
  }
  if (gaz && !gaz->empty()) {
    thread_local std::vector<uint64_t> lw;
    thread_local std::vector<uint8_t> start;
    lw.resize(n);
    start.resize(n);
    for (size_t i = 0; i < n; ++i) {
      lw[i] = info[i].lw;
      start[i] = (info[i].flags & kf_can_start) ? 1 : 0;
    }
    thread_local std::vector<uint32_t> bits;
    gaz->match(lw, start, bits);
    for (size_t i = 0; i < n; ++i) info[i].gaz = bits[i];
  } else {
    for (auto& t : info) t.gaz = 0;
  }
}

namespace {

// Second-pass document features for token i from pass-1 labels of the same word elsewhere.
struct Hist {
  uint8_t has = 0;   // bit per type seen elsewhere
  uint8_t maj = 0;   // majority type + 1, 0 none
  bool o = false;    // seen as O elsewhere
};

void doc_history(std::span<const TokInfo> info, std::span<const uint8_t> pass1, std::vector<Hist>& out) {
  const size_t n = info.size();
  out.assign(n, Hist{});
  thread_local std::vector<std::pair<uint64_t, uint32_t>> idx;
  idx.clear();
  for (size_t i = 0; i < n; ++i) {
    if (info[i].flags & (kf_cap | kf_allcaps)) idx.emplace_back(info[i].lw, static_cast<uint32_t>(i));
  }
  std::sort(idx.begin(), idx.end());
  for (size_t a = 0; a < idx.size();) {
    size_t b = a;
    int cnt[kTypes + 1] = {0, 0, 0, 0, 0};
    while (b < idx.size() && idx[b].first == idx[a].first) {
      const int t = label_type(pass1[idx[b].second]);
      ++cnt[t + 1];
      ++b;
    }
    if (b - a > 1) {
      for (size_t k = a; k < b; ++k) {
        int c[kTypes + 1];
        std::copy(cnt, cnt + kTypes + 1, c);
        --c[label_type(pass1[idx[k].second]) + 1];  // others only
        Hist& h = out[idx[k].second];
        int best = 0;
        for (int t = 0; t < kTypes; ++t) {
          if (c[t + 1] > 0) h.has |= static_cast<uint8_t>(1u << t);
          if (c[t + 1] > best) best = c[t + 1], h.maj = static_cast<uint8_t>(t + 1);
        }
        h.o = c[0] > 0;
      }
    }
    a = b;
  }
}

void add_history(const Hist& h, std::span<const TokInfo> info, std::span<const uint8_t> pass1, size_t i,
                 uint32_t groups, uint32_t mask, uint32_t* f, int& k) {
  auto add = [&](uint64_t tmpl, uint64_t v) {
    if (k < kMaxFeats) f[k++] = fid(tmpl, v, mask);
  };
  const TokInfo& t = info[i];
  const uint8_t self = pass1[i];
  // Pass-1 labels to the right, which the left-to-right pass 1 could not see (same sentence only).
  const bool has1 = i + 1 < info.size() && !(info[i + 1].flags & kf_sent_start);
  const bool has2 = has1 && i + 2 < info.size() && !(info[i + 2].flags & kf_sent_start);
  const uint64_t n1 = has1 ? pass1[i + 1] : 15, n2 = has2 ? pass1[i + 2] : 15;
  const uint64_t b1 = (i > 0 && !(t.flags & kf_sent_start)) ? pass1[i - 1] : 15;
  if (groups & fg_hist_next) {
    add(T_HIST_NEXT, n1);
    add(T_HIST_NEXT2, n1 * 16 + n2);
    add(T_HIST_AROUND, b1 * 16 + n1);
  }
  for (int ty = 0; ty < kTypes; ++ty) {
    if (h.has & (1u << ty)) add(T_HIST_HAS, static_cast<uint64_t>(ty));
  }
  add(T_HIST_MAJ, h.maj);
  add(T_HIST_MAJ_SS, mix(h.maj, t.sshape));
  add(T_HIST_O, h.o ? 1 : 0);
  add(T_HIST_SELF, self);
}

}  // namespace

void token_features(const NerDoc& doc, std::span<const TokInfo> info, uint32_t groups, std::span<const uint8_t> pass1,
                    uint32_t mask, std::vector<uint32_t>& feats) {
  const size_t n = info.size();
  feats.assign(n * kMaxFeats, kNone);
  thread_local std::vector<Hist> hist;
  const bool second = !pass1.empty();
  if (second) doc_history(info, pass1, hist);
  // Context aggregation (Ratinov & Roth): occurrences of each capitalised word, by lowercase hash.
  thread_local std::vector<std::pair<uint64_t, uint32_t>> occ;
  occ.clear();
  if (groups & fg_ctx_agg) {
    for (size_t i = 0; i < n; ++i) {
      if (info[i].flags & kf_cap) occ.emplace_back(info[i].lw, static_cast<uint32_t>(i));
    }
    std::sort(occ.begin(), occ.end());
  }
  for (const Sentence& s : doc.sentences) {
    uint32_t run_first = 0, run_last = 0;  // capitalised run [run_first, run_last] around i
    for (uint32_t i = s.first; i < s.last && i < n; ++i) {
      uint32_t* f = &feats[static_cast<size_t>(i) * kMaxFeats];
      int k = 0;
      auto add = [&](uint64_t tmpl, uint64_t v) {
        if (k < kMaxFeats) f[k++] = fid(tmpl, v, mask);
      };
      const TokInfo& t = info[i];
      const TokInfo* m1 = i > s.first ? &info[i - 1] : nullptr;
      const TokInfo* m2 = i > s.first + 1 ? &info[i - 2] : nullptr;
      const TokInfo* p1 = i + 1 < s.last ? &info[i + 1] : nullptr;
      const TokInfo* p2 = i + 2 < s.last ? &info[i + 2] : nullptr;
      const uint64_t lwm1 = m1 ? m1->lw : kBos, lwp1 = p1 ? p1->lw : kEos;
      const uint64_t ssm1 = m1 ? m1->sshape : kBos, ssp1 = p1 ? p1->sshape : kEos;
      add(T_BIAS, 0);
      add(T_W, t.w);
      add(T_LW, t.lw);
      add(T_SS, t.sshape);
      add(T_LS, t.lshape);
      if (groups & fg_affix) {
        for (int a = 0; a < 3; ++a) add(T_PRE + a, t.pre[a]);
        for (int a = 0; a < 4; ++a) add(T_SUF + a, t.suf[a]);
        add(T_SUF3m1, m1 ? m1->suf[2] : kBos);
        add(T_SUF3p1, p1 ? p1->suf[2] : kEos);
      }
      add(T_LWm1, lwm1);
      add(T_LWp1, lwp1);
      add(T_Wm1, m1 ? m1->w : kBos);
      add(T_Wp1, p1 ? p1->w : kEos);
      if (groups & fg_chars) {
        add(T_SUF56, t.suf[4]);
        add(T_SUF56 + 100, t.suf[5]);
        for (int q = 0; q < t.ntri; ++q) add(T_TRI, t.tri[q]);
        add(T_BIm2, mix(m2 ? m2->lw : kBos, lwm1));
        add(T_BIp2, mix(lwp1, p2 ? p2->lw : kEos));
      }
      if (groups & fg_trigger) {
        add(T_TRIGm1, mix(lwm1, t.sshape));
        add(T_TRIGp1, mix(t.sshape, lwp1));
        add(T_TRIGm2, mix(m2 ? m2->lw : kBos, t.sshape));
      }
      if (groups & fg_context2) {
        add(T_LWm2, m2 ? m2->lw : kBos);
        add(T_LWp2, p2 ? p2->lw : kEos);
      }
      add(T_BIm1, mix(lwm1, t.lw));
      add(T_BIp1, mix(t.lw, lwp1));
      if (groups & fg_shape_ctx) {
        add(T_SSm1, ssm1);
        add(T_SSp1, ssp1);
        add(T_SS3, mix(mix(ssm1, t.sshape), ssp1));
        add(T_SSm1_0, mix(ssm1, t.sshape));
        add(T_SS0_p1, mix(t.sshape, ssp1));
      }
      if (t.flags & kf_sent_start) add(T_START_LW, t.lw);
      if (t.flags & kf_caps_sentence) {
        add(T_CAPS_LW, t.lw);
        add(T_CAPS_SS, t.sshape);
      }
      if (groups & fg_gazetteer) {
        for (int b = 0; b < 16; ++b) {
          if (t.gaz & (1u << b)) add(T_GAZ, static_cast<uint64_t>(b));
        }
        add(T_GAZm1, m1 ? m1->gaz : 0xFFFF);
        add(T_GAZp1, p1 ? p1->gaz : 0xFFFF);
        if (t.gaz) add(T_GAZ_SS, mix(t.gaz, t.sshape));
      }
      if ((groups & fg_clusters) && t.cls) {
        add(T_CLS, t.cls);
        add(T_CLSm1, m1 ? m1->cls : kBos);
        add(T_CLSp1, p1 ? p1->cls : kEos);
        add(T_CLS_SS, mix(t.cls, t.sshape));
      }
      if (groups & fg_lexicon) {
        // Dictionary class x how the token is written: a capitalised word the dictionary only has
        // lowercase is a sentence start or a name; one it lacks altogether is likely a name.
        const uint64_t cased = t.flags & (kf_cap | kf_allcaps | kf_sent_start);
        add(T_LEX, mix(t.lex, cased));
        add(T_LEX_SS, mix(t.lex, t.sshape));
        add(T_LEXm1, mix(m1 ? m1->lex | (m1->flags & kf_cap) << 2 : 8, t.lex));
        add(T_LEXp1, mix(p1 ? p1->lex | (p1->flags & kf_cap) << 2 : 8, t.lex));
      }
      if (groups & fg_quotes) {
        add(T_QUOTE, t.quote);
        add(T_QUOTE_SS, mix(t.quote, t.sshape));
      }
      if (groups & fg_sent_len) {
        const uint32_t len = s.last - s.first, pos = i - s.first;
        const uint64_t lb = len <= 4 ? len : len <= 8 ? 5 : 6;
        add(T_SLEN_SS, mix(lb, t.sshape));
        add(T_SPOS_SS, mix(mix(lb, std::min<uint32_t>(pos, 3)), t.sshape));
      }
      if ((groups & (fg_run | fg_bow)) && (t.flags & kf_can_start)) {
        if (groups & fg_run) {
          // A run: name-like tokens, joined by one short lowercase connector ("de", "von der").
          if (i > run_last || i == s.first) {
            run_first = run_last = i;
            for (uint32_t j = i + 1; j < s.last && j < n; ++j) {
              if (info[j].flags & kf_can_start) {
                run_last = j;
              } else if (j + 1 < s.last && j + 1 < n && doc.tokens[j].size() <= 3 && !(info[j].flags & kf_cap) &&
                         (info[j + 1].flags & kf_can_start)) {
                continue;  // connector, kept only if a name-like token follows
              } else if (j + 2 < s.last && j + 2 < n && doc.tokens[j].size() <= 3 && doc.tokens[j + 1].size() <= 3 &&
                         !(info[j].flags & kf_cap) && !(info[j + 1].flags & kf_cap) &&
                         (info[j + 2].flags & kf_can_start)) {
                ++j;  // two-word connector ("de la", "von der")
              } else {
                break;
              }
            }
          }
          const uint32_t len = run_last - run_first + 1;
          add(T_RUN_LEN, mix(std::min<uint32_t>(len, 5), std::min<uint32_t>(i - run_first, 3)));
          if (run_last != i) add(T_RUN_LAST, info[run_last].lw);
          if (run_first != i) add(T_RUN_FIRST, info[run_first].lw);
        }
        if (groups & fg_bow) {
          // Lowercase words 3..6 away: what the sentence is about ("gol", "liga" -> a club).
          for (int d = 3; d <= 6; ++d) {
            if (i >= s.first + d && !(info[i - d].flags & kf_can_start)) add(T_BOW, info[i - d].lw);
            if (i + d < s.last && !(info[i + d].flags & kf_can_start)) add(T_BOW, info[i + d].lw);
          }
        }
      }
      if ((groups & fg_ctx_agg) && (t.flags & kf_cap)) {
        // Up to 4 other occurrences: the words around them ("el Brasil" there, "Brasil" here).
        auto it = std::lower_bound(occ.begin(), occ.end(), std::make_pair(t.lw, uint32_t{0}));
        int used = 0;
        for (; it != occ.end() && it->first == t.lw && used < 4; ++it) {
          const uint32_t j = it->second;
          if (j == i) continue;
          ++used;
          add(T_AGGm1, (j > 0 && !(info[j].flags & kf_sent_start)) ? info[j - 1].lw : kBos);
          add(T_AGGp1, (j + 1 < n && !(info[j + 1].flags & kf_sent_start)) ? info[j + 1].lw : kEos);
        }
      }
      if (groups & fg_doc_case) {
        const uint64_t dc = (t.flags & (kf_doc_cap | kf_doc_lower | kf_sent_start | kf_caps_sentence | kf_cap));
        add(T_DOCCASE, dc);
        add(T_DOCCASE_SS, mix(dc, t.sshape));
      }
      if (second) add_history(hist[i], info, pass1, i, groups, mask, f, k);
    }
  }
}

void history_features(std::span<const TokInfo> info, std::span<const uint8_t> pass1, uint32_t groups, uint32_t mask,
                      std::vector<uint32_t>& feats) {
  thread_local std::vector<Hist> hist;
  doc_history(info, pass1, hist);
  for (size_t i = 0; i < info.size(); ++i) {
    uint32_t* f = &feats[i * kMaxFeats];
    int k = 0;
    while (k < kMaxFeats && f[k] != kNone) ++k;
    add_history(hist[i], info, pass1, i, groups, mask, f, k);
  }
}

void tag_features(const TokInfo& t, int p1, int p2, uint32_t mask, uint32_t out[kTagFeats]) {
  out[0] = fid(T_P1, static_cast<uint64_t>(p1), mask);
  out[1] = fid(T_P2P1, static_cast<uint64_t>(p2 * 16 + p1), mask);
  out[2] = fid(T_P1_LW, mix(static_cast<uint64_t>(p1), t.lw), mask);
  out[3] = fid(T_P1_SS, mix(static_cast<uint64_t>(p1), t.sshape), mask);
}

void decode(const NerDoc& doc, std::span<const TokInfo> info, std::span<const uint32_t> feats, const Weights& w,
            uint32_t label_mask, std::vector<uint8_t>& labels) {
  const size_t n = info.size();
  labels.assign(n, 0);
  const uint32_t mask = (1u << w.bits) - 1;
  const int16_t* W = w.w.data();
  for (const Sentence& s : doc.sentences) {
    int p1 = kLabels, p2 = kLabels;  // sentence start
    for (uint32_t i = s.first; i < s.last && i < n; ++i) {
      const uint32_t* f = &feats[static_cast<size_t>(i) * kMaxFeats];
      if (i + 2 < n) {  // rows are scattered over megabytes: fetch the next tokens' rows early
        const uint32_t* nf = f + 2 * kMaxFeats;
        for (int k = 0; k < kMaxFeats && nf[k] != kNone; ++k) {
          __builtin_prefetch(W + static_cast<size_t>(nf[k]) * kLabels);
          __builtin_prefetch(W + static_cast<size_t>(nf[k]) * kLabels + kLabels - 1);
        }
      }
      // Labels 0..7 as one 8-lane vector, label 8 apart (rows are 9 wide).
      v8i32 acc = {0, 0, 0, 0, 0, 0, 0, 0};
      int32_t acc8 = 0;
      auto add_row = [&](uint32_t id) {
        const int16_t* row = W + static_cast<size_t>(id) * kLabels;
        v8i16 r;
        std::memcpy(&r, row, sizeof r);
        acc += __builtin_convertvector(r, v8i32);
        acc8 += row[8];
      };
      for (int k = 0; k < kMaxFeats && f[k] != kNone; ++k) add_row(f[k]);
      uint32_t tf[kTagFeats];
      tag_features(info[i], p1, p2, mask, tf);
      for (uint32_t id : tf) add_row(id);
      int32_t sc[kLabels];
      for (int l = 0; l < 8; ++l) sc[l] = acc[l];
      sc[8] = acc8;
      const int prev = p1 == kLabels ? 0 : p1;
      int best = 0;
      for (int l = 1; l < kLabels; ++l) {
        if (sc[l] > sc[best] && (label_mask >> l & 1) && allowed(prev, l)) best = l;
      }
      labels[i] = static_cast<uint8_t>(best);
      p2 = p1;
      p1 = best;
    }
  }
}

void NerModel::tag(const NerDoc& doc, std::vector<uint8_t>& labels, NerScratch& sc) const {
  token_info(doc, (groups_ & fg_gazetteer) ? &gaz_ : nullptr, (groups_ & fg_clusters) ? &clusters_ : nullptr,
             (groups_ & fg_lexicon) ? &lex_ : nullptr, sc.info, sc.buf);
  token_features(doc, sc.info, groups_, {}, (1u << pass1_.bits) - 1, sc.feats);
  decode(doc, sc.info, sc.feats, pass1_, label_mask_, labels);
  if ((groups_ & fg_two_pass) && !pass2_.w.empty()) {
    sc.first = labels;
    if (pass2_.bits == pass1_.bits) {
      history_features(sc.info, sc.first, groups_, (1u << pass2_.bits) - 1, sc.feats);  // base features are shared
    } else {
      token_features(doc, sc.info, groups_, sc.first, (1u << pass2_.bits) - 1, sc.feats);
    }
    decode(doc, sc.info, sc.feats, pass2_, label_mask_, labels);
  }
}

namespace {

// Weights are mostly zero (a feature only moves the labels it was confused with): stored as
// runs of (zeros, literals) so a 19 MB table takes 1-4 MB on disk.
void write_weights(std::FILE* f, const Weights& w) {
  const uint64_t n = w.w.size();
  std::fwrite(&w.bits, sizeof w.bits, 1, f);
  std::fwrite(&w.scale, sizeof w.scale, 1, f);
  std::fwrite(&n, sizeof n, 1, f);
  size_t i = 0;
  while (i < n) {
    uint32_t zeros = 0, lits = 0;
    while (i + zeros < n && w.w[i + zeros] == 0) ++zeros;
    while (i + zeros + lits < n && w.w[i + zeros + lits] != 0) ++lits;
    std::fwrite(&zeros, sizeof zeros, 1, f);
    std::fwrite(&lits, sizeof lits, 1, f);
    if (lits) std::fwrite(&w.w[i + zeros], sizeof(int16_t), lits, f);
    i += zeros + lits;
  }
}

bool read_weights(std::FILE* f, Weights& w) {
  uint64_t n = 0;
  if (std::fread(&w.bits, sizeof w.bits, 1, f) != 1 || std::fread(&w.scale, sizeof w.scale, 1, f) != 1 ||
      std::fread(&n, sizeof n, 1, f) != 1)
    return false;
  if (w.bits > 26 || (n != 0 && n != (static_cast<uint64_t>(1) << w.bits) * kLabels)) return false;
  w.w.assign(n, 0);
  size_t i = 0;
  while (i < n) {
    uint32_t zeros = 0, lits = 0;
    if (std::fread(&zeros, sizeof zeros, 1, f) != 1 || std::fread(&lits, sizeof lits, 1, f) != 1) return false;
    if (zeros + static_cast<uint64_t>(lits) > n - i || zeros + lits == 0) return false;
    i += zeros;
    if (lits && std::fread(&w.w[i], sizeof(int16_t), lits, f) != lits) return false;
    i += lits;
  }
  return true;
}

}  // namespace

std::unique_ptr<NerModel> NerModel::load(const std::string& path, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = "cannot open NER model " + path;
    return nullptr;
  }
  auto m = std::make_unique<NerModel>();
  char magic[8];
  char lang[8] = {};
  bool ok = std::fread(magic, 1, 8, f) == 8;
  const bool v3 = ok && std::memcmp(magic, kMagic3, 8) == 0;
  ok = ok && (v3 || std::memcmp(magic, kMagic, 8) == 0) && std::fread(lang, 1, 8, f) == 8 &&
       std::fread(&m->groups_, sizeof m->groups_, 1, f) == 1 &&
       std::fread(&m->label_mask_, sizeof m->label_mask_, 1, f) == 1 && m->gaz_.read(f) && m->clusters_.read(f) &&
       (v3 || m->lex_.read(f)) && read_weights(f, m->pass1_) && read_weights(f, m->pass2_) && !m->pass1_.w.empty();
  if (v3) m->groups_ &= ~static_cast<uint32_t>(fg_lexicon);
  std::fclose(f);
  if (!ok) {
    error = "not a valid NER model file: " + path;
    return nullptr;
  }
  lang[7] = 0;
  m->lang_ = lang;
  return m;
}

bool NerModel::save(const std::string& path, std::string& error) const {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    error = "cannot write " + path;
    return false;
  }
  char lang[8] = {};
  std::memcpy(lang, lang_.data(), std::min<size_t>(lang_.size(), 7));
  std::fwrite(kMagic, 1, 8, f);
  std::fwrite(lang, 1, 8, f);
  std::fwrite(&groups_, sizeof groups_, 1, f);
  std::fwrite(&label_mask_, sizeof label_mask_, 1, f);
  gaz_.write(f);
  clusters_.write(f);
  lex_.write(f);
  write_weights(f, pass1_);
  write_weights(f, pass2_);
  const bool ok = std::ferror(f) == 0;
  if (std::fclose(f) != 0 || !ok) {
    error = "write failed: " + path;
    return false;
  }
  return true;
}

}  // namespace newsflow::entities
