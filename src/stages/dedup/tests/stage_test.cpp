#include <gtest/gtest.h>

#include <cstdlib>

#include "core/settings.h"
#include "stages/dedup/dedup_stage.h"
#include "stages/dedup/tests/fixtures.h"

using namespace newsflow;
using namespace newsflow::dedup;
using namespace newsflow::dedup::test;

namespace {

DedupConfig test_config() {
  DedupConfig c;
  c.now_ms = [] { return int64_t{1'767'225'600'000}; };  // 2026-01-01T00:00:00Z
  return c;
}

const std::string kTitle = "Valdora port approves terminal expansion";

class StageTest : public ::testing::Test {
 protected:
  DedupStage stage{test_config()};
  void SetUp() override {
    Article a = make_article("orig", kTitle, original_body(), "https://www.valdora-news.example/port/expansion",
                             "2026-03-03T09:00:00Z");
    stage.process(a);
    ASSERT_EQ(a.dedup->status, DedupInfo::Status::unique);
    EXPECT_EQ(a.dedup->cluster_id, "orig");
    EXPECT_EQ(a.dedup->first_seen_at, "2026-03-03T09:00:00Z");
  }
  DedupInfo run(Article a) {
    stage.process(a);
    return *a.dedup;
  }
  void expect_near(const std::string& title, const std::string& body) {
    const DedupInfo d = run(make_article("copy", title, body, "https://other.example/copy"));
    EXPECT_EQ(d.status, DedupInfo::Status::near_duplicate);
    EXPECT_EQ(d.duplicate_of, "orig");
    EXPECT_EQ(d.cluster_id, "orig");
    EXPECT_EQ(d.first_seen_at, "2026-03-03T09:00:00Z");
    EXPECT_GT(d.similarity, 0.3);
    EXPECT_LT(d.similarity, 1.0 + 1e-9);
  }
};

}  // namespace

TEST_F(StageTest, ExactByUrlVariant) {
  const DedupInfo d = run(make_article("x", "anything", "other text entirely",
                                       "http://valdora-news.example/port/expansion/?utm_source=feed#top"));
  EXPECT_EQ(d.status, DedupInfo::Status::exact_duplicate);
  EXPECT_EQ(d.duplicate_of, "orig");
  EXPECT_EQ(d.similarity, 1.0);
}

TEST_F(StageTest, ExactByNormalisedTextWithTitleVariant) {
  std::string body = original_body();
  for (auto& c : body) {
    if (c == '\n') c = ' ';
  }
  const DedupInfo d = run(make_article("x", "Opinion | " + kTitle + " \u2013 The Harbour Times",
                                       "  " + body + "  ", "https://harbour-times.example/x"));
  EXPECT_EQ(d.status, DedupInfo::Status::exact_duplicate);
  EXPECT_EQ(d.duplicate_of, "orig");
}

TEST_F(StageTest, ChangedLeadParagraph) {
  expect_near(kTitle, "Port officials in Valdora gave the green light on Tuesday to a major terminal project.\n\n" +
                          kBody2 + "\n\n" + kBody3 + "\n\n" + kBody4 + "\n\n" + kBody5 + "\n\n" + kLast);
}

TEST_F(StageTest, DroppedLastParagraph) {
  expect_near(kTitle, kLead + "\n\n" + kBody2 + "\n\n" + kBody3 + "\n\n" + kBody4 + "\n\n" + kBody5);
}

TEST_F(StageTest, NewTitle) { expect_near("Fishermen win marine reserve in Valdora port deal", original_body()); }

TEST_F(StageTest, AddedBylineAndDateline) {
  expect_near(kTitle, "By Ana Lisk, Coastal Wire\n\nUpdated 3 March 2026, 14:05\n\n" + original_body() +
                          "\n\n(Reporting by Ana Lisk; editing by Joel Marr)");
}

TEST_F(StageTest, SmallRewording) {
  std::string body = original_body();
  for (auto [from, to] : {std::pair{"approved", "backed"}, {"told reporters", "said"}, {"destroy", "damage"},
                          {"promised", "pledged"}, {"making it", "which makes it"}}) {
    body.replace(body.find(from), std::string(from).size(), to);
  }
  expect_near(kTitle, body);
}

TEST_F(StageTest, IndependentReportOfTheSameEventIsUnique) {
  const DedupInfo d = run(make_article("indep", kTitle, independent_body(), "https://other.example/indep"));
  EXPECT_EQ(d.status, DedupInfo::Status::unique);
  EXPECT_EQ(d.cluster_id, "indep");
  EXPECT_TRUE(d.duplicate_of.empty());
}

TEST_F(StageTest, ChainOfCopiesKeepsTheFirstSeenRoot) {
  expect_near(kTitle, kLead + "\n\n" + kBody2 + "\n\n" + kBody3 + "\n\n" + kBody4 + "\n\n" + kBody5);
  const DedupInfo d = run(make_article("copy2", "New headline", kLead + "\n\n" + kBody2 + "\n\n" + kBody3 +
                                                                    "\n\n" + kBody4, "https://third.example/c"));
  EXPECT_EQ(d.status, DedupInfo::Status::near_duplicate);
  EXPECT_EQ(d.cluster_id, "orig");
}

TEST_F(StageTest, ShortTextsOnlyMatchExactly) {
  EXPECT_EQ(run(make_article("s1", "Storm warning for the coast", "")).status, DedupInfo::Status::unique);
  EXPECT_EQ(run(make_article("s2", "STORM WARNING for the coast!", "")).status, DedupInfo::Status::exact_duplicate);
  EXPECT_EQ(run(make_article("s3", "Storm warning for the hills", "")).status, DedupInfo::Status::unique);
}

TEST(DedupStageActions, RouteAndDrop) {
  for (auto [action, want] : {std::pair{DedupConfig::Action::annotate, Route::output},
                              {DedupConfig::Action::route, Route::duplicates}, {DedupConfig::Action::drop, Route::drop}}) {
    DedupConfig c = test_config();
    c.action = action;
    DedupStage s(c);
    Article a = make_article("a", "t", original_body());
    Article b = make_article("b", "t", original_body());
    s.process(a);
    s.process(b);
    EXPECT_EQ(a.route, Route::output);
    EXPECT_EQ(b.route, want);
  }
}

TEST(DedupStageWindow, ByPublishedAt) {
  DedupConfig c = test_config();
  c.clock = DedupConfig::Clock::published_at;
  c.index.window_ms = 24LL * 3600 * 1000;
  c.now_ms = [] { return int64_t{1'800'000'000'000}; };
  DedupStage s(c);
  Article a = make_article("a", "t", original_body(), "", "2026-03-01T00:00:00Z");
  Article filler = make_article("f", "other", independent_body(), "", "2026-03-03T00:00:00Z");
  Article b = make_article("b", "t", original_body(), "", "2026-03-03T00:00:01Z");
  s.process(a);
  s.process(filler);  // moves the watermark two days on: "a" leaves the window
  s.process(b);
  EXPECT_EQ(b.dedup->status, DedupInfo::Status::unique);
  EXPECT_EQ(s.index().size(), 2u);
}

TEST(DedupStageFactory, ReadsSettingsAndRejectsBadValues) {
  YAML::Node n = YAML::Load("{action: route, window_hours: 12, max_entries: 1000, threshold: 0.4, bands: 4}");
  Settings s(n, "dedup");
  auto stage = make_dedup_stage(s);
  EXPECT_NO_THROW(s.finish());
  EXPECT_EQ(stage->name(), "dedup");
  EXPECT_FALSE(stage->concurrent());

  Settings bad(YAML::Load("{bands: 20, rows: 2, signature: 16}"), "dedup");
  EXPECT_THROW(make_dedup_stage(bad), ConfigError);
  Settings unknown(YAML::Load("{windw_hours: 3}"), "dedup");
  make_dedup_stage(unknown);
  EXPECT_THROW(unknown.finish(), ConfigError);
}

// The unknown-key error lists every valid key, not only the ones the file happened to set.
TEST(DedupStageFactory, UnknownKeyListsAllValidKeys) {
  Settings s(YAML::Load("{window_hours: 3, windw_hours: 3}"), "dedup");
  make_dedup_stage(s);
  try {
    s.finish();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("dedup.windw_hours"), std::string::npos) << msg;
    for (const char* key : {"action", "window_hours", "clock", "max_entries", "threshold", "shingle_words", "bands",
                            "rows", "signature", "max_candidates_per_band", "max_entries_per_band_key", "min_words",
                            "state_file"}) {
      EXPECT_NE(msg.find(key), std::string::npos) << key << " missing from: " << msg;
    }
  }
}

// An environment override applies to a key the file does not set (it used to be skipped).
TEST(DedupStageFactory, EnvironmentOverridesAbsentKey) {
  ::setenv("NEWSFLOW_DEDUP_MAX_ENTRIES", "1234", 1);
  Settings s(YAML::Load("{}"), "dedup");
  const DedupConfig c = read_dedup_config(s);
  ::unsetenv("NEWSFLOW_DEDUP_MAX_ENTRIES");
  EXPECT_EQ(c.index.max_entries, 1234u);
  EXPECT_NO_THROW(s.finish());
}

TEST(DedupStageRobustness, ArbitraryInputDoesNotThrow) {
  DedupStage s(test_config());
  const std::string odd[] = {"", " ", "\n\n\n", std::string("\0\0", 2), "\xF0\x9F\x98\x80\xF0\x9F\x98\x80",
                             "\u200B\u200B", std::string(5000, '!'), "a", "\xCC\x81\xCC\x81\xCC\x81"};
  int n = 0;
  for (const auto& t : odd) {
    for (const auto& b : odd) {
      Article a = make_article("id" + std::to_string(n++), t, b, t, b);
      EXPECT_NO_THROW(s.process(a));
      ASSERT_TRUE(a.dedup.has_value());
    }
  }
}

// What reaches the state topic: kept articles only, keyed by content; a re-run of a cluster's
// first article (redelivery, aborted transaction) is still unique and is written again.
TEST(DedupStageLog, AppendsKeptArticlesAndRerunRoots) {
  std::vector<std::pair<std::string, std::string>> written;
  auto log = std::make_unique<StreamFingerprintLog>(
      [&](std::string_view k, std::string_view v) { written.emplace_back(std::string(k), std::string(v)); }, nullptr);
  DedupStage s(test_config(), std::move(log));
  Article x = make_article("x", kTitle, original_body());
  s.process(x);
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].first.size(), 16u);
  const auto rec = decode(written[0].second);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->id, "x");
  EXPECT_EQ(state_key(*rec), written[0].first);

  Article again = make_article("x", kTitle, original_body());
  s.process(again);
  EXPECT_EQ(again.dedup->status, DedupInfo::Status::unique);
  EXPECT_EQ(again.dedup->cluster_id, "x");
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[1].first, written[0].first);  // same key: compaction keeps one

  Article copy = make_article("y", kTitle, original_body());
  s.process(copy);
  EXPECT_EQ(copy.dedup->status, DedupInfo::Status::exact_duplicate);
  EXPECT_EQ(copy.dedup->duplicate_of, "x");
  EXPECT_EQ(written.size(), 2u);  // exact copies are never written

  Article near = make_article("z", "Another headline", "By A. Reporter\n\n" + original_body());
  s.process(near);
  EXPECT_EQ(near.dedup->status, DedupInfo::Status::near_duplicate);
  ASSERT_EQ(written.size(), 3u);
  EXPECT_NE(written[2].first, written[0].first);
  EXPECT_EQ(decode(written[2].second)->root_id, "x");
}

// Exactly-once mode: the record the index keeps rides on its article (for the transactional sink);
// an exact copy, which the index does not keep, carries none.
TEST(DedupStageState, RecordsGoOntoArticlesWhenAsked) {
  DedupStage stage{test_config()};
  stage.write_state_to_articles();
  Article a = make_article("orig", kTitle, original_body(), "https://www.valdora-news.example/port/expansion",
                           "2026-03-03T09:00:00Z");
  stage.process(a);
  EXPECT_FALSE(a.state_key.empty());
  EXPECT_FALSE(a.state_value.empty());
  auto decoded = decode(a.state_value);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->id, "orig");
  Article copy = make_article("copy", kTitle, original_body(), "https://www.valdora-news.example/port/expansion");
  stage.process(copy);
  EXPECT_EQ(copy.dedup->status, DedupInfo::Status::exact_duplicate);
  EXPECT_TRUE(copy.state_key.empty());
}
