#include "io/kafka/state_topic.h"

#include <spdlog/spdlog.h>

#include <array>
#include <memory>
#include <set>
#include <vector>

#include "io/kafka/admin.h"  // KafkaError

namespace newsflow::kafka {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int ms(milliseconds d) { return static_cast<int>(std::min<int64_t>(d.count(), INT32_MAX)); }

struct TopicDeleter {
  void operator()(rd_kafka_topic_t* t) const noexcept { rd_kafka_topic_destroy(t); }
};
struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const noexcept { rd_kafka_topic_partition_list_destroy(l); }
};

// First failure, then every 1000th: a broker outage must not flood the log.
bool should_log(int64_t n) { return n == 1 || n % 1000 == 0; }

constexpr size_t kBatch = 1024;

}  // namespace

// --- producer -------------------------------------------------------------------------------

StateTopicProducer::StateTopicProducer(const Properties& props, std::string topic) : topic_(std::move(topic)) {
  Properties p = props;
  p.erase("transactional.id");  // exactly-once passes its own StateAppend instead of this producer
  // Nothing waits on these small records but shutdown: bigger, compressed batches spare the broker
  // (on a shared 2-core host: 2,040–2,350 → 2,390–2,570 articles/s Kafka → Kafka, bench/RESULTS.md).
  p["linger.ms"] = "50";
  if (!p.count("compression.type")) p["compression.type"] = "lz4";  // the user's choice stands
  ConfPtr conf = make_conf(p, "kafka.producer");
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &StateTopicProducer::on_delivery);
  rk_ = make_client(RD_KAFKA_PRODUCER, std::move(conf), p, "kafka.producer");
  poller_ = std::thread([this] { poll_loop(); });
}

StateTopicProducer::~StateTopicProducer() {
  stop_.store(true);
  if (poller_.joinable()) poller_.join();
  rd_kafka_flush(rk_.get(), 1000);  // best effort; flush() is where delivery is waited for
}

void StateTopicProducer::poll_loop() {
  while (!stop_.load()) rd_kafka_poll(rk_.get(), 100);
}

void StateTopicProducer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* self = static_cast<StateTopicProducer*>(opaque);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->delivered_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const int64_t n = self->failed_.fetch_add(1) + 1;
  if (should_log(n)) {
    spdlog::error("dedup state topic {}: delivery failed ({} so far): {}", self->topic_, n, rd_kafka_err2str(msg->err));
  }
}

void StateTopicProducer::produce(std::string_view key, std::string_view value) {
  const auto give_up = Clock::now() + std::chrono::seconds(30);
  for (;;) {
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(topic_.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && Clock::now() < give_up && !stop_.load()) {
      rd_kafka_poll(rk_.get(), 10);  // back-pressure: the broker is slow, wait for room
      continue;
    }
    const int64_t n = failed_.fetch_add(1) + 1;
    if (should_log(n)) spdlog::error("dedup state topic {}: produce failed ({} so far): {}", topic_, n, rd_kafka_err2str(err));
    return;
  }
}

bool StateTopicProducer::flush(milliseconds timeout) {
  return rd_kafka_flush(rk_.get(), ms(timeout)) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

// --- reader ---------------------------------------------------------------------------------

StateTopicReader::StateTopicReader(const Properties& props, std::string topic) : topic_(std::move(topic)) {
  Properties p = props;
  // Never joins a group and never commits: it always reads the whole topic. group.id only
  // names the client.
  p.erase("group.instance.id");
  p["group.id"] = (props.count("group.id") ? props.at("group.id") : std::string("newsflow")) + ".dedup-state";
  p["enable.auto.commit"] = "false";
  p["enable.auto.offset.store"] = "false";
  p["enable.partition.eof"] = "true";
  p["auto.offset.reset"] = "earliest";
  // The rebuild reads the whole topic at once: bigger fetches than librdkafka's 1 MB per
  // partition (unless kafka.consumer sets them).
  p.emplace("fetch.message.max.bytes", "8388608");
  p.emplace("fetch.max.bytes", "67108864");
  p.emplace("queued.max.messages.kbytes", "262144");
  ConfPtr conf = make_conf(p, "kafka.consumer");
  rk_ = make_client(RD_KAFKA_CONSUMER, std::move(conf), p, "kafka.consumer");
  rd_kafka_poll_set_consumer(rk_.get());
  queue_ = rd_kafka_queue_get_consumer(rk_.get());
}

StateTopicReader::~StateTopicReader() {
  stop();
  if (queue_) rd_kafka_queue_destroy(queue_);
  rd_kafka_consumer_close(rk_.get());  // no group: returns at once
}

StateReplayStats StateTopicReader::replay(const StateRecordFn& fn, milliseconds timeout) {
  const auto t0 = Clock::now();
  StateReplayStats st;
  std::unique_ptr<rd_kafka_topic_t, TopicDeleter> th(rd_kafka_topic_new(rk_.get(), topic_.c_str(), nullptr));
  const auto deadline = Clock::now() + timeout;
  rd_kafka_resp_err_t err;
  for (;;) {
    const rd_kafka_metadata_t* md = nullptr;
    err = rd_kafka_metadata(rk_.get(), 0, th.get(), &md, ms(timeout));
    if (err) throw KafkaError("state topic " + topic_ + ": metadata: " + rd_kafka_err2str(err));
    const bool missing = md->topic_cnt != 1 || md->topics[0].err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                         md->topics[0].partition_cnt == 0;
    const rd_kafka_resp_err_t topic_err = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_NO_ERROR;
    st.partitions = md->topic_cnt == 1 ? md->topics[0].partition_cnt : 0;
    rd_kafka_metadata_destroy(md);
    if (missing) throw ConfigError("state topic '" + topic_ + "' does not exist (create it, compacted)");
    if (!topic_err) break;
    if (!transient_error(topic_err) || Clock::now() >= deadline) {
      throw KafkaError("state topic " + topic_ + ": " + rd_kafka_err2str(topic_err));
    }
    std::this_thread::sleep_for(milliseconds(100));  // e.g. leader not available yet
  }

  // The end to read to: the high watermarks now. Later records are read too, but not waited for.
  std::set<int32_t> pending;
  std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> list(rd_kafka_topic_partition_list_new(st.partitions));
  for (int32_t p = 0; p < st.partitions; ++p) {
    int64_t low = -1, high = -1;
    err = query_watermarks(rk_.get(), topic_, p, low, high, deadline);  // "not leader" for a moment
    if (err) throw KafkaError("state topic " + topic_ + "/" + std::to_string(p) + ": end offset: " + rd_kafka_err2str(err));
    st.end_offsets[p] = high;
    if (high > low) pending.insert(p);
    rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  if (rd_kafka_resp_err_t e = rd_kafka_assign(rk_.get(), list.get())) {
    throw KafkaError("state topic " + topic_ + ": assign: " + rd_kafka_err2str(e));
  }

  std::array<rd_kafka_message_t*, kBatch> msgs{};
  auto last_progress = Clock::now();
  while (!pending.empty()) {
    const ssize_t n = rd_kafka_consume_batch_queue(queue_, 100, msgs.data(), msgs.size());
    if (n > 0) last_progress = Clock::now();
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = msgs[static_cast<size_t>(i)];
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (m->offset >= st.end_offsets[m->partition]) pending.erase(m->partition);
      } else if (m->err) {
        spdlog::warn("state topic {}: {}", topic_, rd_kafka_message_errstr(m));
      } else {
        if (m->payload) {
          fn(std::string_view(static_cast<const char*>(m->key), m->key_len),
             std::string_view(static_cast<const char*>(m->payload), m->len));
          ++st.records;
        } else {
          ++st.tombstones;
        }
        if (m->offset + 1 >= st.end_offsets[m->partition]) pending.erase(m->partition);
      }
      rd_kafka_message_destroy(m);
    }
    if (Clock::now() - last_progress > timeout) {
      throw KafkaError("state topic " + topic_ + ": no progress for " + std::to_string(timeout.count()) + " ms with " +
                       std::to_string(pending.size()) + " partition(s) not read to their end");
    }
  }
  st.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return st;
}

void StateTopicReader::follow(StateRecordFn fn) {
  stop();
  stop_.store(false);
  follower_ = std::thread([this, fn = std::move(fn)] {
    std::array<rd_kafka_message_t*, kBatch> msgs{};
    int64_t errors = 0;
    while (!stop_.load()) {
      const ssize_t n = rd_kafka_consume_batch_queue(queue_, 100, msgs.data(), msgs.size());
      for (ssize_t i = 0; i < n; ++i) {
        rd_kafka_message_t* m = msgs[static_cast<size_t>(i)];
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->payload) {
          fn(std::string_view(static_cast<const char*>(m->key), m->key_len),
             std::string_view(static_cast<const char*>(m->payload), m->len));
          followed_.fetch_add(1, std::memory_order_relaxed);
        } else if (m->err && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && should_log(++errors)) {
          spdlog::warn("state topic {}: {}", topic_, rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
      }
    }
  });
}

void StateTopicReader::stop() {
  stop_.store(true);
  if (follower_.joinable()) follower_.join();
}

}  // namespace newsflow::kafka
