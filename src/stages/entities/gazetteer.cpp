#include "stages/entities/gazetteer.h"

#include <algorithm>
#include <fstream>

#include <utf8proc.h>

#include "core/utf8.h"

#include "stages/entities/fold.h"

namespace newsflow::entities {
namespace {

constexpr uint64_t kSeed = 0x6a09e667f3bcc909ull;

template <class K, class V>
void write_map(std::FILE* f, const std::unordered_map<K, V>& m) {
  std::vector<std::pair<K, V>> v(m.begin(), m.end());
  std::sort(v.begin(), v.end());  // deterministic file bytes
  const uint64_t n = v.size();
  std::fwrite(&n, sizeof n, 1, f);
  for (const auto& [k, val] : v) {
    std::fwrite(&k, sizeof k, 1, f);
    std::fwrite(&val, sizeof val, 1, f);
  }
}

template <class K, class V>
bool read_map(std::FILE* f, std::unordered_map<K, V>& m) {
  uint64_t n = 0;
  if (std::fread(&n, sizeof n, 1, f) != 1 || n > (1ull << 28)) return false;
  m.clear();
  m.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    K k;
    V val;
    if (std::fread(&k, sizeof k, 1, f) != 1 || std::fread(&val, sizeof val, 1, f) != 1) return false;
    m.emplace(k, val);
  }
  return true;
}

}  // namespace

void Gazetteer::add(std::span<const uint64_t> phrase, int source, int type) {
  if (phrase.empty() || phrase.size() > 8) return;
  uint64_t h = kSeed;
  for (size_t i = 0; i < phrase.size(); ++i) {
    h = mix(h, phrase[i]);
    auto& v = map_[h];
    if (i + 1 < phrase.size()) v |= kPrefix;
    else v |= 1u << (source * 4 + type);
  }
}

void Gazetteer::match(std::span<const uint64_t> lower, std::span<const uint8_t> can_start,
                      std::vector<uint32_t>& bits) const {
  const size_t n = lower.size();
  bits.assign(n, 0);
  if (map_.empty()) return;
  for (size_t i = 0; i < n; ++i) {
    if (!can_start[i]) continue;
    uint64_t h = kSeed;
    size_t best_end = 0;
    uint32_t best = 0;
    for (size_t j = i; j < n && j < i + 8; ++j) {
      h = mix(h, lower[j]);
      auto it = map_.find(h);
      if (it == map_.end()) break;
      if (it->second & ~kPrefix) {
        best_end = j + 1;
        best = it->second & ~kPrefix;
      }
      if (!(it->second & kPrefix)) break;
    }
    if (!best) continue;
    for (int st = 0; st < kSources * 4; ++st) {
      if (!(best & (1u << st))) continue;
      bits[i] |= 1u << (2 * st);
      for (size_t k = i + 1; k < best_end; ++k) bits[k] |= 1u << (2 * st + 1);
    }
  }
}

void Lexicon::add(uint64_t lower_hash, uint8_t cls) {
  entries_.push_back(fingerprint(lower_hash) << 2 | (cls & 3));
  table_.clear();  // rebuilt by build()
}

void Lexicon::build() {
  // Merge the classes of equal fingerprints, then hash them into a table at most half full.
  std::sort(entries_.begin(), entries_.end());
  size_t out = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (out > 0 && (entries_[out - 1] >> 2) == (entries_[i] >> 2)) entries_[out - 1] |= entries_[i] & 3;
    else entries_[out++] = entries_[i];
  }
  entries_.resize(out);
  size_t cap = 16;
  while (cap < 2 * entries_.size()) cap *= 2;
  table_.assign(entries_.empty() ? 0 : cap, 0);
  for (uint32_t e : entries_) {
    size_t i = slot(e >> 2);
    while (table_[i] != 0) i = (i + 1) & (cap - 1);
    table_[i] = e;
  }
}

void Lexicon::write(std::FILE* f) const {
  const uint64_t n = entries_.size();
  std::fwrite(&n, sizeof n, 1, f);
  if (n) std::fwrite(entries_.data(), sizeof(uint32_t), n, f);
}

bool Lexicon::read(std::FILE* f) {
  uint64_t n = 0;
  if (std::fread(&n, sizeof n, 1, f) != 1 || n > (1ull << 26)) return false;
  entries_.resize(n);
  if (n && std::fread(entries_.data(), sizeof(uint32_t), n, f) != n) return false;
  for (uint32_t e : entries_) {
    if ((e & 3) == 0) return false;  // every entry has a class; 0 marks empty table slots
  }
  build();
  return true;
}

long read_word_list(const std::string& path, Lexicon& lex) {
  std::ifstream in(path);
  if (!in) return -1;
  std::string line, low;
  long n = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    size_t i = 0;
    const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(utf8::next(line, i)));
    const bool cap = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
    lower(line, low);
    lex.add(hash(low), cap ? Lexicon::kCapital : Lexicon::kLower);
    ++n;
  }
  lex.build();
  return n;
}

void Gazetteer::write(std::FILE* f) const { write_map(f, map_); }
bool Gazetteer::read(std::FILE* f) { return read_map(f, map_); }
void ClusterMap::write(std::FILE* f) const { write_map(f, map_); }
bool ClusterMap::read(std::FILE* f) { return read_map(f, map_); }

}  // namespace newsflow::entities
