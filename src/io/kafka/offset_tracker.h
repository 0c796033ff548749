// Per-partition tracking of records in flight, for at-least-once (and exactly-once) commits.
//
// The source calls begin() for every record it hands to the graph (offsets increase per partition,
// with gaps where transaction markers or compacted records were); the sink calls complete() when the
// record's output (or DLQ record) has its delivery report, in any order. The position to commit for
// a partition is the offset after the longest completed prefix of begun records: the next offset a
// restarted consumer must read so that nothing in flight is lost.
//
// Each assignment of a partition is a new generation: a ticket from before a revoke or a loss no
// longer counts, so a late delivery report can never complete a redelivered record.
// Thread-safe: begin/complete/take_commits may run on different threads.
#pragma once

#include <chrono>
#include <compare>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow::kafka {

struct TopicPartition {
  std::string topic;
  int32_t partition = -1;
  auto operator<=>(const TopicPartition&) const = default;
};

// One record in flight. Carry it with the record and hand it back to complete().
struct OffsetTicket {
  uint32_t slot = 0;
  uint64_t generation = 0;  // 0: never begun
  int64_t offset = -1;
};

struct CommitPosition {
  TopicPartition tp;
  int64_t offset = -1;  // next offset to consume (what rd_kafka_offsets_store / commit expect)
  auto operator<=>(const CommitPosition&) const = default;
};

class PartitionOffsetTracker {
 public:
  enum class Begin : uint8_t {
    accepted,      // tracked: complete(ticket) later
    duplicate,     // offset not above the last begun one (a rewind): the record is already
                   // tracked, skip it
    not_assigned,  // partition not assigned (any more): skip it
    invalid,       // negative offset
  };

  // Starts tracking a partition (a new generation); no-op while it is already assigned.
  void assign(const TopicPartition& tp);

  Begin begin(std::string_view topic, int32_t partition, int64_t offset, OffsetTicket& ticket);

  // Marks a begun record done. False for a stale ticket (its partition was revoked or lost since)
  // or one completed before.
  bool complete(const OffsetTicket& ticket);

  // Positions that advanced since the last call (or revoke), in partition order.
  std::vector<CommitPosition> take_commits();

  // Stops tracking; returns the position to commit now if it advanced since last taken. Call
  // wait_drained() first to let in-flight records finish.
  std::optional<int64_t> revoke(const TopicPartition& tp);

  // Stops tracking without a position: a lost partition belongs to another consumer already.
  void lost(const TopicPartition& tp);

  // Waits until none of `tps` that are still assigned has records in flight. False on timeout.
  bool wait_drained(const std::vector<TopicPartition>& tps, std::chrono::steady_clock::time_point deadline);

  // --- exactly-once (transactions) ---
  // True while `ticket` is begun, not completed and of its partition's current generation: its
  // output may still enter the open transaction.
  bool current(const OffsetTicket& ticket) const;
  // Records that `positions` are committed (in a committed transaction): where rewind() goes back to.
  void mark_committed(const std::vector<CommitPosition>& positions);
  // After an aborted transaction: every assigned partition that has begun records starts a new
  // generation (all its tickets turn stale, nothing in flight) and is returned with the offset to
  // seek the consumer to: the last committed position, or else the first offset begun since the
  // assignment (where the consumer started). Partitions with nothing begun are left alone.
  std::vector<CommitPosition> rewind();

  // Current position (nullopt: nothing completed yet in this generation, or not assigned).
  std::optional<int64_t> position(const TopicPartition& tp) const;
  size_t in_flight() const;
  size_t in_flight(const TopicPartition& tp) const;
  bool assigned(const TopicPartition& tp) const;
  std::vector<TopicPartition> assignment() const;

 private:
  struct Entry {
    int64_t offset;
    bool done;
  };
  struct Slot {
    TopicPartition tp;
    uint64_t generation = 0;  // 0: free
    std::deque<Entry> window;  // begun, offset order; front = oldest not yet released
    int64_t last_begun = -1;
    int64_t position = -1;     // -1: nothing released yet
    int64_t taken = -1;        // position last handed out
    int64_t committed = -1;    // exactly-once: position of the last committed transaction
    int64_t first_begun = -1;  // first offset begun since the assignment (or the last rewind)
    size_t in_flight = 0;
  };
  // Lookup by (topic view, partition) without building a std::string per record.
  struct Less {
    using is_transparent = void;
    using View = std::pair<std::string_view, int32_t>;
    static View view(const TopicPartition& tp) { return {tp.topic, tp.partition}; }
    static View view(const View& v) { return v; }
    bool operator()(const auto& a, const auto& b) const { return view(a) < view(b); }
  };

  const Slot* find(const TopicPartition& tp) const;  // requires mu_
  void release(uint32_t slot);                       // requires mu_

  mutable std::mutex mu_;
  std::condition_variable drained_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  std::map<TopicPartition, uint32_t, Less> index_;
  uint64_t next_generation_ = 1;
  size_t in_flight_ = 0;
};

}  // namespace newsflow::kafka
