#include "metrics/nlp_metrics.h"

namespace newsflow {
namespace {

prometheus::Histogram::BucketBoundaries count_buckets() { return {0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89}; }

size_t polarity_index(Polarity p) { return static_cast<size_t>(p); }

// Primary subtag of a BCP-47 code, lower-cased into `buf` ("zh-Hant" → "zh"). Empty if it is
// longer than 3 letters (not an ISO 639 code).
std::string_view primary_subtag(std::string_view code, char (&buf)[3]) {
  size_t n = 0;
  for (char c : code) {
    if (c == '-' || c == '_') break;
    if (n == sizeof buf) return {};
    buf[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return {buf, n};
}

}  // namespace

NlpMetrics::NlpMetrics(prometheus::Registry& r) {
  using namespace prometheus;
  auto& lang = BuildCounter().Name("newsflow_articles_by_language_total")
                   .Help("Articles by detected language (fixed top-N codes, und, other).").Register(r);
  for (size_t i = 0; i < kLanguages.size(); ++i) lang_[i] = &lang.Add({{"lang", std::string(kLanguages[i])}});
  lang_und_ = &lang.Add({{"lang", "und"}});
  lang_other_ = &lang.Add({{"lang", "other"}});
  undetermined_ = &BuildCounter().Name("newsflow_language_undetermined_total")
                       .Help("Articles whose language could not be determined (und).").Register(r).Add({});
  unreliable_ = &BuildCounter().Name("newsflow_language_unreliable_total")
                     .Help("Articles whose language detection was flagged unreliable.").Register(r).Add({});
  entities_per_article_ = &BuildHistogram().Name("newsflow_entities_per_article")
                               .Help("Distinct entities found per article.").Register(r).Add({}, count_buckets());
  auto& types = BuildCounter().Name("newsflow_entities_total").Help("Entities found, by type.").Register(r);
  const char* type_names[] = {"PER", "ORG", "LOC", "MISC"};
  for (size_t i = 0; i < entity_type_.size(); ++i) entity_type_[i] = &types.Add({{"type", type_names[i]}});
  entity_type_other_ = &types.Add({{"type", "other"}});
  watchlist_family_ = &BuildCounter().Name("newsflow_watchlist_hits_total")
                           .Help("Entities linked to a watchlist entry, by watchlist id.").Register(r);
  watchlist_other_ = &watchlist_family_->Add({{"watchlist", "other"}});
  auto& dedup = BuildCounter().Name("newsflow_dedup_results_total").Help("Deduplication verdicts, by status.").Register(r);
  for (auto s : {DedupInfo::Status::unique, DedupInfo::Status::exact_duplicate, DedupInfo::Status::near_duplicate}) {
    dedup_[static_cast<size_t>(s)] = &dedup.Add({{"status", std::string(to_string(s))}});
  }
  auto& sentiment = BuildCounter().Name("newsflow_entity_sentiment_total")
                        .Help("Sentiment toward entities, by polarity.").Register(r);
  auto& stance = BuildCounter().Name("newsflow_quote_stance_total")
                     .Help("Stance of quoted speakers toward their targets, by polarity.").Register(r);
  for (auto p : {Polarity::negative, Polarity::neutral, Polarity::positive}) {
    sentiment_[polarity_index(p)] = &sentiment.Add({{"polarity", std::string(to_string(p))}});
    stance_[polarity_index(p)] = &stance.Add({{"polarity", std::string(to_string(p))}});
  }
  quotes_per_article_ = &BuildHistogram().Name("newsflow_quotes_per_article")
                             .Help("Quotes found per article.").Register(r).Add({}, count_buckets());
}

std::string_view NlpMetrics::language_label(std::string_view code) {
  char buf[3];
  const auto primary = primary_subtag(code, buf);
  if (code.empty() || primary == "und") return "und";
  if (primary.empty()) return "other";
  for (auto l : kLanguages) {
    if (l == primary) return l;
  }
  return "other";
}

prometheus::Counter& NlpMetrics::language_counter(std::string_view label) {
  if (label == "und") return *lang_und_;
  if (label == "other") return *lang_other_;
  for (size_t i = 0; i < kLanguages.size(); ++i) {
    if (kLanguages[i].data() == label.data()) return *lang_[i];
  }
  return *lang_other_;
}

prometheus::Counter& NlpMetrics::entity_type_counter(std::string_view type) {
  if (type == "PER") return *entity_type_[0];
  if (type == "ORG") return *entity_type_[1];
  if (type == "LOC") return *entity_type_[2];
  if (type == "MISC") return *entity_type_[3];
  return *entity_type_other_;
}

prometheus::Counter& NlpMetrics::watchlist_counter(std::string_view id) {
  size_t n = watchlist_count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i) {
    if (watchlists_[i].id == id) return *watchlists_[i].counter;
  }
  std::lock_guard lock(watchlist_mutex_);
  n = watchlist_count_.load(std::memory_order_relaxed);
  for (size_t i = 0; i < n; ++i) {  // another thread may have added it meanwhile
    if (watchlists_[i].id == id) return *watchlists_[i].counter;
  }
  if (n == kMaxWatchlists || id.empty() || id == "other") return *watchlist_other_;
  watchlists_[n].id.assign(id);
  watchlists_[n].counter = &watchlist_family_->Add({{"watchlist", watchlists_[n].id}});
  watchlist_count_.store(n + 1, std::memory_order_release);
  return *watchlists_[n].counter;
}

void NlpMetrics::observe(const Article& a) {
  if (a.dedup) dedup_[static_cast<size_t>(a.dedup->status)]->Increment();
  if (a.language) {
    const auto label = language_label(a.language->code);
    language_counter(label).Increment();
    if (label == "und") undetermined_->Increment();
    if (!a.language->reliable) unreliable_->Increment();
  }
  if (a.entities_done) {
    entities_per_article_->Observe(static_cast<double>(a.entities.size()));
    for (const auto& e : a.entities) {
      entity_type_counter(e.type).Increment();
      if (e.watchlist) watchlist_counter(e.watchlist->id).Increment();
      if (e.sentiment) sentiment_[polarity_index(e.sentiment->polarity)]->Increment();
    }
  }
  if (a.quotes_done) {
    quotes_per_article_->Observe(static_cast<double>(a.quotes.size()));
    for (const auto& q : a.quotes) {
      for (const auto& t : q.targets) stance_[polarity_index(t.polarity)]->Increment();
    }
  }
}

}  // namespace newsflow
