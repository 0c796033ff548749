#include <gtest/gtest.h>

#include <random>

#include "stages/dedup/dedup_index.h"

using namespace newsflow::dedup;

namespace {

Fingerprint random_fp(std::mt19937_64& rng, int64_t time_ms) {
  Fingerprint fp;
  fp.text_hash = rng();
  fp.url_hash = rng() | 1;
  fp.time_ms = time_ms;
  fp.has_sketch = true;
  fp.signature_len = static_cast<uint8_t>(SketchParams{}.signature);
  for (int i = 0; i < fp.signature_len; ++i) fp.sig[static_cast<size_t>(i)] = static_cast<uint16_t>(rng());
  return fp;
}

IndexConfig small(size_t max_entries) {
  IndexConfig c;
  c.max_entries = max_entries;
  c.window_ms = 3600 * 1000;
  return c;
}

}  // namespace

TEST(DedupIndex, FindsExactAndNearAndRejectsUnrelated) {
  DedupIndex idx(small(100));
  std::mt19937_64 rng(1);
  const Fingerprint a = random_fp(rng, 1000);
  idx.insert(a, idx.add_cluster("a", 1000));

  // Same words: same text hash and same signature (a sketched entry is found through its bands).
  Fingerprint same_text = random_fp(rng, 1000);
  same_text.text_hash = a.text_hash;
  same_text.sig = a.sig;
  EXPECT_EQ(idx.find(same_text).kind, Match::Kind::text);

  Fingerprint same_url = random_fp(rng, 1000);
  same_url.url_hash = a.url_hash;
  EXPECT_EQ(idx.find(same_url).kind, Match::Kind::url);

  Fingerprint near = random_fp(rng, 1000);
  near.sig = a.sig;
  const int n = a.signature_len;
  for (int i = 6; i < n; ++i) near.sig[static_cast<size_t>(i)] ^= 0x5555;  // 6 of n equal
  const Match m = idx.find(near);
  EXPECT_EQ(m.kind, Match::Kind::near);
  EXPECT_NEAR(m.similarity, 6.0 / n, 1e-9);
  EXPECT_EQ(idx.cluster(m.cluster).root_id, "a");

  // One shared band but an estimated similarity below the threshold: not a duplicate.
  Fingerprint weak = random_fp(rng, 1000);
  weak.sig[0] = a.sig[0];
  weak.sig[1] = a.sig[1];
  EXPECT_EQ(idx.find(weak).kind, Match::Kind::none);
  EXPECT_EQ(idx.find(random_fp(rng, 1000)).kind, Match::Kind::none);
}

TEST(DedupIndex, EvictsOldestFirstAtMaxEntries) {
  DedupIndex idx(small(5000));
  std::mt19937_64 rng(2);
  std::vector<Fingerprint> fps;
  for (int i = 0; i < 12000; ++i) {
    fps.push_back(random_fp(rng, 1000));
    idx.insert(fps.back(), idx.add_cluster("id" + std::to_string(i), 1000));
  }
  EXPECT_EQ(idx.size(), 5000u);
  EXPECT_EQ(idx.memory().clusters, 5000u);
  // The newest 5000 are all found (through growth and many backward-shift deletions); older ones are gone.
  for (int i = 0; i < 12000; ++i) {
    const Match m = idx.find(fps[static_cast<size_t>(i)]);
    if (i >= 7000) {
      ASSERT_EQ(m.kind, Match::Kind::url) << i;
      EXPECT_EQ(idx.cluster(m.cluster).root_id, "id" + std::to_string(i));
    } else {
      ASSERT_EQ(m.kind, Match::Kind::none) << i;
    }
  }
}

TEST(DedupIndex, EvictsByTimeWindow) {
  DedupIndex idx(small(100));
  std::mt19937_64 rng(3);
  const Fingerprint old_fp = random_fp(rng, 0);
  idx.advance(0);
  idx.insert(old_fp, idx.add_cluster("old", 0));
  const Fingerprint mid = random_fp(rng, 1800 * 1000);
  idx.advance(mid.time_ms);
  idx.insert(mid, idx.add_cluster("mid", mid.time_ms));
  EXPECT_EQ(idx.size(), 2u);
  idx.advance(3601 * 1000);  // one hour after "old"
  EXPECT_EQ(idx.size(), 1u);
  EXPECT_EQ(idx.find(old_fp).kind, Match::Kind::none);
  EXPECT_EQ(idx.find(mid).kind, Match::Kind::url);
  idx.advance(10);  // time never goes backwards
  EXPECT_EQ(idx.watermark_ms(), 3601 * 1000);
}

TEST(DedupIndex, ClusterLivesWhileAMemberDoes) {
  DedupIndex idx(small(2));
  std::mt19937_64 rng(4);
  const uint32_t c = idx.add_cluster("root", 5);
  idx.insert(random_fp(rng, 10), c);
  idx.insert(random_fp(rng, 10), c);  // a copy in the same cluster
  const Fingerprint x = random_fp(rng, 10);
  idx.insert(x, idx.add_cluster("x", 10));  // evicts the root's entry
  ASSERT_TRUE(idx.find_cluster("root").has_value());
  EXPECT_EQ(idx.cluster(*idx.find_cluster("root")).first_seen_ms, 5);
  idx.insert(random_fp(rng, 10), idx.add_cluster("y", 10));  // evicts the copy
  EXPECT_FALSE(idx.find_cluster("root").has_value());
  EXPECT_TRUE(idx.find_cluster("x").has_value());
}

TEST(DedupIndex, MemoryIsAccounted) {
  DedupIndex idx(small(1000));
  std::mt19937_64 rng(5);
  for (int i = 0; i < 1000; ++i) idx.insert(random_fp(rng, 1), idx.add_cluster("c" + std::to_string(i), 1));
  const MemoryUsage u = idx.memory();
  EXPECT_EQ(u.entries, 1000u);
  EXPECT_GT(u.index_bytes(), 1000u * 36);   // 16-byte entry + 20-byte signature at least
  EXPECT_LT(u.index_bytes(), 1000u * 200);
}

// Entries without a sketch (short texts) are found through the text table, also after it grew
// and after evictions; sketched ones are not in it.
TEST(DedupIndex, ExactTextWithoutSketchThroughTheTextTable) {
  DedupIndex idx(small(3000));
  std::mt19937_64 rng(6);
  std::vector<Fingerprint> fps;
  for (int i = 0; i < 5000; ++i) {
    Fingerprint fp = random_fp(rng, 1);
    fp.has_sketch = i % 3 != 0;
    fp.url_hash = 0;
    fps.push_back(fp);
    idx.insert(fp, idx.add_cluster("t" + std::to_string(i), 1));
  }
  for (int i = 0; i < 5000; ++i) {
    Fingerprint q = fps[static_cast<size_t>(i)];
    const Match m = idx.find(q);
    if (i < 2000) {
      EXPECT_EQ(m.kind, Match::Kind::none) << i;  // evicted
    } else {
      ASSERT_EQ(m.kind, Match::Kind::text) << i;
      EXPECT_EQ(idx.cluster(m.cluster).root_id, "t" + std::to_string(i));
    }
  }
}
