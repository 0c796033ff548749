// NLP quality metrics: observed from annotations, bounded labels, nothing for a stage that did not run.
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <sstream>

#include "metrics/nlp_metrics.h"

using namespace newsflow;

namespace {

struct Fixture {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  NlpMetrics nlp{*registry};
  std::string text() const { return prometheus::TextSerializer().Serialize(registry->Collect()); }
};

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

size_t series_of(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  size_t n = 0;
  for (std::string l; std::getline(in, l);) {
    if (l.rfind(prefix, 0) == 0) ++n;
  }
  return n;
}

Entity entity(std::string type, std::optional<std::string> watchlist, std::optional<Polarity> polarity) {
  Entity e;
  e.text = e.canonical = "Someone";
  e.type = std::move(type);
  if (watchlist) e.watchlist = WatchlistRef{*watchlist, "1", "x"};
  if (polarity) e.sentiment = Sentiment{*polarity, 0.5, 0.9};
  return e;
}

}  // namespace

TEST(NlpMetrics, LanguageLabelsAreATopNTable) {
  EXPECT_EQ(NlpMetrics::language_label("en"), "en");
  EXPECT_EQ(NlpMetrics::language_label("EN"), "en");
  EXPECT_EQ(NlpMetrics::language_label("zh-Hant"), "zh");
  EXPECT_EQ(NlpMetrics::language_label("nb"), "nb");  // what langid writes for CLD2's "no"
  EXPECT_EQ(NlpMetrics::language_label("pt_BR"), "pt");
  EXPECT_EQ(NlpMetrics::language_label("und"), "und");
  EXPECT_EQ(NlpMetrics::language_label(""), "und");
  EXPECT_EQ(NlpMetrics::language_label("tlh"), "other");
  EXPECT_EQ(NlpMetrics::language_label("x-very-long-private-tag"), "other");
  EXPECT_EQ(NlpMetrics::language_label("klingon"), "other");  // not a language subtag at all
}

TEST(NlpMetrics, NothingObservedForStagesThatDidNotRun) {
  Fixture f;
  Article a;  // no annotation at all
  f.nlp.observe(a);
  const auto t = f.text();
  EXPECT_TRUE(has_line(t, "newsflow_entities_per_article_count 0")) << t;
  EXPECT_TRUE(has_line(t, "newsflow_quotes_per_article_count 0"));
  EXPECT_TRUE(has_line(t, R"(newsflow_dedup_results_total{status="unique"} 0)"));
  EXPECT_TRUE(has_line(t, R"(newsflow_articles_by_language_total{lang="und"} 0)"));
  EXPECT_TRUE(has_line(t, "newsflow_language_undetermined_total 0"));
}

TEST(NlpMetrics, ObservesEveryAnnotation) {
  Fixture f;
  Article a;
  a.dedup = DedupInfo{DedupInfo::Status::near_duplicate, "c1", "d1", 0.9, ""};
  a.language = LanguageInfo{"de", 0.99, true, {}};
  a.entities_done = true;
  a.entities.push_back(entity("PER", "politicians", Polarity::negative));
  a.entities.push_back(entity("ORG", std::nullopt, Polarity::positive));
  a.entities.push_back(entity("LOC", "politicians", std::nullopt));
  a.quotes_done = true;
  Quote q;
  q.targets.push_back(QuoteTarget{"Someone", Polarity::negative, -0.7});
  a.quotes.push_back(q);
  f.nlp.observe(a);

  Article b;
  b.language = LanguageInfo{"und", 0.1, false, {}};
  b.entities_done = true;  // ran, found nothing
  f.nlp.observe(b);

  const auto t = f.text();
  EXPECT_TRUE(has_line(t, R"(newsflow_dedup_results_total{status="near_duplicate"} 1)")) << t;
  EXPECT_TRUE(has_line(t, R"(newsflow_dedup_results_total{status="unique"} 0)"));
  EXPECT_TRUE(has_line(t, R"(newsflow_articles_by_language_total{lang="de"} 1)"));
  EXPECT_TRUE(has_line(t, R"(newsflow_articles_by_language_total{lang="und"} 1)"));
  EXPECT_TRUE(has_line(t, "newsflow_language_undetermined_total 1"));
  EXPECT_TRUE(has_line(t, "newsflow_language_unreliable_total 1"));
  EXPECT_TRUE(has_line(t, "newsflow_entities_per_article_count 2"));
  EXPECT_TRUE(has_line(t, "newsflow_entities_per_article_sum 3"));
  EXPECT_TRUE(has_line(t, R"(newsflow_entities_per_article_bucket{le="0"} 1)"));
  EXPECT_TRUE(has_line(t, R"(newsflow_entities_total{type="PER"} 1)"));
  EXPECT_TRUE(has_line(t, R"(newsflow_watchlist_hits_total{watchlist="politicians"} 2)"));
  EXPECT_TRUE(has_line(t, R"(newsflow_entity_sentiment_total{polarity="negative"} 1)"));
  EXPECT_TRUE(has_line(t, R"(newsflow_entity_sentiment_total{polarity="positive"} 1)"));
  EXPECT_TRUE(has_line(t, R"(newsflow_entity_sentiment_total{polarity="neutral"} 0)"));
  EXPECT_TRUE(has_line(t, "newsflow_quotes_per_article_count 1"));
  EXPECT_TRUE(has_line(t, R"(newsflow_quote_stance_total{polarity="negative"} 1)"));
}

TEST(NlpMetrics, LabelsStayBoundedWhateverTheInput) {
  Fixture f;
  for (int i = 0; i < 5000; ++i) {
    Article a;
    a.language = LanguageInfo{"q" + std::to_string(i % 700), 0.5, true, {}};
    a.entities_done = true;
    a.entities.push_back(entity("TYPE" + std::to_string(i), "wl-" + std::to_string(i), Polarity::neutral));
    f.nlp.observe(a);
  }
  const auto t = f.text();
  EXPECT_EQ(series_of(t, "newsflow_articles_by_language_total{"), NlpMetrics::kLanguages.size() + 2);
  EXPECT_EQ(series_of(t, "newsflow_entities_total{"), 5u);
  EXPECT_EQ(series_of(t, "newsflow_watchlist_hits_total{"), NlpMetrics::kMaxWatchlists + 1);
  EXPECT_TRUE(has_line(t, R"(newsflow_watchlist_hits_total{watchlist="other"} )" + std::to_string(5000 - NlpMetrics::kMaxWatchlists)));
  EXPECT_TRUE(has_line(t, R"(newsflow_entities_total{type="other"} 5000)"));
}
