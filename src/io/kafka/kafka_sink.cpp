#include "io/kafka/kafka_sink.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "io/kafka/redact.h"
#include "io/kafka/statistics.h"
#include "io/kafka/ticket.h"
#include "metrics/metrics.h"

namespace newsflow::kafka {

// Owns everything librdkafka points at (values are produced without a copy) until the report.
struct KafkaSink::Delivery {
  OffsetTicket ticket;
  Route route;
  Record record;        // the original input: DLQ bytes, headers to pass through
  std::string payload;  // the enriched message (output, duplicates)
  std::string key;      // the article id (output, duplicates)
  Error error{};        // why (dead letters)
};

namespace {

constexpr const char* kReserved[] = {"enable.idempotence"};

void add_header(rd_kafka_headers_t* h, std::string_view key, std::string_view value) {
  rd_kafka_header_add(h, key.data(), static_cast<ssize_t>(key.size()), value.data(), static_cast<ssize_t>(value.size()));
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Properties producer_properties(const std::string& bootstrap, const Properties& user) {
  Properties props = {{"bootstrap.servers", bootstrap},
                      {"partitioner", "murmur2_random"},  // same partition for a key as the Java client
                      {"linger.ms", "5"},
                      // The DLQ keeps originals byte-for-byte up to the raw topic's 8 MiB; enriched
                      // outputs are held to max_output_bytes separately.
                      {"message.max.bytes", "8388608"}};
  for (const auto& [k, v] : user) {
    for (const char* r : kReserved) {
      if (k == r) throw ConfigError("kafka.producer." + k + ": set by newsflow itself, remove it from the config");
    }
    props[k] = v;
  }
  props["enable.idempotence"] = "true";
  return props;
}

KafkaSink::KafkaSink(const Properties& props, KafkaSinkTopics topics, PartitionOffsetTracker& tracker, Metrics* metrics,
                     size_t max_output_bytes)
    : props_(props), topics_(std::move(topics)), tracker_(tracker), metrics_(metrics), max_output_bytes_(max_output_bytes) {
  ConfPtr conf = make_conf(props_, "kafka.producer");
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &KafkaSink::on_delivery);
  rd_kafka_conf_set_error_cb(conf.get(), &KafkaSink::on_error);
  attach_statistics(conf.get(), props_);
  rk_ = make_client(RD_KAFKA_PRODUCER, std::move(conf), props_, "kafka.producer");
  poller_ = std::thread([this] { poll_loop(); });
}

KafkaSink::~KafkaSink() {
  stop_.store(true);
  if (poller_.joinable()) poller_.join();
  // Anything still queued is abandoned (its offset was never stored): free it via its report.
  rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(rk_.get(), 0);
  forget_statistics(rd_kafka_name(rk_.get()));  // after the last poll, which may still deliver statistics
  std::lock_guard lock(mu_);
  for (Delivery* d : retry_) delete d;
}

void KafkaSink::fail(const std::string& why) {
  std::lock_guard lock(mu_);
  if (failure_.empty()) failure_ = why;
  failed_.store(true);
}

std::string KafkaSink::failure() const {
  std::lock_guard lock(mu_);
  return failure_;
}

void KafkaSink::set_deadline(Clock::time_point deadline) {
  deadline_ns_.store(deadline.time_since_epoch().count());
}

rd_kafka_resp_err_t KafkaSink::produce(Delivery* d, const std::string& topic, bool block) {
  const bool dead = d->route == Route::dead_letter;
  for (;;) {
    rd_kafka_headers_t* h = rd_kafka_headers_new(d->record.headers.size() + (dead ? 6 : 1));
    for (const Header& in : d->record.headers) {
      if (!dead && in.key == "content-type") continue;  // ours replaces it
      rd_kafka_header_add(h, in.key.data(), static_cast<ssize_t>(in.key.size()), in.value ? in.value->data() : nullptr,
                          in.value ? static_cast<ssize_t>(in.value->size()) : 0);
    }
    const void* key;
    size_t key_len;
    const void* value;
    size_t value_len;
    if (dead) {
      const SourcePosition& p = d->record.position;
      add_header(h, "__connect.errors.topic", p.topic);
      add_header(h, "__connect.errors.partition", std::to_string(p.partition));
      add_header(h, "__connect.errors.offset", std::to_string(p.offset));
      add_header(h, "__connect.errors.stage", d->error.stage);
      add_header(h, "__connect.errors.exception.message", d->error.message);
      add_header(h, "newsflow.error.code", to_string(d->error.code));
      key = d->record.key ? d->record.key->data() : nullptr;
      key_len = d->record.key ? d->record.key->size() : 0;
      value = d->record.value ? d->record.value->data() : nullptr;
      value_len = d->record.value ? d->record.value->size() : 0;
    } else {
      add_header(h, "content-type", "application/json");
      key = d->key.data();
      key_len = d->key.size();
      value = d->payload.data();
      value_len = d->payload.size();
    }
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(const_cast<void*>(key), key_len),
        RD_KAFKA_V_VALUE(const_cast<void*>(value), value_len), RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_OPAQUE(d), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return err;
    rd_kafka_headers_destroy(h);  // not taken over on failure
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || !block) return err;
    // A slow or unreachable broker: wait for delivery reports to make room. The graph fills up
    // meanwhile and the source pauses its partitions.
    if (failed_.load()) throw std::runtime_error(failure());
    if (Clock::now().time_since_epoch().count() >= deadline_ns_.load()) {
      throw std::runtime_error("producer queue still full at the shutdown deadline");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

bool KafkaSink::produce_dead_letter(Delivery* d, bool retry_later) {
  rd_kafka_resp_err_t err = produce(d, topics_.dlq, !retry_later);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return false;
  if (retry_later && err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    std::lock_guard lock(mu_);
    retry_.push_front(d);
    return true;
  }
  std::string why = fmt::format("dead letter ({}) for {} [{}] offset {} could not be produced to {}: {}",
                                to_string(d->error.code), d->record.position.topic, d->record.position.partition,
                                d->record.position.offset, topics_.dlq, rd_kafka_err2str(err));
  delete d;
  fail(why);
  if (!retry_later) throw std::runtime_error(why);
  return false;
}

void KafkaSink::deliver(Article& a) {
  const OffsetTicket ticket = decode_ticket(a.record);
  if (a.route == Route::drop) {
    tracker_.complete(ticket);
    ++counts_.dropped;
    if (metrics_) metrics_->output_records("drop").Increment();
    return;
  }
  auto* d = new Delivery{ticket, a.route, std::move(a.record), {}, {}, {}};
  if (a.route == Route::dead_letter) {
    d->error = a.error ? std::move(*a.error) : Error{ErrorCode::stage_error, "sink", "dead letter without a reason"};
    produce_dead_letter(d, false);
    return;
  }
  d->payload = std::move(a.output);
  d->key = std::move(a.id);
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE;
  if (d->payload.size() <= max_output_bytes_) {
    err = produce(d, a.route == Route::duplicates ? topics_.duplicates : topics_.output, true);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  }
  if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
    d->error = {ErrorCode::output_too_large, "sink",
                fmt::format("enriched output of {} bytes over the limit of {} bytes", d->payload.size(), max_output_bytes_)};
    d->route = Route::dead_letter;
    if (metrics_) metrics_->dlq(ErrorCode::output_too_large).Increment();
    produce_dead_letter(d, false);
    return;
  }
  std::string why = fmt::format("cannot produce to {}: {}", a.route == Route::duplicates ? topics_.duplicates : topics_.output,
                                rd_kafka_err2str(err));
  delete d;
  fail(why);
  throw std::runtime_error(why);
}

void KafkaSink::on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* self = static_cast<KafkaSink*>(opaque);
  auto* d = static_cast<Delivery*>(msg->_private);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->tracker_.complete(d->ticket);
    const char* route = "output";
    switch (d->route) {
      case Route::output: ++self->counts_.output; break;
      case Route::duplicates: ++self->counts_.duplicates; route = "duplicates"; break;
      default: ++self->counts_.dead_letters; route = "dead_letter"; break;
    }
    if (self->metrics_) {
      self->metrics_->output_records(route).Increment();
      if (d->route == Route::output && d->record.timestamp_ms > 0) {
        self->metrics_->end_to_end_latency().Observe(static_cast<double>(now_ms() - d->record.timestamp_ms) / 1000.0);
      }
    }
    delete d;
    return;
  }
  if (self->stop_.load()) {  // purged at destruction
    delete d;
    return;
  }
  if (msg->err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE && d->route != Route::dead_letter) {
    // The broker's limit for the output topic is below ours: dead-letter it instead.
    d->error = {ErrorCode::output_too_large, "sink",
                fmt::format("enriched output of {} bytes rejected by the broker as too large", d->payload.size())};
    d->route = Route::dead_letter;
    if (self->metrics_) self->metrics_->dlq(ErrorCode::output_too_large).Increment();
    std::lock_guard lock(self->mu_);
    self->retry_.push_back(d);
    return;
  }
  // Never completed: its offset (and every later one of its partition) is never stored.
  self->fail(fmt::format("delivery to {} failed for {} [{}] offset {}: {}", rd_kafka_topic_name(msg->rkt),
                         d->record.position.topic, d->record.position.partition, d->record.position.offset,
                         rd_kafka_err2str(msg->err)));
  delete d;
}

void KafkaSink::on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<KafkaSink*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char buf[512] = "";
    rd_kafka_fatal_error(rk, buf, sizeof buf);
    self->fail("producer fatal error: " + scrub(buf, self->props_));
    return;
  }
  spdlog::warn("kafka producer: {}", scrub(reason, self->props_));
}

void KafkaSink::poll_loop() {
  while (!stop_.load()) {
    rd_kafka_poll(rk_.get(), 50);
    std::deque<Delivery*> todo;
    {
      std::lock_guard lock(mu_);
      todo.swap(retry_);
    }
    while (!todo.empty()) {
      Delivery* d = todo.front();
      todo.pop_front();
      if (produce_dead_letter(d, true)) break;  // queue full: try again after the next poll
    }
    if (!todo.empty()) {
      std::lock_guard lock(mu_);
      retry_.insert(retry_.end(), todo.begin(), todo.end());
    }
  }
}

bool KafkaSink::flush(Clock::time_point deadline) {
  for (;;) {
    bool retry_empty;
    {
      std::lock_guard lock(mu_);
      retry_empty = retry_.empty();
    }
    if (retry_empty && rd_kafka_outq_len(rk_.get()) == 0) return true;
    if (Clock::now() >= deadline || failed_.load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace newsflow::kafka
