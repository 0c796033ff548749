#include "stages/dedup/dedup_index.h"

#include <xxhash.h>

#include <algorithm>
#include <stdexcept>

namespace newsflow::dedup {
namespace {

constexpr int64_t kEpoch2000S = 946684800LL;

int32_t to_seconds(int64_t ms) {
  const int64_t s = ms / 1000 - kEpoch2000S;  // no overflow for any int64 input
  return static_cast<int32_t>(std::clamp<int64_t>(s, INT32_MIN + 1, INT32_MAX));
}

uint64_t band_hash(size_t band, uint32_t key) { return mix64((static_cast<uint64_t>(band + 1) << 32) | key); }

uint64_t id_hash(std::string_view id) { return XXH3_64bits(id.data(), id.size()); }

constexpr size_t kInitialCapacity = 4096;

}  // namespace

DedupIndex::DedupIndex(IndexConfig cfg) : cfg_(cfg) {
  SketchParams& p = cfg_.sketch;
  if (p.bands < 1 || p.rows < 1 || p.bands * p.rows > p.signature || p.signature > kMaxSignature) {
    throw std::invalid_argument("dedup: need 1 <= bands*rows <= signature <= 32");
  }
  if (cfg_.max_entries < 1 || cfg_.max_entries > RefTable::kMaxRef) {
    throw std::invalid_argument("dedup: max_entries out of range");
  }
  sig_len_ = static_cast<size_t>(p.signature);
  tables_.resize(tables());
  ring_cap_ = 0;
  grow();
  cluster_table_.reset(kInitialCapacity * 4 / 3);
}

uint64_t DedupIndex::table_hash(size_t table, const Entry& e, const uint16_t* sig) const {
  // Exact keys: the table hashes the 32 stored bits (mixed), as find() does.
  if (table == 0) return mix64(e.url_hash);
  if (table == 1) return mix64(e.text_hash);
  const size_t band = table - 2;
  return band_hash(band, band_key(sig, static_cast<int>(band), cfg_.sketch.rows));
}

void DedupIndex::index_entry(uint32_t slot) {
  const Entry& e = ring_[slot];
  if (e.url_hash != 0) tables_[0].insert(mix64(e.url_hash), slot);
  if (!has_sketch(e)) {
    // Only entries without a sketch go in the text table: an exact text copy of a sketched
    // entry has the same signature, so it is among the band candidates (checked in find()).
    if (tables_[1].size() + 1 > tables_[1].capacity() * 9 / 10) grow_text_table(slot);
    tables_[1].insert(mix64(e.text_hash), slot);
  } else {
    const uint16_t* sig = sig_of(slot);
    const int rows = cfg_.sketch.rows;
    for (size_t t = 2; t < tables_.size(); ++t) {
      const int b = static_cast<int>(t - 2);
      const uint32_t key = band_key(sig, b, rows);
      tables_[t].insert_capped(band_hash(t - 2, key), slot, cfg_.max_entries_per_band_key,
                               [&](uint32_t ref) { return band_key(sig_of(ref), b, rows) == key; });
    }
  }
}

void DedupIndex::grow_text_table(uint32_t except) {
  RefTable& t = tables_[1];
  t.reset(std::max<size_t>(64, t.capacity() * 2));
  for (size_t i = 0; i < count_; ++i) {
    const auto slot = static_cast<uint32_t>((head_ + i) % ring_cap_);
    if (slot != except && !has_sketch(ring_[slot])) t.insert(mix64(ring_[slot].text_hash), slot);
  }
}

void DedupIndex::reserve(size_t n) {
  n = std::min(n, cfg_.max_entries);
  if (n > ring_cap_) grow(n);
}

void DedupIndex::grow(size_t new_cap) {
  if (new_cap == 0) {
    new_cap = ring_cap_ == 0 ? std::min(kInitialCapacity, cfg_.max_entries) : std::min(ring_cap_ * 2, cfg_.max_entries);
  }
  decltype(ring_) ring(new_cap);
  decltype(sigs_) sigs(new_cap * sig_len_);
  for (size_t i = 0; i < count_; ++i) {
    const size_t from = (head_ + i) % ring_cap_;
    ring[i] = ring_[from];
    std::copy_n(sigs_.data() + from * sig_len_, sig_len_, sigs.data() + i * sig_len_);
  }
  ring_.swap(ring);
  sigs_.swap(sigs);
  ring_cap_ = new_cap;
  head_ = 0;
  // Tables at <= 90 % load once the ring is full (Robin Hood probes stay short up to there).
  for (size_t t = 0; t < tables_.size(); ++t) {
    tables_[t].reset(t == 1 ? std::max<size_t>(64, unsketched_ * 2) : new_cap * 10 / 9 + 1);  // text: grows on demand
  }
  for (size_t i = 0; i < count_; ++i) index_entry(static_cast<uint32_t>(i));
}

void DedupIndex::advance(int64_t time_ms) {
  if (time_ms > watermark_ms_) watermark_ms_ = time_ms;
  const int32_t horizon = to_seconds(horizon_ms());
  while (count_ > 0 && ring_[head_].time_s < horizon) evict_oldest();
}

void DedupIndex::evict_oldest() {
  const auto slot = static_cast<uint32_t>(head_);
  const Entry& e = ring_[slot];
  if (e.url_hash != 0) tables_[0].erase(mix64(e.url_hash), slot);
  if (!has_sketch(e)) {
    tables_[1].erase(mix64(e.text_hash), slot);
    --unsketched_;
  } else {
    for (size_t t = 2; t < tables_.size(); ++t) tables_[t].erase(table_hash(t, e, sig_of(slot)), slot);
  }
  release_cluster(cluster_of(e));
  head_ = (head_ + 1) % ring_cap_;
  --count_;
}

void DedupIndex::release_cluster(uint32_t c) {
  Cluster& cl = clusters_[c];
  if (--cl.refs > 0) return;
  cluster_table_.erase(id_hash(cl.root_id), c);
  cl.root_id.clear();
  cl.root_id.shrink_to_fit();
  free_clusters_.push_back(c);
  --live_clusters_;
}

uint32_t DedupIndex::add_cluster(std::string_view root_id, int64_t first_seen_ms) {
  uint32_t c;
  if (!free_clusters_.empty()) {
    c = free_clusters_.back();
    free_clusters_.pop_back();
  } else {
    c = static_cast<uint32_t>(clusters_.size());
    clusters_.emplace_back();
  }
  Cluster& cl = clusters_[c];
  cl.root_id.assign(root_id);
  cl.first_seen_ms = first_seen_ms;
  cl.refs = 0;
  ++live_clusters_;
  if (live_clusters_ * 4 > cluster_table_.capacity() * 3) {
    cluster_table_.reset(cluster_table_.capacity() * 2);
    for (uint32_t i = 0; i < clusters_.size(); ++i) {
      if (i == c || clusters_[i].refs > 0) cluster_table_.insert(id_hash(clusters_[i].root_id), i);
    }
  } else {
    cluster_table_.insert(id_hash(root_id), c);
  }
  return c;
}

std::optional<uint32_t> DedupIndex::find_cluster(std::string_view root_id) const {
  std::optional<uint32_t> out;
  cluster_table_.for_each(id_hash(root_id), [&](uint32_t ref) {
    if (clusters_[ref].root_id == root_id) {
      out = ref;
      return false;
    }
    return true;
  });
  return out;
}

void DedupIndex::insert(const Fingerprint& fp, uint32_t cluster) {
  if (count_ == ring_cap_) {
    if (ring_cap_ < cfg_.max_entries) grow();
    else evict_oldest();
  }
  const auto slot = static_cast<uint32_t>((head_ + count_) % ring_cap_);
  Entry& e = ring_[slot];
  const bool sketch = fp.has_sketch && fp.signature_len == sig_len_;
  e.text_hash = low32(fp.text_hash);
  e.url_hash = fp.url_hash == 0 ? 0 : low32(fp.url_hash);
  e.time_s = to_seconds(fp.time_ms);
  e.cluster = cluster | (sketch ? kSketchBit : 0);
  if (!sketch) ++unsketched_;
  std::copy_n(fp.sig.data(), sig_len_, sigs_.data() + static_cast<size_t>(slot) * sig_len_);
  ++count_;
  ++clusters_[cluster].refs;
  index_entry(slot);
}

void DedupIndex::prefetch(const Fingerprint& fp) const {
  if (fp.url_hash != 0) tables_[0].prefetch(mix64(low32(fp.url_hash)));
  tables_[1].prefetch(mix64(low32(fp.text_hash)));
  if (fp.has_sketch && fp.signature_len == sig_len_) {
    for (int b = 0; b < cfg_.sketch.bands; ++b) {
      tables_[2 + static_cast<size_t>(b)].prefetch(
          band_hash(static_cast<size_t>(b), band_key(fp.sig, b, cfg_.sketch.rows)));
    }
  }
  // The entry an insert into a full ring evicts: its table slots too.
  if (count_ == ring_cap_ && count_ > 0) {
    const Entry& e = ring_[head_];
    if (e.url_hash != 0) tables_[0].prefetch(mix64(e.url_hash));
    if (has_sketch(e)) {
      for (size_t t = 2; t < tables_.size(); ++t) tables_[t].prefetch(table_hash(t, e, sig_of(static_cast<uint32_t>(head_))));
    }
  }
}

Match DedupIndex::find(const Fingerprint& fp) {
  prefetch(fp);
  Match m;
  auto exact = [&](size_t table, uint64_t full, uint32_t Entry::*field, Match::Kind kind) {
    const uint32_t key = low32(full);
    tables_[table].for_each(mix64(key), [&](uint32_t ref) {
      if (ring_[ref].*field != key) return true;
      if (m.kind == Match::Kind::none || age(ref) < age(m.entry)) {  // the earliest copy
        m.kind = kind;
        m.entry = ref;
      }
      return true;
    });
  };
  if (fp.url_hash != 0) exact(0, fp.url_hash, &Entry::url_hash, Match::Kind::url);
  if (m.kind == Match::Kind::none) exact(1, fp.text_hash, &Entry::text_hash, Match::Kind::text);
  if (m.kind != Match::Kind::none) {
    m.cluster = cluster_of(ring_[m.entry]);
    m.similarity = 1.0;
    return m;
  }
  if (!fp.has_sketch || fp.signature_len != sig_len_) return m;

  candidates_.clear();
  const int rows = cfg_.sketch.rows;
  for (int b = 0; b < cfg_.sketch.bands; ++b) {
    const uint32_t key = band_key(fp.sig, b, rows);
    int seen = 0;
    tables_[2 + static_cast<size_t>(b)].for_each(band_hash(static_cast<size_t>(b), key), [&](uint32_t ref) {
      if (band_key(sig_of(ref), b, rows) != key) return true;
      if (std::find(candidates_.begin(), candidates_.end(), ref) == candidates_.end()) candidates_.push_back(ref);
      return ++seen < cfg_.max_candidates_per_band;
    });
  }
  // An exact text copy of a sketched entry is one of its candidates (same words, same signature):
  // the sketched entries are not in the text table.
  const uint32_t text_key = low32(fp.text_hash);
  for (uint32_t ref : candidates_) {
    if (ring_[ref].text_hash == text_key && (m.kind == Match::Kind::none || age(ref) < age(m.entry))) {
      m.kind = Match::Kind::text;
      m.entry = ref;
    }
  }
  if (m.kind == Match::Kind::text) {
    m.cluster = cluster_of(ring_[m.entry]);
    m.similarity = 1.0;
    return m;
  }
  const int n = static_cast<int>(sig_len_);
  for (uint32_t ref : candidates_) {
    const double sim = signature_similarity(fp.sig.data(), sig_of(ref), n);
    if (sim > m.similarity || (sim == m.similarity && m.kind != Match::Kind::none && age(ref) < age(m.entry))) {
      m.similarity = sim;
      m.entry = ref;
      m.kind = Match::Kind::near;
    }
  }
  if (m.kind == Match::Kind::near && m.similarity >= cfg_.threshold) {
    m.cluster = cluster_of(ring_[m.entry]);
  } else {
    m.kind = Match::Kind::none;
  }
  return m;
}

MemoryUsage DedupIndex::memory() const {
  MemoryUsage u;
  u.entries = count_;
  u.clusters = live_clusters_;
  u.ring_bytes = ring_.capacity() * sizeof(Entry) + sigs_.capacity() * sizeof(uint16_t);
  for (const RefTable& t : tables_) u.table_bytes += t.bytes();
  u.cluster_bytes = clusters_.capacity() * sizeof(Cluster) + free_clusters_.capacity() * sizeof(uint32_t) +
                    cluster_table_.bytes();
  for (const Cluster& c : clusters_) {
    if (c.root_id.capacity() > 15) u.cluster_bytes += c.root_id.capacity() + 1;  // beyond the SSO buffer
  }
  return u;
}

}  // namespace newsflow::dedup
