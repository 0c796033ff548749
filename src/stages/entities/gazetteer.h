// Phrase gazetteer over lowercased token hashes (no strings kept: compact and fast), and a word
// cluster map. Both are stored inside the NER model file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <unordered_map>
#include <vector>

namespace newsflow::entities {

class Gazetteer {
 public:
  static constexpr int kSources = 2;  // 0 = entities seen in training data, 1 = external lists
  static constexpr uint32_t kPrefix = 1u << 31;

  // Adds a phrase (lowercased token hashes) of entity type `type` from `source`.
  void add(std::span<const uint64_t> phrase, int source, int type);
  // For each token, bits 2*(source*4+type) (+0 begin, +1 inside) of every longest match starting
  // at a token that may start a name (`can_start`).
  void match(std::span<const uint64_t> lower, std::span<const uint8_t> can_start, std::vector<uint32_t>& bits) const;
  size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }

  void write(std::FILE* f) const;
  bool read(std::FILE* f);

 private:
  std::unordered_map<uint64_t, uint32_t> map_;  // phrase-prefix hash -> kPrefix | (source,type) mask
};

class ClusterMap {
 public:
  void set(uint64_t word, uint32_t cluster) { map_[word] = cluster; }
  // Cluster id + 1, or 0 when unknown.
  uint32_t get(uint64_t word) const {
    auto it = map_.find(word);
    return it == map_.end() ? 0 : it->second + 1;
  }
  size_t size() const { return map_.size(); }
  void write(std::FILE* f) const;
  bool read(std::FILE* f);

 private:
  std::unordered_map<uint64_t, uint32_t> map_;
};

}  // namespace newsflow::entities
