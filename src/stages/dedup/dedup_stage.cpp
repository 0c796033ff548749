#include "stages/dedup/dedup_stage.h"

#include <xxhash.h>

#include <chrono>
#include <random>

#include "stages/dedup/time_util.h"
#include "stages/dedup/url_canon.h"

namespace newsflow::dedup {

DedupConfig read_dedup_config(Settings& s) {
  // Every key is read (with its default) so that finish() can list all of them as the valid keys.
  DedupConfig c;
  const IndexConfig def;
  const std::string action = s.get_enum("action", "annotate", {"annotate", "route", "drop"});
  c.action = action == "route" ? DedupConfig::Action::route
             : action == "drop" ? DedupConfig::Action::drop
                                : DedupConfig::Action::annotate;
  const std::string clock = s.get_enum("clock", "processing_time", {"processing_time", "published_at"});
  c.clock = clock == "published_at" ? DedupConfig::Clock::published_at : DedupConfig::Clock::processing_time;
  c.index.window_ms = s.get_int("window_hours", def.window_ms / 3'600'000, 1, 24 * 365) * 3600 * 1000;
  c.index.max_entries = static_cast<size_t>(
      s.get_int("max_entries", static_cast<int64_t>(def.max_entries), 1, RefTable::kMaxRef));
  c.index.threshold = s.get_double("threshold", def.threshold, 0.0, 1.0);
  SketchParams& p = c.index.sketch;
  p.shingle_words = static_cast<int>(s.get_int("shingle_words", def.sketch.shingle_words, 1, 16));
  p.bands = static_cast<int>(s.get_int("bands", def.sketch.bands, 1, kMaxSignature));
  p.rows = static_cast<int>(s.get_int("rows", def.sketch.rows, 1, kMaxSignature));
  p.signature = static_cast<int>(s.get_int("signature", def.sketch.signature, 1, kMaxSignature));
  if (p.bands * p.rows > p.signature) {
    throw ConfigError(s.path() + ".bands: bands * rows must not exceed signature");
  }
  c.index.max_candidates_per_band =
      static_cast<int>(s.get_int("max_candidates_per_band", def.max_candidates_per_band, 1, 4096));
  c.index.max_entries_per_band_key =
      static_cast<int>(s.get_int("max_entries_per_band_key", def.max_entries_per_band_key, 1, 4096));
  c.min_words = static_cast<int>(s.get_int("min_words", c.min_words, 1, 1000));
  c.state_file = s.get_string("state_file", "");
  return c;
}

DedupStage::DedupStage(DedupConfig cfg, std::unique_ptr<FingerprintLog> log)
    : cfg_(std::move(cfg)), index_(cfg_.index), log_(std::move(log)), live_threshold_(cfg_.index.threshold) {
  std::random_device rd;
  origin_ = (static_cast<uint64_t>(rd()) << 32) ^ rd() ^ static_cast<uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
  if (origin_ == 0) origin_ = 1;
  record_.origin = origin_;
  record_.sketch_id = cfg_.index.sketch.id();
}

int64_t DedupStage::now_ms() const {
  if (cfg_.now_ms) return cfg_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t DedupStage::article_time_ms(const Article& a, int64_t now) const {
  if (cfg_.clock == DedupConfig::Clock::published_at) {
    if (auto t = parse_rfc3339_ms(a.published_at)) return std::min(*t, now + 3600 * 1000);  // distrust the future
    return index_.watermark_ms() == INT64_MIN ? now : index_.watermark_ms();
  }
  return now;
}

void DedupStage::fingerprint(const Article& a, int64_t time_ms, Fingerprint& fp) {
  fp.time_ms = time_ms;
  canonical_url(a.url, url_buf_);
  fp.url_hash = url_buf_.empty() ? 0 : (XXH3_64bits(url_buf_.data(), url_buf_.size()) | 1);

  // Exact key: XXH3 over the normalised word sequence of the undecorated title, a separator and
  // the body (the word hashes stand for the normalised text; building it is not needed).
  folded_.clear();
  folded_.keep_text = false;
  fold_append(strip_title_decorations(a.title), folded_);
  const size_t title_words = folded_.words.size();
  folded_.words.push_back(0x1f1f1f1f1f1f1f1fULL);
  fold_append(a.body, folded_);
  fp.text_hash = XXH3_64bits(folded_.words.data(), folded_.words.size() * sizeof(uint64_t));

  // Near key: shingles of the body (a new headline is an edit, not new content); the title when
  // there is no body.
  std::span<const uint64_t> words(folded_.words);
  if (words.size() > title_words + 1) words = words.subspan(title_words + 1);
  else words = words.first(title_words);
  fp.signature_len = static_cast<uint8_t>(cfg_.index.sketch.signature);
  fp.has_sketch = false;
  if (static_cast<int>(words.size()) >= cfg_.min_words) {
    shingles(words, cfg_.index.sketch.shingle_words, shingles_);
    fp.has_sketch = minhash(shingles_, cfg_.index.sketch, fp.sig);
  }
}

std::function<void()> DedupStage::prepare_live(Settings& s) {
  // The whole section is read (and so validated) again; an absent key means its default.
  const double threshold = read_dedup_config(s).index.threshold;
  return [this, threshold] { live_threshold_.store(threshold, std::memory_order_relaxed); };
}

void DedupStage::process(Article& a) {
  // Uncontended except while the follower drains a long queue of remote records (idle input).
  std::lock_guard index_lock(index_mu_);
  if (remote_pending_.load(std::memory_order_acquire)) drain_remote();
  if (const double t = live_threshold_.load(std::memory_order_relaxed); t != index_.config().threshold) index_.set_threshold(t);
  const int64_t now = now_ms();
  Fingerprint& fp = record_.fp;
  fingerprint(a, article_time_ms(a, now), fp);
  index_.advance(fp.time_ms);
  last_match_ = index_.find(fp);

  DedupInfo info;
  bool keep = true;  // whether the index keeps this article as an entry
  if (last_match_.kind != Match::Kind::none && index_.cluster(last_match_.cluster).root_id == a.id) {
    // The cluster's own first article again: a redelivery after a restart (at-least-once) or an
    // aborted transaction. It is still the original, not a copy of itself, and is indexed already;
    // its record is written again (after an abort the first one was discarded; otherwise
    // compaction keeps one of the two, same key).
    const Cluster& cl = index_.cluster(last_match_.cluster);
    info.cluster_id = a.id;
    info.first_seen_at = format_rfc3339(cl.first_seen_ms);
    keep = false;
    if (log_ || state_on_articles_) {
      record_.root_id.clear();
      record_.first_seen_ms = cl.first_seen_ms;
      record_.id = a.id;
      persist(a);
    }
  } else if (last_match_.kind == Match::Kind::none) {
    const auto published = parse_rfc3339_ms(a.published_at);
    const int64_t first_seen = published ? *published : now;
    const uint32_t c = index_.add_cluster(a.id, first_seen);
    index_.insert(fp, c);
    info.cluster_id = a.id;
    info.first_seen_at = format_rfc3339(first_seen);
    record_.root_id.clear();
    record_.first_seen_ms = first_seen;
  } else {
    const Cluster& cl = index_.cluster(last_match_.cluster);
    const bool exact = last_match_.kind != Match::Kind::near;
    info.status = exact ? DedupInfo::Status::exact_duplicate : DedupInfo::Status::near_duplicate;
    info.cluster_id = cl.root_id;
    info.duplicate_of = cl.root_id;
    info.similarity = last_match_.similarity;
    info.first_seen_at = format_rfc3339(cl.first_seen_ms);
    // Exact copies add nothing a later copy could match better; near copies do (edit chains).
    keep = !exact;
    if (keep) {
      record_.root_id = cl.root_id;
      record_.first_seen_ms = cl.first_seen_ms;
      index_.insert(fp, last_match_.cluster);
    }
  }
  if (keep && (log_ || state_on_articles_)) {
    record_.id = a.id;
    persist(a);
  }
  if (info.status != DedupInfo::Status::unique && a.route == Route::output) {
    if (cfg_.action == DedupConfig::Action::route) a.route = Route::duplicates;
    if (cfg_.action == DedupConfig::Action::drop) a.route = Route::drop;
  }
  a.dedup = std::move(info);
}

void DedupStage::persist(Article& a) {
  if (state_on_articles_) {
    state_key(record_, a.state_key);
    encode(record_, a.state_value);
  } else {
    log_->append(record_);
  }
}

void DedupStage::apply(const FingerprintRecord& r) {
  Fingerprint fp = r.fp;
  if (r.sketch_id != cfg_.index.sketch.id()) fp.has_sketch = false;  // other sketch parameters
  index_.advance(fp.time_ms);
  if (fp.time_ms < index_.horizon_ms()) return;  // already out of the window
  const std::string& root = r.root_id.empty() ? r.id : r.root_id;
  auto c = index_.find_cluster(root);
  if (!c) c = index_.add_cluster(root, r.first_seen_ms);
  index_.insert(fp, *c);
}

void DedupStage::attach_log(std::unique_ptr<FingerprintLog> log) { log_ = std::move(log); }

ReplayStats DedupStage::restore() {
  if (!log_) return {};
  std::lock_guard index_lock(index_mu_);
  index_.reserve(cfg_.index.max_entries);
  return log_->replay([this](const FingerprintRecord& r) { apply(r); });
}

void DedupStage::offer_remote(FingerprintRecord record) {
  if (record.origin == origin_) return;  // our own record echoed back by the topic
  size_t queued = 0;
  {
    std::lock_guard lock(remote_mu_);
    remote_.push_back(std::move(record));
    remote_pending_.store(true, std::memory_order_release);
    queued = remote_.size();
  }
  // No articles arriving to drain the queue: apply it here so it stays bounded.
  if (queued >= kMaxQueuedRemote) {
    std::lock_guard index_lock(index_mu_);
    drain_remote();
  }
}

size_t DedupStage::remote_queued() const {
  std::lock_guard lock(remote_mu_);
  return remote_.size();
}

void DedupStage::drain_remote() {
  std::vector<FingerprintRecord> batch;
  {
    std::lock_guard lock(remote_mu_);
    batch.swap(remote_);
    remote_pending_.store(false, std::memory_order_release);
  }
  for (const FingerprintRecord& r : batch) apply(r);
}

}  // namespace newsflow::dedup

namespace newsflow {

std::unique_ptr<Stage> make_dedup_stage(Settings& section) {
  dedup::DedupConfig cfg = dedup::read_dedup_config(section);
  std::unique_ptr<dedup::FingerprintLog> log;
  if (!cfg.state_file.empty()) log = std::make_unique<dedup::FileFingerprintLog>(cfg.state_file);
  auto stage = std::make_unique<dedup::DedupStage>(std::move(cfg), std::move(log));
  stage->restore();
  return stage;
}

}  // namespace newsflow
