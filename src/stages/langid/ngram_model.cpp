#include "stages/langid/ngram_model.h"

#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "core/utf8.h"

namespace newsflow::langid {

namespace {
constexpr char kMagic[8] = {'N', 'F', 'L', 'I', 'D', 'N', 'G', '1'};

// Fibonacci hashing: the top bits of the product mix all bits of the key.
size_t slot_of(uint32_t h, int shift) { return static_cast<size_t>((h * 0x9E3779B97F4A7C15ull) >> shift); }

bool is_word_char(char32_t c) {
  const utf8proc_category_t cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME);  // letters and marks
}

uint32_t fnv1a(const char32_t* cps, int n) {
  uint32_t h = 2166136261u;
  for (int i = 0; i < n; ++i) {
    uint32_t c = static_cast<uint32_t>(cps[i]);
    for (int b = 0; b < 4; ++b) {
      h ^= (c & 0xFF);
      h *= 16777619u;
      c >>= 8;
    }
  }
  return h;
}

// Emits the n-grams of one padded word (cps[0] and cps[len-1] are spaces).
void word_ngrams(const char32_t* cps, size_t len, std::vector<uint32_t>& out) {
  // The whole padded word as one more feature: the cheapest evidence between close languages
  // (ms "kerana" vs id "karena"). Words of up to 3 letters are already a 4-gram or less.
  if (len > NgramModel::kMaxN + 1) out.push_back(fnv1a(cps, static_cast<int>(len)) ^ 0x9E3779B9u);
  for (size_t i = 0; i < len; ++i) {
    for (int n = 1; n <= NgramModel::kMaxN && i + n <= len; ++n) {
      if (n == 1 && cps[i] == U' ') continue;
      out.push_back(fnv1a(cps + i, n));
    }
  }
}
}  // namespace

void ngram_hashes(std::string_view text, std::vector<uint32_t>& out) {
  constexpr size_t kMaxWord = 64;  // longer "words" are cut: they are rarely language evidence
  char32_t word[kMaxWord + 2];
  size_t len = 0;
  auto flush = [&] {
    if (len == 0) return;
    word[0] = U' ';
    word[len + 1] = U' ';
    word_ngrams(word, len + 2, out);
    len = 0;
  };
  for (size_t i = 0; i < text.size();) {
    const char32_t c = utf8::next(text, i);
    if (is_word_char(c)) {
      if (len < kMaxWord) word[++len] = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
    } else {
      flush();
    }
  }
  flush();
}

bool NgramModel::knows(std::string_view lang) const {
  return std::find(langs_.begin(), langs_.end(), lang) != langs_.end();
}

std::vector<NgramScore> NgramModel::score(std::string_view text, const std::vector<std::string_view>& candidates,
                                          size_t* n_grams) const {
  std::vector<int> idx;
  for (auto c : candidates) {
    for (size_t i = 0; i < langs_.size(); ++i) {
      if (langs_[i] == c && std::find(idx.begin(), idx.end(), static_cast<int>(i)) == idx.end()) idx.push_back(static_cast<int>(i));
    }
  }
  thread_local std::vector<uint32_t> hashes;
  hashes.clear();
  ngram_hashes(text, hashes);
  if (n_grams) *n_grams = hashes.size();
  std::vector<uint64_t> cost(idx.size(), 0);
  for (uint32_t h : hashes) {
    const auto [first, last] = find(h);
    for (size_t k = 0; k < idx.size(); ++k) {
      uint8_t c = unseen_cost_[idx[k]];
      for (uint32_t j = first; j < last; ++j) {
        if (entries_[j].lang == idx[k]) {
          c = entries_[j].cost;
          break;
        }
      }
      cost[k] += c;
    }
  }
  std::vector<NgramScore> out;
  for (size_t k = 0; k < idx.size(); ++k) out.push_back({langs_[idx[k]], -static_cast<double>(cost[k]) / kScale});
  std::sort(out.begin(), out.end(), [](const NgramScore& a, const NgramScore& b) { return a.log_prob > b.log_prob; });
  return out;
}

std::vector<NgramScore> NgramModel::score_all(std::string_view text, size_t* n_grams) const {
  thread_local std::vector<uint32_t> hashes;
  hashes.clear();
  ngram_hashes(text, hashes);
  if (n_grams) *n_grams = hashes.size();
  // Every language starts at "all n-grams unseen" and gains for each n-gram it has seen.
  thread_local std::vector<int64_t> cost;
  cost.assign(langs_.size(), 0);
  for (size_t i = 0; i < langs_.size(); ++i) cost[i] = static_cast<int64_t>(unseen_cost_[i]) * static_cast<int64_t>(hashes.size());
  for (uint32_t h : hashes) {
    const auto [first, last] = find(h);
    for (uint32_t j = first; j < last; ++j) cost[entries_[j].lang] += int64_t{entries_[j].cost} - unseen_cost_[entries_[j].lang];
  }
  std::vector<NgramScore> out;
  out.reserve(langs_.size());
  for (size_t i = 0; i < langs_.size(); ++i) out.push_back({langs_[i], -static_cast<double>(cost[i]) / kScale});
  std::sort(out.begin(), out.end(), [](const NgramScore& a, const NgramScore& b) { return a.log_prob > b.log_prob; });
  return out;
}

void NgramModel::build_index() {
  size_t unique = 0;
  for (size_t i = 0; i < entries_.size(); ++i) unique += (i == 0 || entries_[i].hash != entries_[i - 1].hash);
  size_t size = 16;
  shift_ = 60;
  while (size < unique * 2) size <<= 1, --shift_;
  slots_.assign(size, 0);
  const size_t mask = size - 1;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (i > 0 && entries_[i].hash == entries_[i - 1].hash) continue;
    size_t s = slot_of(entries_[i].hash, shift_);
    while (slots_[s] != 0) s = (s + 1) & mask;
    slots_[s] = static_cast<uint32_t>(i + 1);
  }
}

std::pair<uint32_t, uint32_t> NgramModel::find(uint32_t h) const {
  if (slots_.empty()) return {0, 0};
  const size_t mask = slots_.size() - 1;
  for (size_t s = slot_of(h, shift_); slots_[s] != 0; s = (s + 1) & mask) {
    const uint32_t first = slots_[s] - 1;
    if (entries_[first].hash != h) continue;
    uint32_t last = first;
    while (last < entries_.size() && entries_[last].hash == h) ++last;
    return {first, last};
  }
  return {0, 0};
}

NgramModel NgramModel::train(const std::string& dir, const std::vector<std::string>& langs, size_t top_k) {
  if (langs.empty() || langs.size() > 255) throw std::runtime_error("train: 1..255 languages");
  NgramModel m;
  m.langs_ = langs;
  std::vector<uint32_t> hashes;
  for (size_t li = 0; li < langs.size(); ++li) {
    std::ifstream in(dir + "/" + langs[li] + ".txt");
    if (!in) throw std::runtime_error("train: cannot read " + dir + "/" + langs[li] + ".txt");
    std::unordered_map<uint32_t, uint64_t> counts;
    uint64_t total = 0;
    std::string line;
    while (std::getline(in, line)) {
      if (!utf8::valid(line)) continue;
      hashes.clear();
      ngram_hashes(line, hashes);
      for (uint32_t h : hashes) ++counts[h];
      total += hashes.size();
    }
    std::vector<std::pair<uint64_t, uint32_t>> ranked;
    ranked.reserve(counts.size());
    for (const auto& [h, c] : counts) ranked.emplace_back(c, h);
    // Deterministic order: by count, then hash.
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    if (ranked.size() > top_k) ranked.resize(top_k);
    // Additive smoothing; n-grams outside the kept list share the mass of a count of 0.5.
    const double denom = static_cast<double>(total) + 1.0;
    auto quant = [](double logp) { return static_cast<uint8_t>(std::clamp(std::lround(-logp * kScale), 0L, 255L)); };
    for (const auto& [c, h] : ranked) m.entries_.push_back({h, static_cast<uint8_t>(li), quant(std::log(c / denom))});
    m.unseen_cost_.push_back(quant(std::log(0.5 / denom)));
  }
  // One cost for unseen n-grams across languages: per-corpus smoothing would make the smallest
  // training corpus the cheapest explanation of any out-of-domain text.
  const uint8_t unseen = *std::max_element(m.unseen_cost_.begin(), m.unseen_cost_.end());
  std::fill(m.unseen_cost_.begin(), m.unseen_cost_.end(), unseen);
  std::sort(m.entries_.begin(), m.entries_.end(), [](const Entry& a, const Entry& b) { return a.hash != b.hash ? a.hash < b.hash : a.lang < b.lang; });
  m.build_index();
  return m;
}

// File: magic, u32 n_langs, per language {u8 len, code bytes, u8 unseen_cost}, u32 n_entries,
// then entries as {u32 hash (little endian), u8 lang, u8 cost}.
void NgramModel::save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + path);
  auto u32 = [&](uint32_t v) {
    const char b[4] = {char(v & 0xFF), char((v >> 8) & 0xFF), char((v >> 16) & 0xFF), char(v >> 24)};
    out.write(b, 4);
  };
  out.write(kMagic, sizeof kMagic);
  u32(static_cast<uint32_t>(langs_.size()));
  for (size_t i = 0; i < langs_.size(); ++i) {
    out.put(static_cast<char>(langs_[i].size()));
    out.write(langs_[i].data(), static_cast<std::streamsize>(langs_[i].size()));
    out.put(static_cast<char>(unseen_cost_[i]));
  }
  u32(static_cast<uint32_t>(entries_.size()));
  for (const Entry& e : entries_) {
    u32(e.hash);
    out.put(static_cast<char>(e.lang));
    out.put(static_cast<char>(e.cost));
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}

NgramModel NgramModel::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read langid model " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  size_t pos = 0;
  auto need = [&](size_t n) {
    if (pos + n > data.size()) throw std::runtime_error("corrupt langid model " + path);
  };
  auto u8 = [&]() -> uint8_t { need(1); return static_cast<uint8_t>(data[pos++]); };
  auto u32 = [&]() -> uint32_t {
    need(4);
    uint32_t v = 0;
    for (int b = 0; b < 4; ++b) v |= static_cast<uint32_t>(static_cast<uint8_t>(data[pos + b])) << (8 * b);
    pos += 4;
    return v;
  };
  need(sizeof kMagic);
  if (std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) throw std::runtime_error("not a langid model: " + path);
  pos = sizeof kMagic;
  NgramModel m;
  const uint32_t n_langs = u32();
  if (n_langs == 0 || n_langs > 255) throw std::runtime_error("corrupt langid model " + path);
  for (uint32_t i = 0; i < n_langs; ++i) {
    const uint8_t len = u8();
    need(len);
    m.langs_.emplace_back(data.substr(pos, len));
    pos += len;
    m.unseen_cost_.push_back(u8());
  }
  const uint32_t n = u32();
  need(static_cast<size_t>(n) * 6);
  m.entries_.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t h = u32();
    const uint8_t lang = u8();
    const uint8_t cost = u8();
    if (lang >= n_langs) throw std::runtime_error("corrupt langid model " + path);
    m.entries_.push_back({h, lang, cost});
  }
  if (!std::is_sorted(m.entries_.begin(), m.entries_.end(), [](const Entry& a, const Entry& b) { return a.hash < b.hash; })) {
    throw std::runtime_error("corrupt langid model " + path);
  }
  m.build_index();
  return m;
}

}  // namespace newsflow::langid
