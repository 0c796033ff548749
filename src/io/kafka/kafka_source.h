// The Kafka source: a consumer group member (cooperative-sticky) that hands records to the run
// loop one at a time, each begun in the PartitionOffsetTracker (its ticket rides in
// Record::source_tag). Offsets are stored only from tracker positions (enable.auto.offset.store=
// false) and auto-committed. Back-pressure pauses every assigned partition; resume touches only
// partitions this source paused and still owns (librdkafka 2.0.2 can rewind a partition resumed
// without a pause). Revoked partitions are drained (bounded) and committed; lost ones never are.
// Exactly-once (set_transactional): nothing is stored or committed by the consumer; offsets go
// through the producer's transactions, committed or aborted before partitions are given up.
// Single-threaded: every call, and the rebalance callback, runs on the caller's thread.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <vector>
#include <string>

#include "core/article.h"
#include "io/kafka/consumer_close.h"
#include "io/kafka/kafka_config.h"
#include "io/kafka/offset_tracker.h"

namespace newsflow::kafka {

// The consumer properties newsflow uses: defaults, then the user's kafka.consumer map on top.
Properties consumer_properties(const std::string& bootstrap, const std::string& group, const Properties& user);

struct GroupMetadataDeleter {
  void operator()(rd_kafka_consumer_group_metadata_t* g) const noexcept { rd_kafka_consumer_group_metadata_destroy(g); }
};
using GroupMetadataPtr = std::unique_ptr<rd_kafka_consumer_group_metadata_t, GroupMetadataDeleter>;

class KafkaSource {
 public:
  using Clock = std::chrono::steady_clock;
  // Exactly-once: called in the rebalance callback before partitions are given up (their
  // in-flight records have had the drain time; `lost`: another member owns them already). It
  // commits or aborts the open transaction and stops tracking them; it returns where to seek the
  // partitions kept (after an abort).
  using GiveUpHandler = std::function<std::vector<CommitPosition>(const std::vector<TopicPartition>& tps, bool lost)>;
  // Creates the consumer and subscribes to `topic`. Throws ConfigError / std::runtime_error.
  KafkaSource(const Properties& props, const std::string& topic, PartitionOffsetTracker& tracker,
              std::chrono::milliseconds revoke_drain_timeout);
  ~KafkaSource();

  // Serves the consumer for up to `timeout` (rebalances run here) and buffers what arrives.
  void poll(std::chrono::milliseconds timeout);
  // The next buffered record, begun in the tracker. False when none is buffered.
  bool next(Record& record);

  void pause();   // every assigned partition
  void resume();  // the ones pause() stopped and still assigned
  bool paused() const { return paused_all_; }
  size_t buffered() const { return buffered_.size(); }

  // Stores the positions the tracker advanced (auto-commit sends them).
  void store_completed();
  // Stores and commits synchronously now (shutdown).
  void commit_now();
  // Leaves the group (final revoke commits) within `timeout`; the handle is released on timeout.
  CloseResult close(std::chrono::milliseconds timeout);

  // Exactly-once: offsets go through the producer's transactions (`give_up` on revoke/lost); the
  // consumer never stores or commits offsets itself.
  void set_transactional(GiveUpHandler give_up) { give_up_ = std::move(give_up); }
  // After an aborted transaction: drops the buffered records of `targets`' partitions and seeks
  // them back (synchronously). Throws if a seek fails: reading on would skip records.
  void rewind(const std::vector<CommitPosition>& targets);
  // The consumer's group metadata (member, generation) for send_offsets_to_transaction.
  GroupMetadataPtr group_metadata() const { return GroupMetadataPtr(rd_kafka_consumer_group_metadata(rk_)); }

  // Bounds the wait for in-flight records of revoked partitions (e.g. shorter at shutdown).
  void set_revoke_drain_timeout(std::chrono::milliseconds t) { revoke_drain_timeout_ = t; }

  bool assigned() const { return !tracker_.assignment().empty(); }
  int64_t rebalances() const { return rebalances_; }
  const std::string& last_error() const { return last_error_; }

 private:
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* opaque);
  void rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts);
  void drop_buffered(const std::set<TopicPartition>& tps);
  void store(const std::vector<CommitPosition>& positions);

  Properties props_;
  PartitionOffsetTracker& tracker_;
  std::chrono::milliseconds revoke_drain_timeout_;
  GiveUpHandler give_up_;  // set: exactly-once
  rd_kafka_t* rk_ = nullptr;  // released (not destroyed) when close times out
  std::deque<rd_kafka_message_t*> buffered_;
  std::set<TopicPartition> paused_;
  bool paused_all_ = false;
  bool closed_ = false;
  int64_t rebalances_ = 0;
  std::string last_error_;
  std::string callback_error_;  // thrown in the rebalance callback; rethrown by poll()
};

}  // namespace newsflow::kafka
