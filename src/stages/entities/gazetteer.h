// Phrase gazetteer over lowercased token hashes (no strings kept: compact and fast), and a word
// cluster map. Both are stored inside the NER model file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
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

// Word list from a Debian dictionary package (wngerman, wspanish): for a lowercased word, whether
// the dictionary has it lowercase, capitalised, or both. Tells German capitalised common nouns and
// Spanish sentence-initial common words from names the dictionary lacks. Stored as 30-bit
// fingerprints (4 bytes a word; a false hit is ~3e-4 per lookup with 356k words).
class Lexicon {
 public:
  enum : uint8_t { kLower = 1, kCapital = 2 };
  void add(uint64_t lower_hash, uint8_t cls);
  void build();  // call after the last add(): merges entries and makes the lookup table
  // Class bits for a lowercased word hash, 0 when the dictionary lacks it.
  uint8_t get(uint64_t lower_hash) const {
    if (table_.empty()) return 0;
    const uint32_t fp = fingerprint(lower_hash);
    for (size_t i = slot(fp);; i = (i + 1) & (table_.size() - 1)) {
      const uint32_t e = table_[i];
      if (e == 0) return 0;
      if ((e >> 2) == fp) return static_cast<uint8_t>(e & 3);
    }
  }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void write(std::FILE* f) const;
  bool read(std::FILE* f);

 private:
  static uint32_t fingerprint(uint64_t h) { return static_cast<uint32_t>(h >> 34); }
  size_t slot(uint32_t fp) const { return (fp * 0x9E3779B1u) & (table_.size() - 1); }
  std::vector<uint32_t> entries_;  // sorted, fingerprint << 2 | class; what the file stores
  std::vector<uint32_t> table_;    // same entries, hashed by fingerprint; 0 = empty slot
};

// Reads a word-per-line dictionary (e.g. /usr/share/dict/ngerman) into `lex`. Returns words read,
// or -1 when the file cannot be opened.
long read_word_list(const std::string& path, Lexicon& lex);

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
