#include "stages/entities/gazetteer.h"

#include <algorithm>

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

void Gazetteer::write(std::FILE* f) const { write_map(f, map_); }
bool Gazetteer::read(std::FILE* f) { return read_map(f, map_); }
void ClusterMap::write(std::FILE* f) const { write_map(f, map_); }
bool ClusterMap::read(std::FILE* f) { return read_map(f, map_); }

}  // namespace newsflow::entities
