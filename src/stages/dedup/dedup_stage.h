// The dedup stage: exact (canonical URL, normalised text) and near (MinHash LSH) duplicate
// detection with syndication clusters, bounded state and an optional persistent fingerprint log.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/settings.h"
#include "core/stage.h"
#include "stages/dedup/dedup_index.h"
#include "stages/dedup/fingerprint_log.h"
#include "stages/dedup/text_norm.h"

namespace newsflow::dedup {

struct DedupConfig {
  enum class Action : uint8_t { annotate, route, drop };
  enum class Clock : uint8_t { processing_time, published_at };

  IndexConfig index;
  Action action = Action::annotate;
  Clock clock = Clock::processing_time;
  int min_words = 12;      // shorter texts get exact matching only (too few shingles to compare)
  std::string state_file;  // FileFingerprintLog path; empty = no persistence (or a log attached)
  std::function<int64_t()> now_ms;  // processing clock; system clock when empty (tests inject one)
};

// Reads the `dedup` section (every key documented in README.md).
DedupConfig read_dedup_config(Settings& section);

class DedupStage final : public Stage {
 public:
  explicit DedupStage(DedupConfig cfg, std::unique_ptr<FingerprintLog> log = nullptr);

  std::string_view name() const override { return "dedup"; }
  bool concurrent() const override { return false; }  // owns the index: run serially, in order
  void process(Article& article) override;
  std::vector<std::string> live_settings() const override { return {"threshold"}; }
  std::function<void()> prepare_live(Settings& section) override;

  // Replaces the log (Kafka mode attaches the state topic after the factory built the stage).
  void attach_log(std::unique_ptr<FingerprintLog> log);
  // Exactly-once: each state record goes onto its article (Article::state_key/state_value) for
  // the sink to produce in the article's transaction, instead of to the log's append side. The
  // log still serves restore().
  void write_state_to_articles() { state_on_articles_ = true; }
  // Rebuilds the index from the attached log; call once before the first article.
  ReplayStats restore();
  // Applies one state record (replay, or another instance's record). Serial, like process().
  void apply(const FingerprintRecord& record);
  // Thread-safe hand-off of another instance's record; applied before the next article (or by
  // this call once kMaxQueuedRemote records wait: input may be idle for a long time).
  void offer_remote(FingerprintRecord record);
  static constexpr size_t kMaxQueuedRemote = 4096;
  size_t remote_queued() const;

  // Fingerprint of an article (exposed for tools and tests).
  void fingerprint(const Article& article, int64_t time_ms, Fingerprint& out);

  const DedupIndex& index() const { return index_; }
  const DedupConfig& config() const { return cfg_; }
  uint64_t origin() const { return origin_; }
  // The match behind the last process() call (most similar earlier article and its similarity).
  const Match& last_match() const { return last_match_; }

 private:
  int64_t now_ms() const;
  int64_t article_time_ms(const Article& a, int64_t now) const;
  void drain_remote();
  void persist(Article& a);  // the current record_ to the log, or onto the article

  DedupConfig cfg_;
  DedupIndex index_;
  std::unique_ptr<FingerprintLog> log_;
  bool state_on_articles_ = false;
  uint64_t origin_;
  Match last_match_;

  // Reused buffers: the hot path does not allocate once warm.
  Folded folded_;
  std::string url_buf_;
  std::vector<uint64_t> shingles_;
  FingerprintRecord record_;

  std::mutex index_mu_;  // process() / restore() / a draining offer_remote()
  mutable std::mutex remote_mu_;
  std::vector<FingerprintRecord> remote_;
  std::atomic<bool> remote_pending_{false};
  // Threshold set by a live reload; process() hands it to the index (the index is not thread-safe).
  std::atomic<double> live_threshold_;
};

}  // namespace newsflow::dedup

namespace newsflow {
// Factory used by the app; `section` is the top-level `dedup` YAML key.
std::unique_ptr<Stage> make_dedup_stage(Settings& section);
}  // namespace newsflow
