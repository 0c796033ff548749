#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "stages/dedup/dedup_stage.h"
#include "stages/dedup/fingerprint_log.h"
#include "stages/dedup/tests/fixtures.h"

using namespace newsflow;
using namespace newsflow::dedup;
using namespace newsflow::dedup::test;

namespace {

FingerprintRecord sample_record() {
  FingerprintRecord r;
  r.origin = 0x1122334455667788ULL;
  r.sketch_id = SketchParams{}.id();
  r.id = "wire/2026/0001";
  r.root_id = "wire/2026/0000";
  r.first_seen_ms = 1'767'225'600'000;
  r.fp.text_hash = 0xDEADBEEFCAFEF00DULL;
  r.fp.url_hash = 0x0123456789ABCDEFULL;
  r.fp.time_ms = -5;  // before 1970: zigzag varint
  r.fp.has_sketch = true;
  r.fp.signature_len = 16;
  for (int i = 0; i < 16; ++i) r.fp.sig[static_cast<size_t>(i)] = static_cast<uint16_t>(i * 4099);
  return r;
}

std::string temp_path(const char* name) {
  auto p = std::filesystem::temp_directory_path() / (std::string("newsflow-dedup-test-") + name);
  std::filesystem::remove(p);
  return p.string();
}

DedupConfig fixed_clock() {
  DedupConfig c;
  c.now_ms = [] { return int64_t{1'767'225'600'000}; };
  return c;
}

}  // namespace

TEST(FingerprintRecord, RoundTrip) {
  const FingerprintRecord r = sample_record();
  std::string bytes;
  encode(r, bytes);
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), kRecordVersion);
  EXPECT_LE(bytes.size(), 100u);  // 16 signature values, two 14-byte ids
  const auto d = decode(bytes);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->origin, r.origin);
  EXPECT_EQ(d->sketch_id, r.sketch_id);
  EXPECT_EQ(d->id, r.id);
  EXPECT_EQ(d->root_id, r.root_id);
  EXPECT_EQ(d->first_seen_ms, r.first_seen_ms);
  EXPECT_EQ(d->fp.text_hash, r.fp.text_hash);
  EXPECT_EQ(d->fp.url_hash, r.fp.url_hash);
  EXPECT_EQ(d->fp.time_ms, r.fp.time_ms);
  EXPECT_TRUE(d->fp.has_sketch);
  EXPECT_EQ(d->fp.sig, r.fp.sig);
}

TEST(FingerprintRecord, RejectsDamagedInput) {
  std::string bytes;
  encode(sample_record(), bytes);
  for (size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(decode(bytes.substr(0, n)).has_value()) << n;
  std::string v2 = bytes;
  v2[0] = 2;
  EXPECT_FALSE(decode(v2).has_value());
  EXPECT_FALSE(decode(bytes + "x").has_value());
}

TEST(FileFingerprintLog, ReplaysInOrderAndSkipsATornTail) {
  const std::string path = temp_path("torn");
  {
    FileFingerprintLog log(path);
    FingerprintRecord r = sample_record();
    for (int i = 0; i < 3; ++i) {
      r.id = "a" + std::to_string(i);
      log.append(r);
    }
  }
  {
    std::ofstream f(path, std::ios::app | std::ios::binary);
    f.write("\x40\x01\x02", 3);  // a record cut short by a crash
  }
  FileFingerprintLog log(path);
  std::vector<std::string> ids;
  const ReplayStats st = log.replay([&](const FingerprintRecord& r) { ids.push_back(r.id); });
  EXPECT_EQ(ids, (std::vector<std::string>{"a0", "a1", "a2"}));
  EXPECT_EQ(st.skipped, 1u);
  std::filesystem::remove(path);
}

TEST(FileFingerprintLog, RestartRebuildsTheIndex) {
  const std::string path = temp_path("restart");
  {
    DedupStage first(fixed_clock(), std::make_unique<FileFingerprintLog>(path));
    Article a = make_article("orig", "Port approves expansion", original_body(), "https://a.example/1");
    Article b = make_article("copy", "New title", original_body() + "\n\nBy Staff", "https://b.example/2");
    Article c = make_article("exact", "Port approves expansion", original_body(), "https://c.example/3");
    first.process(a);
    first.process(b);
    first.process(c);
    EXPECT_EQ(b.dedup->status, DedupInfo::Status::near_duplicate);
    EXPECT_EQ(c.dedup->status, DedupInfo::Status::exact_duplicate);
  }
  DedupStage second(fixed_clock(), std::make_unique<FileFingerprintLog>(path));
  const ReplayStats st = second.restore();
  EXPECT_EQ(st.records, 2u);  // exact copies are not stored
  EXPECT_EQ(second.index().size(), 2u);
  Article again = make_article("later", "Port approves expansion", original_body(), "https://d.example/4");
  second.process(again);
  EXPECT_EQ(again.dedup->status, DedupInfo::Status::exact_duplicate);
  EXPECT_EQ(again.dedup->cluster_id, "orig");
  Article url_again = make_article("u", "x", "y", "https://b.example/2?utm_campaign=z");
  second.process(url_again);
  EXPECT_EQ(url_again.dedup->cluster_id, "orig");  // the copy's cluster survives the restart
  std::filesystem::remove(path);
}

TEST(DedupStageRemote, AppliesOtherInstancesRecordsAndIgnoresItsOwn) {
  struct Capture : FingerprintLog {
    std::vector<FingerprintRecord>* out;
    explicit Capture(std::vector<FingerprintRecord>* o) : out(o) {}
    void append(const FingerprintRecord& r) override { out->push_back(r); }
    ReplayStats replay(const std::function<void(const FingerprintRecord&)>&) override { return {}; }
  };
  std::vector<FingerprintRecord> written;
  DedupStage a(fixed_clock(), std::make_unique<Capture>(&written));
  DedupStage b(fixed_clock());
  Article first = make_article("seen-by-a", "Port approves expansion", original_body());
  a.process(first);
  ASSERT_EQ(written.size(), 1u);
  b.offer_remote(written[0]);
  a.offer_remote(written[0]);  // echo of its own record: ignored
  Article copy = make_article("seen-by-b", "Another title", original_body() + "\n\nBy Staff");
  b.process(copy);
  EXPECT_EQ(copy.dedup->status, DedupInfo::Status::near_duplicate);
  EXPECT_EQ(copy.dedup->cluster_id, "seen-by-a");
  EXPECT_EQ(a.index().size(), 1u);
}

TEST(DedupStageRemote, ExtremeRecordTimesAreSafe) {
  DedupStage s(fixed_clock());
  FingerprintRecord r = sample_record();
  for (int64_t t : {INT64_MIN, int64_t{-1}, int64_t{0}, INT64_MAX}) {
    r.fp.time_ms = t;
    r.first_seen_ms = t;
    r.id = "t" + std::to_string(t);
    EXPECT_NO_THROW(s.apply(r));
  }
  Article a = make_article("after", "t", original_body());
  EXPECT_NO_THROW(s.process(a));
}

// With no articles arriving, the follower's records must not pile up: once kMaxQueuedRemote wait,
// offer_remote() applies them itself.
TEST(DedupStageRemote, IdleInputKeepsTheRemoteQueueBounded) {
  DedupStage s(fixed_clock());
  FingerprintRecord r = sample_record();
  r.origin = s.origin() + 1;  // another instance
  r.fp.time_ms = r.first_seen_ms = 1'767'225'600'000;
  const size_t n = DedupStage::kMaxQueuedRemote * 2 + 10;
  for (size_t i = 0; i < n; ++i) {
    r.id = "remote-" + std::to_string(i);
    r.fp.text_hash = 1000 + i;
    r.fp.url_hash = 0;
    s.offer_remote(r);
    ASSERT_LT(s.remote_queued(), DedupStage::kMaxQueuedRemote);
  }
  EXPECT_EQ(s.index().size() + s.remote_queued(), n);
  EXPECT_EQ(s.remote_queued(), 10u);
}
