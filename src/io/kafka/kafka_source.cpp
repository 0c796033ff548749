#include "io/kafka/kafka_source.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <stdexcept>

#include "io/kafka/redact.h"
#include "io/kafka/statistics.h"
#include "io/kafka/ticket.h"

namespace newsflow::kafka {
namespace {

constexpr const char* kReserved[] = {"enable.auto.offset.store", "enable.partition.eof"};

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const noexcept { rd_kafka_topic_partition_list_destroy(l); }
};
using ListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

ListPtr make_list(const auto& tps) {
  ListPtr l(rd_kafka_topic_partition_list_new(static_cast<int>(tps.size())));
  for (const TopicPartition& tp : tps) rd_kafka_topic_partition_list_add(l.get(), tp.topic.c_str(), tp.partition);
  return l;
}

void log_error(const char* what, rd_kafka_error_t* e) {
  if (!e) return;
  spdlog::error("kafka consumer: {}: {}", what, rd_kafka_error_string(e));
  rd_kafka_error_destroy(e);
}

}  // namespace

Properties consumer_properties(const std::string& bootstrap, const std::string& group, const Properties& user) {
  Properties props = {{"bootstrap.servers", bootstrap},
                      {"group.id", group},
                      {"partition.assignment.strategy", "cooperative-sticky"},
                      {"auto.offset.reset", "earliest"},
                      // Commits what store_completed() stored: only offsets whose outputs are durable.
                      {"enable.auto.commit", "true"},
                      {"auto.commit.interval.ms", "1000"}};
  for (const auto& [k, v] : user) {
    for (const char* r : kReserved) {
      if (k == r) throw ConfigError("kafka.consumer." + k + ": set by newsflow itself, remove it from the config");
    }
    props[k] = v;
  }
  props["enable.auto.offset.store"] = "false";
  return props;
}

KafkaSource::KafkaSource(const Properties& props, const std::string& topic, PartitionOffsetTracker& tracker,
                         std::chrono::milliseconds revoke_drain_timeout)
    : props_(props), tracker_(tracker), revoke_drain_timeout_(revoke_drain_timeout) {
  ConfPtr conf = make_conf(props_, "kafka.consumer");
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaSource::on_rebalance);
  attach_statistics(conf.get(), props_);
  rk_ = make_client(RD_KAFKA_CONSUMER, std::move(conf), props_, "kafka.consumer").release();
  rd_kafka_poll_set_consumer(rk_);
  ListPtr sub(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(sub.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (rd_kafka_resp_err_t err = rd_kafka_subscribe(rk_, sub.get())) {
    rd_kafka_destroy(rk_);
    throw std::runtime_error("cannot subscribe to " + topic + ": " + rd_kafka_err2str(err));
  }
}

KafkaSource::~KafkaSource() {
  for (auto* m : buffered_) rd_kafka_message_destroy(m);
  if (closed_ || !rk_) return;  // a timed-out close leaves the handle alone (destroy could hang)
  forget_statistics(rd_kafka_name(rk_));
  rd_kafka_destroy_flags(rk_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

void KafkaSource::poll(std::chrono::milliseconds timeout) {
  rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, static_cast<int>(timeout.count()));
  if (!m) return;
  if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
    char buf[512] = "";
    rd_kafka_fatal_error(rk_, buf, sizeof buf);
    rd_kafka_message_destroy(m);
    throw std::runtime_error("kafka consumer fatal error: " + scrub(buf, props_));
  }
  if (m->err) {
    // Consumer errors are informational (broker down, ...) unless fatal; librdkafka recovers.
    std::string e = scrub(rd_kafka_message_errstr(m), props_);
    if (e != last_error_) spdlog::warn("kafka consumer: {}", e);
    last_error_ = std::move(e);
    rd_kafka_message_destroy(m);
    return;
  }
  buffered_.push_back(m);
}

bool KafkaSource::next(Record& r) {
  while (!buffered_.empty()) {
    rd_kafka_message_t* m = buffered_.front();
    buffered_.pop_front();
    OffsetTicket ticket;
    const char* topic = rd_kafka_topic_name(m->rkt);
    if (tracker_.begin(topic, m->partition, m->offset, ticket) != PartitionOffsetTracker::Begin::accepted) {
      rd_kafka_message_destroy(m);  // a rewound duplicate, or a partition no longer ours
      continue;
    }
    r = Record{};
    if (m->key) r.key.emplace(static_cast<const char*>(m->key), m->key_len);
    if (m->payload) r.value.emplace(static_cast<const char*>(m->payload), m->len);
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name;
      const void* val;
      size_t size;
      for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
        Header h{name, std::nullopt};
        if (val) h.value.emplace(static_cast<const char*>(val), size);
        r.headers.push_back(std::move(h));
      }
    }
    r.position.topic = topic;
    r.position.partition = m->partition;
    r.position.offset = m->offset;
    rd_kafka_timestamp_type_t tstype;
    r.timestamp_ms = rd_kafka_message_timestamp(m, &tstype);
    r.source_tag = encode_ticket(ticket);
    rd_kafka_message_destroy(m);
    return true;
  }
  return false;
}

void KafkaSource::pause() {
  if (paused_all_) return;
  paused_all_ = true;
  auto tps = tracker_.assignment();
  if (tps.empty()) return;
  ListPtr l = make_list(tps);
  rd_kafka_pause_partitions(rk_, l.get());
  paused_.insert(tps.begin(), tps.end());
}

void KafkaSource::resume() {
  if (!paused_all_) return;
  paused_all_ = false;
  if (paused_.empty()) return;
  ListPtr l = make_list(paused_);  // revoke/lost remove entries: all still assigned
  rd_kafka_resume_partitions(rk_, l.get());
  paused_.clear();
}

void KafkaSource::store(const std::vector<CommitPosition>& positions) {
  if (positions.empty()) return;
  ListPtr l(rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
  for (const auto& c : positions) rd_kafka_topic_partition_list_add(l.get(), c.tp.topic.c_str(), c.tp.partition)->offset = c.offset;
  if (rd_kafka_resp_err_t err = rd_kafka_offsets_store(rk_, l.get())) {
    spdlog::warn("kafka consumer: storing offsets: {}", rd_kafka_err2str(err));
  }
}

void KafkaSource::store_completed() { store(tracker_.take_commits()); }

void KafkaSource::commit_now() {
  store_completed();
  rd_kafka_resp_err_t err = rd_kafka_commit(rk_, nullptr, 0);
  if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) spdlog::warn("kafka consumer: commit: {}", rd_kafka_err2str(err));
}

CloseResult KafkaSource::close(std::chrono::milliseconds timeout) {
  CloseResult r = close_consumer(rk_, timeout);
  forget_statistics(rd_kafka_name(rk_));  // polled no more: its lag and offsets would only go stale
  if (r == CloseResult::closed) {
    closed_ = true;
    rd_kafka_destroy(rk_);
  } else {
    closed_ = true;  // released: destroying a consumer stuck in close can hang too
    spdlog::warn("kafka consumer: close did not finish within {} ms; exiting without it", timeout.count());
  }
  rk_ = nullptr;
  return r;
}

void KafkaSource::drop_buffered(const std::set<TopicPartition>& tps) {
  std::erase_if(buffered_, [&](rd_kafka_message_t* m) {
    if (!tps.contains(TopicPartition{rd_kafka_topic_name(m->rkt), m->partition})) return false;
    rd_kafka_message_destroy(m);
    return true;
  });
}

void KafkaSource::on_rebalance(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* opaque) {
  static_cast<KafkaSource*>(opaque)->rebalance(err, parts);
}

void KafkaSource::rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
  ++rebalances_;
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk_), "COOPERATIVE") == 0;
  std::set<TopicPartition> tps;
  for (int i = 0; i < parts->cnt; ++i) tps.insert({parts->elems[i].topic, parts->elems[i].partition});
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    spdlog::info("kafka consumer: assigned {} partition(s)", tps.size());
    for (const auto& tp : tps) tracker_.assign(tp);
    if (cooperative) {
      log_error("incremental assign", rd_kafka_incremental_assign(rk_, parts));
    } else {
      rd_kafka_assign(rk_, parts);
    }
    // New partitions are never paused here: a pause right after an (incremental) assign left a
    // re-assigned partition stalled in a broker-outage test with librdkafka 2.0.2. They fetch into
    // the bounded local buffer; when nothing paused is left, back-pressure starts over.
    if (paused_.empty()) paused_all_ = false;
    return;
  }
  const bool lost = rd_kafka_assignment_lost(rk_);
  spdlog::info("kafka consumer: {} {} partition(s)", lost ? "lost" : "revoked", tps.size());
  drop_buffered(tps);
  for (const auto& tp : tps) paused_.erase(tp);
  if (paused_.empty()) paused_all_ = false;
  if (lost) {
    for (const auto& tp : tps) tracker_.lost(tp);  // another member owns them: never commit
  } else {
    // Let in-flight records of these partitions finish so their successor starts after them; on
    // timeout the remaining ones are re-read by the successor (duplicates, never a loss).
    std::vector<TopicPartition> list(tps.begin(), tps.end());
    if (!tracker_.wait_drained(list, Clock::now() + revoke_drain_timeout_)) {
      spdlog::warn("kafka consumer: revoked partitions still had records in flight after {} ms",
                   revoke_drain_timeout_.count());
    }
    store(tracker_.take_commits());
    std::vector<CommitPosition> final_positions;
    for (const auto& tp : tps) {
      if (auto pos = tracker_.revoke(tp)) final_positions.push_back({tp, *pos});
    }
    store(final_positions);
    rd_kafka_resp_err_t cerr = rd_kafka_commit(rk_, nullptr, 0);
    if (cerr && cerr != RD_KAFKA_RESP_ERR__NO_OFFSET) spdlog::warn("kafka consumer: commit on revoke: {}", rd_kafka_err2str(cerr));
  }
  if (cooperative) {
    log_error("incremental unassign", rd_kafka_incremental_unassign(rk_, parts));
  } else {
    rd_kafka_assign(rk_, nullptr);
  }
}

}  // namespace newsflow::kafka
