#include "io/kafka/offset_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <thread>

namespace newsflow::kafka {
namespace {

using Begin = PartitionOffsetTracker::Begin;
const TopicPartition kP0{"news.articles.raw", 0};
const TopicPartition kP1{"news.articles.raw", 1};

OffsetTicket begin_ok(PartitionOffsetTracker& t, const TopicPartition& tp, int64_t offset) {
  OffsetTicket ticket;
  EXPECT_EQ(t.begin(tp.topic, tp.partition, offset, ticket), Begin::accepted) << offset;
  return ticket;
}

TEST(OffsetTracker, InOrderCompletionAdvancesOneByOne) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  std::vector<OffsetTicket> tickets;
  for (int64_t o = 10; o < 15; ++o) tickets.push_back(begin_ok(t, kP0, o));
  EXPECT_EQ(t.position(kP0), std::nullopt);
  EXPECT_EQ(t.in_flight(kP0), 5u);
  for (const auto& ticket : tickets) {
    ASSERT_TRUE(t.complete(ticket));
    EXPECT_EQ(t.position(kP0), ticket.offset + 1);
  }
  EXPECT_EQ(t.in_flight(), 0u);
}

TEST(OffsetTracker, OutOfOrderCompletionWaitsForTheGap) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  auto a = begin_ok(t, kP0, 0), b = begin_ok(t, kP0, 1), c = begin_ok(t, kP0, 2);
  ASSERT_TRUE(t.complete(c));
  ASSERT_TRUE(t.complete(b));
  EXPECT_EQ(t.position(kP0), std::nullopt);  // 0 still in flight: committing 1 or 3 could lose it
  ASSERT_TRUE(t.complete(a));
  EXPECT_EQ(t.position(kP0), 3);
}

TEST(OffsetTracker, OffsetGapsFromMarkersOrCompactionAreNotWaitedFor) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  auto a = begin_ok(t, kP0, 5), b = begin_ok(t, kP0, 9), c = begin_ok(t, kP0, 20);
  ASSERT_TRUE(t.complete(b));
  ASSERT_TRUE(t.complete(a));
  EXPECT_EQ(t.position(kP0), 10);
  ASSERT_TRUE(t.complete(c));
  EXPECT_EQ(t.position(kP0), 21);
}

TEST(OffsetTracker, RejectsUnassignedRewoundAndNegativeOffsets) {
  PartitionOffsetTracker t;
  OffsetTicket ticket;
  EXPECT_EQ(t.begin("news.articles.raw", 0, 0, ticket), Begin::not_assigned);
  t.assign(kP0);
  begin_ok(t, kP0, 7);
  EXPECT_EQ(t.begin("news.articles.raw", 0, 7, ticket), Begin::duplicate);
  EXPECT_EQ(t.begin("news.articles.raw", 0, 3, ticket), Begin::duplicate);
  EXPECT_EQ(t.begin("news.articles.raw", 0, -1, ticket), Begin::invalid);
  EXPECT_EQ(t.begin("news.articles.other", 0, 8, ticket), Begin::not_assigned);
  EXPECT_EQ(t.in_flight(), 1u);
}

TEST(OffsetTracker, DoubleAndForeignCompletionsAreRefused) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  auto a = begin_ok(t, kP0, 0);
  EXPECT_TRUE(t.complete(a));
  EXPECT_FALSE(t.complete(a));
  EXPECT_FALSE(t.complete(OffsetTicket{}));
  OffsetTicket never_begun = a;
  never_begun.offset = 42;
  EXPECT_FALSE(t.complete(never_begun));
  EXPECT_EQ(t.position(kP0), 1);
}

// Reliability plan, "one slow article blocks offset k": 10,000 records, every one but k completes
// in random order (a slow article at k); the position to commit stays at exactly k the whole time
// (k is the next offset to read after a restart), then jumps to the end offset when k completes.
TEST(OffsetTracker, OneBlockedOffsetHoldsTheCommitExactlyThere) {
  constexpr int64_t kEnd = 10000, kBlocked = 4321;
  PartitionOffsetTracker t;
  t.assign(kP0);
  std::vector<OffsetTicket> tickets;
  for (int64_t o = 0; o < kEnd; ++o) tickets.push_back(begin_ok(t, kP0, o));
  std::vector<int64_t> order;
  for (int64_t o = 0; o < kEnd; ++o) {
    if (o != kBlocked) order.push_back(o);
  }
  std::mt19937 rng(7);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<int64_t> committed;  // every position take_commits() hands out
  for (size_t i = 0; i < order.size(); ++i) {
    ASSERT_TRUE(t.complete(tickets[static_cast<size_t>(order[i])]));
    for (const auto& c : t.take_commits()) committed.push_back(c.offset);
    ASSERT_LE(t.position(kP0).value_or(0), kBlocked) << "committed past the blocked offset";
  }
  EXPECT_EQ(t.position(kP0), kBlocked);
  ASSERT_FALSE(committed.empty());
  EXPECT_EQ(committed.back(), kBlocked);
  EXPECT_TRUE(std::is_sorted(committed.begin(), committed.end()));
  EXPECT_EQ(t.in_flight(kP0), 1u);
  ASSERT_TRUE(t.complete(tickets[kBlocked]));
  EXPECT_EQ(t.take_commits(), (std::vector<CommitPosition>{{kP0, kEnd}}));
  EXPECT_EQ(t.in_flight(), 0u);
}

TEST(OffsetTracker, TakeCommitsReturnsOnlyAdvancedPartitions) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  t.assign(kP1);
  auto a = begin_ok(t, kP0, 0);
  auto b = begin_ok(t, kP1, 100);
  auto c = begin_ok(t, kP1, 101);
  EXPECT_TRUE(t.take_commits().empty());
  t.complete(a);
  t.complete(c);
  EXPECT_EQ(t.take_commits(), (std::vector<CommitPosition>{{kP0, 1}}));
  EXPECT_TRUE(t.take_commits().empty());
  t.complete(b);
  EXPECT_EQ(t.take_commits(), (std::vector<CommitPosition>{{kP1, 102}}));
}

TEST(OffsetTracker, RevokeReturnsTheUntakenPositionAndStalesTickets) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  auto a = begin_ok(t, kP0, 0);
  auto b = begin_ok(t, kP0, 1);
  t.complete(a);
  EXPECT_EQ(t.revoke(kP0), 1);
  EXPECT_FALSE(t.assigned(kP0));
  EXPECT_EQ(t.in_flight(), 0u);
  EXPECT_FALSE(t.complete(b));  // its delivery report came too late: 1 is redelivered instead
  EXPECT_EQ(t.revoke(kP0), std::nullopt);

  // Reassigned: the redelivered offset 1 is a new record; the old ticket must not complete it.
  t.assign(kP0);
  auto b2 = begin_ok(t, kP0, 1);
  EXPECT_FALSE(t.complete(b));
  EXPECT_EQ(t.position(kP0), std::nullopt);
  EXPECT_TRUE(t.complete(b2));
  EXPECT_EQ(t.position(kP0), 2);
}

TEST(OffsetTracker, RevokeAfterTakeHasNothingNew) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  t.complete(begin_ok(t, kP0, 0));
  EXPECT_EQ(t.take_commits().size(), 1u);
  EXPECT_EQ(t.revoke(kP0), std::nullopt);
}

TEST(OffsetTracker, LostPartitionsAreNeverCommitted) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  t.assign(kP1);
  auto a = begin_ok(t, kP0, 0);
  begin_ok(t, kP1, 0);
  t.complete(a);
  t.lost(kP0);
  EXPECT_FALSE(t.assigned(kP0));
  EXPECT_TRUE(t.take_commits().empty());
  EXPECT_EQ(t.in_flight(), 1u);
  EXPECT_EQ(t.assignment(), (std::vector<TopicPartition>{kP1}));
}

TEST(OffsetTracker, AssignIsIdempotent) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  auto a = begin_ok(t, kP0, 0);
  t.assign(kP0);  // e.g. an incremental assign repeating a partition: same generation
  EXPECT_TRUE(t.complete(a));
  EXPECT_EQ(t.position(kP0), 1);
}

TEST(OffsetTracker, WaitDrainedReportsInFlightRecords) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  t.assign(kP1);
  auto a = begin_ok(t, kP0, 0);
  begin_ok(t, kP1, 0);
  auto now = std::chrono::steady_clock::now();
  EXPECT_FALSE(t.wait_drained({kP0}, now));
  std::thread completer([&] { t.complete(a); });
  EXPECT_TRUE(t.wait_drained({kP0}, now + std::chrono::hours(1)));
  completer.join();
  EXPECT_FALSE(t.wait_drained({kP0, kP1}, now));
  t.lost(kP1);  // forgotten partitions count as drained
  EXPECT_TRUE(t.wait_drained({kP0, kP1}, now));
}

// Brute force: the position is the offset after the longest completed prefix of begun records.
std::optional<int64_t> expected_position(const std::vector<int64_t>& begun, const std::set<int64_t>& done) {
  std::optional<int64_t> pos;
  for (int64_t o : begun) {
    if (!done.contains(o)) break;
    pos = o + 1;
  }
  return pos;
}

// Interleaved begins and completions in random orders, three partitions with random offset gaps,
// checked after every step against the brute force.
TEST(OffsetTracker, RandomCompletionOrdersMatchBruteForce) {
  constexpr int kPartitions = 3, kRecords = 300;
  for (uint32_t seed = 1; seed <= 25; ++seed) {
    std::mt19937 rng(seed);
    PartitionOffsetTracker t;
    std::vector<TopicPartition> tps;
    std::vector<std::vector<int64_t>> offsets(kPartitions), begun(kPartitions);
    std::vector<std::set<int64_t>> done(kPartitions);
    std::vector<size_t> next(kPartitions, 0);
    for (int p = 0; p < kPartitions; ++p) {
      tps.push_back({"t", p});
      t.assign(tps.back());
      int64_t o = std::uniform_int_distribution<int64_t>(0, 1000)(rng);
      for (int i = 0; i < kRecords; ++i) {
        offsets[p].push_back(o);
        o += std::uniform_int_distribution<int64_t>(1, 3)(rng);
      }
    }
    std::vector<std::pair<int, OffsetTicket>> pending;
    std::map<int, int64_t> last_taken;
    size_t completed = 0;
    while (completed < kPartitions * kRecords) {
      int p = std::uniform_int_distribution<int>(0, kPartitions - 1)(rng);
      bool can_begin = next[p] < offsets[p].size();
      if (can_begin && (pending.empty() || rng() % 2 == 0)) {
        int64_t o = offsets[p][next[p]++];
        pending.emplace_back(p, begin_ok(t, tps[p], o));
        begun[p].push_back(o);
      } else if (!pending.empty()) {
        size_t i = std::uniform_int_distribution<size_t>(0, pending.size() - 1)(rng);
        auto [q, ticket] = pending[i];
        pending[i] = pending.back();
        pending.pop_back();
        ASSERT_TRUE(t.complete(ticket));
        done[q].insert(ticket.offset);
        ++completed;
        ASSERT_EQ(t.position(tps[q]), expected_position(begun[q], done[q])) << "seed " << seed;
      }
      if (rng() % 16 == 0) {
        for (const auto& c : t.take_commits()) {
          EXPECT_GT(c.offset, last_taken[c.tp.partition]);  // positions only move forward
          last_taken[c.tp.partition] = c.offset;
        }
      }
      ASSERT_EQ(t.in_flight(), pending.size());
    }
    for (int p = 0; p < kPartitions; ++p) EXPECT_EQ(t.position(tps[p]), offsets[p].back() + 1);
  }
}

// One thread begins (the consumer), another completes in shuffled batches (delivery reports).
TEST(OffsetTracker, ConcurrentBeginAndComplete) {
  constexpr int64_t kRecords = 20000;
  PartitionOffsetTracker t;
  t.assign(kP0);
  std::mutex mu;
  std::vector<OffsetTicket> queue;
  std::thread producer([&] {
    for (int64_t o = 0; o < kRecords; ++o) {
      OffsetTicket ticket = begin_ok(t, kP0, o);
      std::lock_guard lock(mu);
      queue.push_back(ticket);
    }
  });
  std::mt19937 rng(7);
  int64_t completed = 0;
  while (completed < kRecords) {
    std::vector<OffsetTicket> batch;
    {
      std::lock_guard lock(mu);
      batch.swap(queue);
    }
    std::shuffle(batch.begin(), batch.end(), rng);
    for (const auto& ticket : batch) EXPECT_TRUE(t.complete(ticket));  // no ASSERT: the thread must be joined
    completed += static_cast<int64_t>(batch.size());
    if (batch.empty()) std::this_thread::yield();
  }
  producer.join();
  EXPECT_EQ(t.position(kP0), kRecords);
  EXPECT_EQ(t.in_flight(), 0u);
}


// --- exactly-once: what an aborted transaction rewinds to ---

TEST(OffsetTracker, CurrentIsTrueOnlyForOpenTicketsOfTheCurrentGeneration) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  OffsetTicket a = begin_ok(t, kP0, 5);
  OffsetTicket b = begin_ok(t, kP0, 6);
  EXPECT_TRUE(t.current(a));
  ASSERT_TRUE(t.complete(a));
  EXPECT_FALSE(t.current(a));  // completed: its output is already in a transaction
  EXPECT_TRUE(t.current(b));
  t.revoke(kP0);
  EXPECT_FALSE(t.current(b));  // revoked: its output must not enter any transaction
  EXPECT_FALSE(t.current(OffsetTicket{}));
}

TEST(OffsetTracker, RewindGoesBackToTheFirstBegunOffsetWithoutACommit) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  t.assign(kP1);
  OffsetTicket a = begin_ok(t, kP0, 40);
  begin_ok(t, kP0, 41);
  ASSERT_TRUE(t.complete(a));
  auto targets = t.rewind();
  ASSERT_EQ(targets.size(), 1u);  // kP1 has read nothing: left alone
  EXPECT_EQ(targets[0], (CommitPosition{kP0, 40}));
  EXPECT_EQ(t.in_flight(), 0u);
  EXPECT_EQ(t.position(kP0), std::nullopt);
  EXPECT_TRUE(t.take_commits().empty());
  // The consumer reads 40 again: accepted in the new generation.
  OffsetTicket again = begin_ok(t, kP0, 40);
  EXPECT_NE(again.generation, a.generation);
}

TEST(OffsetTracker, RewindGoesBackToTheLastCommittedPositionAndStalesTickets) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  std::vector<OffsetTicket> tickets;
  for (int64_t o = 0; o < 10; ++o) tickets.push_back(begin_ok(t, kP0, o));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(t.complete(tickets[i]));
  auto taken = t.take_commits();
  ASSERT_EQ(taken, (std::vector<CommitPosition>{{kP0, 4}}));
  t.mark_committed(taken);
  for (int i = 4; i < 7; ++i) ASSERT_TRUE(t.complete(tickets[i]));
  ASSERT_EQ(t.take_commits(), (std::vector<CommitPosition>{{kP0, 7}}));  // sent, then aborted
  auto targets = t.rewind();
  ASSERT_EQ(targets, (std::vector<CommitPosition>{{kP0, 4}}));
  EXPECT_FALSE(t.complete(tickets[8]));  // the aborted transaction's records are dropped
  EXPECT_FALSE(t.current(tickets[9]));
  for (int64_t o = 4; o < 6; ++o) ASSERT_TRUE(t.complete(begin_ok(t, kP0, o)));
  EXPECT_EQ(t.take_commits(), (std::vector<CommitPosition>{{kP0, 6}}));
  // A second abort without a commit in between still goes back to 4.
  EXPECT_EQ(t.rewind(), (std::vector<CommitPosition>{{kP0, 4}}));
}

TEST(OffsetTracker, MarkCommittedIgnoresPartitionsNoLongerAssigned) {
  PartitionOffsetTracker t;
  t.assign(kP0);
  t.mark_committed({{kP1, 9}});
  t.revoke(kP0);
  t.assign(kP0);  // a new assignment: its committed position is unknown again
  EXPECT_TRUE(t.rewind().empty());
}

}  // namespace
}  // namespace newsflow::kafka
