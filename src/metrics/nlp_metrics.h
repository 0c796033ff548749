// NLP quality metrics, observed by the graph from the annotations an article carries when it
// leaves the stages (stages stay metric-free). Every label set is bounded and created up front,
// so observing an article allocates nothing and takes no lock on the lookup path:
//   newsflow_articles_by_language_total{lang}   fixed top-N codes + "und" + "other"
//   newsflow_language_undetermined_total        code "und" (or empty)
//   newsflow_language_unreliable_total          detector said "not reliable"
//   newsflow_entities_per_article               histogram
//   newsflow_entities_total{type}               PER | ORG | LOC | MISC | other
//   newsflow_watchlist_hits_total{watchlist}    first kMaxWatchlists ids seen, then "other"
//   newsflow_dedup_results_total{status}        unique | exact_duplicate | near_duplicate
//   newsflow_entity_sentiment_total{polarity}   negative | neutral | positive
//   newsflow_quotes_per_article                 histogram
//   newsflow_quote_stance_total{polarity}       the speaker's stance toward each quote target
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "core/article.h"

namespace newsflow {

class NlpMetrics {
 public:
  // The language codes that get their own label; everything else is "other". Codes as the langid
  // stage writes them (BCP-47: Norwegian Bokmål is "nb", never CLD2's legacy "no").
  static constexpr std::array<std::string_view, 24> kLanguages = {
      "en", "de", "fr", "es", "it", "pt", "nl", "ru", "zh", "ja", "ar", "tr",
      "pl", "sv", "ko", "hi", "id", "uk", "cs", "el", "da", "fi", "nb", "ro"};
  static constexpr size_t kMaxWatchlists = 32;

  explicit NlpMetrics(prometheus::Registry& registry);
  NlpMetrics(const NlpMetrics&) = delete;
  NlpMetrics& operator=(const NlpMetrics&) = delete;

  // Observes whatever annotations are present; an annotation a stage did not produce is skipped.
  // Thread-safe; called concurrently from the graph.
  void observe(const Article& article);

  // The label an annotation's language code is counted under (for tests and dashboards).
  static std::string_view language_label(std::string_view code);

 private:
  prometheus::Counter& language_counter(std::string_view label);  // label from language_label()
  prometheus::Counter& watchlist_counter(std::string_view id);
  prometheus::Counter& entity_type_counter(std::string_view type);

  std::array<prometheus::Counter*, kLanguages.size()> lang_{};
  prometheus::Counter* lang_und_;
  prometheus::Counter* lang_other_;
  prometheus::Counter* undetermined_;
  prometheus::Counter* unreliable_;
  prometheus::Histogram* entities_per_article_;
  std::array<prometheus::Counter*, 4> entity_type_{};  // PER ORG LOC MISC
  prometheus::Counter* entity_type_other_;
  std::array<prometheus::Counter*, 3> dedup_{};        // by DedupInfo::Status
  std::array<prometheus::Counter*, 3> sentiment_{};    // by Polarity
  std::array<prometheus::Counter*, 3> stance_{};       // by Polarity
  prometheus::Histogram* quotes_per_article_;

  // Watchlist ids are configured, so few; the first kMaxWatchlists get a label. Readers scan the
  // published prefix without a lock; a new id is added under the mutex.
  struct WatchlistSlot {
    std::string id;
    prometheus::Counter* counter = nullptr;
  };
  prometheus::Family<prometheus::Counter>* watchlist_family_;
  prometheus::Counter* watchlist_other_;
  std::array<WatchlistSlot, kMaxWatchlists> watchlists_;
  std::atomic<size_t> watchlist_count_{0};
  std::mutex watchlist_mutex_;
};

}  // namespace newsflow
