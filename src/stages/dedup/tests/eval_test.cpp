#include <gtest/gtest.h>

#include "stages/dedup/eval.h"
#include "stages/dedup/tests/fixtures.h"

using namespace newsflow::dedup;
using namespace newsflow::dedup::test;

namespace {
EvalItem item(std::string id, std::string title, std::string body, std::string dup, std::string lang,
              std::string edit = {}) {
  EvalItem it;
  it.article = make_article(std::move(id), std::move(title), std::move(body));
  it.gold_duplicate_of = std::move(dup);
  it.gold_language = std::move(lang);
  it.edit = std::move(edit);
  return it;
}
}  // namespace

TEST(DedupEval, PairMetricsExcludeTranslationsFromRecall) {
  std::vector<EvalItem> items = {
      item("a", "Port deal", original_body(), "", "en"),
      item("b", "Port deal agreed", original_body() + "\n\nBy Staff", "a", "en", "byline"),
      item("c", "Accord portuaire", "Le port de Valdora a approuve une extension de son terminal nord.", "a", "fr",
           "translation"),
      item("d", "Port deal", independent_body(), "", "en", "negative"),
  };
  EvalOptions opt;
  const EvalResult r = evaluate_dedup(items, opt);
  // Gold cluster {a,b,c}: same-language pairs {a,b}; predicted {a,b}.
  EXPECT_EQ(r.gold_pairs, 1u);
  EXPECT_EQ(r.predicted_pairs, 1u);
  EXPECT_DOUBLE_EQ(r.precision, 1.0);
  EXPECT_DOUBLE_EQ(r.recall, 1.0);
  EXPECT_EQ(r.per_edit.at("byline").tp, 1u);
  EXPECT_EQ(r.per_edit.at("translation").fn, 1u);
  EXPECT_EQ(r.per_edit.at("negative").fp, 0u);
  const auto j = r.to_json();
  EXPECT_TRUE(j.contains("precision") && j.contains("recall") && j.contains("f1"));
}

TEST(DedupEval, FalseLinkLowersPrecision) {
  // Gold says the copy is independent; the system links it: one wrong pair.
  std::vector<EvalItem> items = {item("a", "t", original_body(), "", "en"),
                                 item("b", "t", original_body(), "", "en", "negative")};
  const EvalResult r = evaluate_dedup(items, EvalOptions{});
  EXPECT_EQ(r.predicted_pairs, 1u);
  EXPECT_DOUBLE_EQ(r.precision, 0.0);
  EXPECT_EQ(r.per_edit.at("negative").fp, 1u);
}
