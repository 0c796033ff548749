// The bounded fingerprint index: exact keys (canonical URL, normalised text) and MinHash LSH
// bands over a FIFO ring of entries, plus the clusters those entries belong to.
// Not thread-safe: the dedup stage runs serially.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stages/dedup/fingerprint.h"
#include "stages/dedup/ref_table.h"
#include "stages/dedup/sketch.h"

namespace newsflow::dedup {

struct IndexConfig {
  SketchParams sketch;
  double threshold = 0.4;                     // minimum estimated Jaccard for a near duplicate (4 of 10 values)
  int64_t window_ms = 72LL * 3600 * 1000;     // entries older than watermark - window are evicted
  size_t max_entries = 1'000'000;             // at most RefTable::kMaxRef
  int max_candidates_per_band = 16;           // candidates checked per band
  int max_entries_per_band_key = 8;           // a band value shared by more articles is not indexed again
};

struct Match {
  enum class Kind : uint8_t { none, url, text, near };
  Kind kind = Kind::none;
  uint32_t cluster = 0;
  uint32_t entry = 0;       // ring slot of the matched (most similar) earlier article
  double similarity = 0.0;  // 1 for url/text matches
};

struct Cluster {
  std::string root_id;        // first-seen member's article id
  int64_t first_seen_ms = 0;
  uint32_t refs = 0;          // live entries in the index
};

struct MemoryUsage {
  size_t entries = 0;         // live entries
  size_t clusters = 0;        // live clusters
  size_t ring_bytes = 0;      // entry records + signatures (allocated capacity)
  size_t table_bytes = 0;     // URL, text and band hash tables
  size_t cluster_bytes = 0;   // cluster records, their id strings and the root-id table
  size_t index_bytes() const { return ring_bytes + table_bytes; }
};

class DedupIndex {
 public:
  explicit DedupIndex(IndexConfig cfg);

  // Moves the watermark to max(watermark, time_ms) and evicts entries that fell out of the window.
  void advance(int64_t time_ms);
  Match find(const Fingerprint& fp);
  // New cluster with no members yet; insert() a member right after.
  uint32_t add_cluster(std::string_view root_id, int64_t first_seen_ms);
  std::optional<uint32_t> find_cluster(std::string_view root_id) const;
  // Allocates for n entries now (avoids the regrowths of a large replay).
  void reserve(size_t n);
  // Adds an entry (evicting the oldest when full).
  void insert(const Fingerprint& fp, uint32_t cluster);

  const Cluster& cluster(uint32_t c) const { return clusters_[c]; }
  size_t size() const { return count_; }
  int64_t watermark_ms() const { return watermark_ms_; }
  // Oldest time still inside the window (saturating: times come from untrusted records).
  int64_t horizon_ms() const {
    return watermark_ms_ < INT64_MIN + cfg_.window_ms ? INT64_MIN : watermark_ms_ - cfg_.window_ms;
  }
  MemoryUsage memory() const;
  const IndexConfig& config() const { return cfg_; }
  // Live reload of the near-duplicate threshold (called serially, like find()).
  void set_threshold(double threshold) { cfg_.threshold = threshold; }

 private:
  // 16 bytes. The exact keys keep 32 bits here; a false exact match would also need the 8-bit
  // slot tag and a nearby home slot to agree (about 2^-40 per probe).
  struct Entry {
    uint32_t text_hash;
    uint32_t url_hash;  // 0: no URL
    int32_t time_s;     // seconds since 2000-01-01 (window clock)
    uint32_t cluster;   // high bit: has a sketch
  };
  static constexpr uint32_t kSketchBit = 0x80000000u;
  static uint32_t low32(uint64_t h) { return static_cast<uint32_t>(h >> 32) | 1u; }

  size_t tables() const { return 2 + static_cast<size_t>(cfg_.sketch.bands); }
  uint64_t table_hash(size_t table, const Entry& e, const uint16_t* sig) const;
  const uint16_t* sig_of(uint32_t slot) const { return sigs_.data() + static_cast<size_t>(slot) * sig_len_; }
  void index_entry(uint32_t slot);
  void prefetch(const Fingerprint& fp) const;
  void grow_text_table(uint32_t except);  // rehash at twice the size; `except` is inserted by the caller
  void evict_oldest();
  void grow(size_t new_cap = 0);
  void release_cluster(uint32_t c);
  static bool has_sketch(const Entry& e) { return e.cluster & kSketchBit; }
  static uint32_t cluster_of(const Entry& e) { return e.cluster & ~kSketchBit; }
  size_t age(uint32_t slot) const { return (slot + ring_cap_ - head_) % ring_cap_; }

  IndexConfig cfg_;
  size_t sig_len_;
  std::vector<Entry, BigAlloc<Entry>> ring_;
  std::vector<uint16_t, BigAlloc<uint16_t>> sigs_;
  size_t ring_cap_ = 0;
  size_t head_ = 0;
  size_t count_ = 0;
  size_t unsketched_ = 0;  // live entries without a sketch: the only ones in the text table
  std::vector<RefTable> tables_;  // 0: url, 1: text (entries without a sketch only), 2..: bands

  std::vector<Cluster> clusters_;
  std::vector<uint32_t> free_clusters_;
  RefTable cluster_table_;  // root id -> cluster
  size_t live_clusters_ = 0;

  int64_t watermark_ms_ = INT64_MIN;
  std::vector<uint32_t> candidates_;  // scratch
};

}  // namespace newsflow::dedup
