#include "metrics/rdkafka_stats.h"

#include <simdjson.h>


namespace newsflow {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

int64_t int_field(const element& e, const char* key, int64_t def) {
  auto v = e[key];
  if (v.error()) return def;
  int64_t i = 0;
  if (!v.get_int64().get(i)) return i;
  uint64_t u = 0;
  if (!v.get_uint64().get(u)) return static_cast<int64_t>(u > INT64_MAX ? INT64_MAX : u);
  double d = 0;
  if (!v.get_double().get(d)) return static_cast<int64_t>(d);
  return def;
}

std::string string_field(const element& e, const char* key) {
  std::string_view s;
  if (e[key].get_string().get(s)) return {};
  return std::string(s);
}

// Builds a family of one type, with a helper to append samples.
struct FamilyBuilder {
  prometheus::MetricFamily family;
  FamilyBuilder(std::string name, std::string help, prometheus::MetricType type) {
    family.name = std::move(name);
    family.help = std::move(help);
    family.type = type;
  }
  void add(std::vector<prometheus::ClientMetric::Label> labels, double value) {
    prometheus::ClientMetric m;
    m.label = std::move(labels);
    if (family.type == prometheus::MetricType::Counter) m.counter.value = value; else m.gauge.value = value;
    family.metric.push_back(std::move(m));
  }
};

}  // namespace

std::optional<RdkafkaStats::Snapshot> RdkafkaStats::parse(std::string_view json) {
  simdjson::dom::parser parser;
  element doc;
  if (parser.parse(json.data(), json.size(), true).get(doc)) return std::nullopt;
  if (!doc.is_object()) return std::nullopt;
  Snapshot s;
  s.name = string_field(doc, "name");
  s.type = string_field(doc, "type");
  if (s.name.empty()) return std::nullopt;
  s.msg_cnt = int_field(doc, "msg_cnt", 0);
  s.msg_size = int_field(doc, "msg_size", 0);
  s.msg_max = int_field(doc, "msg_max", 0);
  s.tx = int_field(doc, "tx", 0);
  s.tx_bytes = int_field(doc, "txbytes", 0);
  s.rx = int_field(doc, "rx", 0);
  s.rx_bytes = int_field(doc, "rxbytes", 0);
  s.txmsgs = int_field(doc, "txmsgs", 0);
  s.rxmsgs = int_field(doc, "rxmsgs", 0);

  object brokers;
  if (!doc["brokers"].get_object().get(brokers)) {
    for (auto [key, b] : brokers) {
      // The internal broker handle (":0/internal") is not a connection to anything.
      if (string_field(b, "source") == "internal") continue;
      Broker br;
      br.name = std::string(key);
      br.up = string_field(b, "state") == "UP";
      br.req_timeouts = int_field(b, "req_timeouts", 0);
      element rtt;
      if (!b["rtt"].get(rtt)) {
        br.rtt_avg_us = int_field(rtt, "avg", 0);
        br.rtt_p99_us = int_field(rtt, "p99", 0);
        br.rtt_cnt = int_field(rtt, "cnt", 0);
      }
      s.brokers.push_back(std::move(br));
    }
  }

  object topics;
  if (!doc["topics"].get_object().get(topics)) {
    for (auto [topic_name, t] : topics) {
      object parts;
      if (t["partitions"].get_object().get(parts)) continue;
      for (auto [pkey, p] : parts) {
        Partition part;
        part.topic = std::string(topic_name);
        part.partition = static_cast<int32_t>(int_field(p, "partition", -1));
        if (part.partition < 0) continue;  // -1 is librdkafka's internal UA (unassigned) partition
        part.consumer_lag = int_field(p, "consumer_lag", -1);
        part.committed_offset = int_field(p, "committed_offset", -1001);
        part.hi_offset = int_field(p, "hi_offset", -1);
        part.fetchq_cnt = int_field(p, "fetchq_cnt", 0);
        s.partitions.push_back(std::move(part));
      }
    }
  }

  element cgrp;
  if (!doc["cgrp"].get(cgrp) && cgrp.is_object()) {
    s.has_cgrp = true;
    s.rebalance_cnt = int_field(cgrp, "rebalance_cnt", 0);
    s.assignment_size = int_field(cgrp, "assignment_size", 0);
  }
  element eos;
  if (!doc["eos"].get(eos) && eos.is_object()) {
    auto state = string_field(eos, "txn_state");
    if (!state.empty()) s.txn_state = std::move(state);
  }
  return s;
}

bool RdkafkaStats::update(std::string_view json) {
  auto snap = parse(json);
  std::lock_guard lock(mutex_);
  if (!snap) {
    ++parse_errors_;
    return false;
  }
  ++updates_;
  auto name = snap->name;
  clients_.insert_or_assign(std::move(name), std::move(*snap));
  return true;
}

void RdkafkaStats::forget(const std::string& client_name) {
  std::lock_guard lock(mutex_);
  clients_.erase(client_name);
}

std::optional<RdkafkaStats::Snapshot> RdkafkaStats::snapshot(const std::string& client_name) const {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(client_name);
  if (it == clients_.end()) return std::nullopt;
  return it->second;
}

std::vector<prometheus::MetricFamily> RdkafkaStats::Collect() const {
  using prometheus::MetricType;
  FamilyBuilder lag("newsflow_kafka_consumer_lag", "Messages between the high watermark and the committed offset (librdkafka consumer_lag), per assigned partition.", MetricType::Gauge);
  FamilyBuilder committed("newsflow_kafka_committed_offset", "Last committed offset per partition.", MetricType::Gauge);
  FamilyBuilder hi("newsflow_kafka_high_watermark_offset", "Partition high watermark on the broker.", MetricType::Gauge);
  FamilyBuilder fetchq("newsflow_kafka_fetch_queue_messages", "Pre-fetched messages waiting in the consumer fetch queue.", MetricType::Gauge);
  FamilyBuilder rtt_avg("newsflow_kafka_broker_rtt_avg_seconds", "Broker round-trip time, average over the stats window.", MetricType::Gauge);
  FamilyBuilder rtt_p99("newsflow_kafka_broker_rtt_p99_seconds", "Broker round-trip time, 99th percentile over the stats window.", MetricType::Gauge);
  FamilyBuilder broker_up("newsflow_kafka_broker_up", "1 when the connection to the broker is UP.", MetricType::Gauge);
  FamilyBuilder timeouts("newsflow_kafka_broker_request_timeouts_total", "Requests to the broker that timed out.", MetricType::Counter);
  FamilyBuilder q_msgs("newsflow_kafka_producer_queue_messages", "Messages in the producer queues (msg_cnt).", MetricType::Gauge);
  FamilyBuilder q_bytes("newsflow_kafka_producer_queue_bytes", "Bytes of messages in the producer queues (msg_size).", MetricType::Gauge);
  FamilyBuilder q_max("newsflow_kafka_producer_queue_max_messages", "Producer queue capacity (queue.buffering.max.messages).", MetricType::Gauge);
  FamilyBuilder tx("newsflow_kafka_requests_sent_total", "Requests sent to brokers.", MetricType::Counter);
  FamilyBuilder rx("newsflow_kafka_responses_received_total", "Responses received from brokers.", MetricType::Counter);
  FamilyBuilder txb("newsflow_kafka_sent_bytes_total", "Bytes sent to brokers.", MetricType::Counter);
  FamilyBuilder rxb("newsflow_kafka_received_bytes_total", "Bytes received from brokers.", MetricType::Counter);
  FamilyBuilder txm("newsflow_kafka_messages_produced_total", "Messages transmitted to brokers.", MetricType::Counter);
  FamilyBuilder rxm("newsflow_kafka_messages_consumed_total", "Messages consumed from brokers.", MetricType::Counter);
  FamilyBuilder rebalances("newsflow_kafka_rebalances_total", "Consumer group rebalances (assign or revoke).", MetricType::Counter);
  FamilyBuilder assigned("newsflow_kafka_assigned_partitions", "Partitions currently assigned to this consumer.", MetricType::Gauge);
  FamilyBuilder txn("newsflow_kafka_transaction_state", "Transactional producer state: 1 for the current state.", MetricType::Gauge);
  FamilyBuilder updates("newsflow_kafka_stats_updates_total", "librdkafka statistics documents received.", MetricType::Counter);
  FamilyBuilder errors("newsflow_kafka_stats_parse_errors_total", "librdkafka statistics documents that could not be parsed.", MetricType::Counter);

  std::lock_guard lock(mutex_);
  for (const auto& [name, s] : clients_) {
    const prometheus::ClientMetric::Label client{"client", s.name}, type{"type", s.type};
    for (const auto& p : s.partitions) {
      std::vector<prometheus::ClientMetric::Label> labels{client, type, {"topic", p.topic}, {"partition", std::to_string(p.partition)}};
      if (s.type == "consumer") {
        if (p.consumer_lag >= 0) lag.add(labels, static_cast<double>(p.consumer_lag));
        if (p.committed_offset >= 0) committed.add(labels, static_cast<double>(p.committed_offset));
        if (p.fetchq_cnt > 0 || p.consumer_lag >= 0) fetchq.add(labels, static_cast<double>(p.fetchq_cnt));
      }
      if (p.hi_offset >= 0) hi.add(std::move(labels), static_cast<double>(p.hi_offset));
    }
    for (const auto& b : s.brokers) {
      std::vector<prometheus::ClientMetric::Label> labels{client, type, {"broker", b.name}};
      if (b.rtt_cnt > 0) {
        rtt_avg.add(labels, static_cast<double>(b.rtt_avg_us) / 1e6);
        rtt_p99.add(labels, static_cast<double>(b.rtt_p99_us) / 1e6);
      }
      broker_up.add(labels, b.up ? 1.0 : 0.0);
      timeouts.add(std::move(labels), static_cast<double>(b.req_timeouts));
    }
    if (s.type == "producer") {
      q_msgs.add({client, type}, static_cast<double>(s.msg_cnt));
      q_bytes.add({client, type}, static_cast<double>(s.msg_size));
      q_max.add({client, type}, static_cast<double>(s.msg_max));
    }
    tx.add({client, type}, static_cast<double>(s.tx));
    rx.add({client, type}, static_cast<double>(s.rx));
    txb.add({client, type}, static_cast<double>(s.tx_bytes));
    rxb.add({client, type}, static_cast<double>(s.rx_bytes));
    txm.add({client, type}, static_cast<double>(s.txmsgs));
    rxm.add({client, type}, static_cast<double>(s.rxmsgs));
    if (s.has_cgrp) {
      rebalances.add({client, type}, static_cast<double>(s.rebalance_cnt));
      assigned.add({client, type}, static_cast<double>(s.assignment_size));
    }
    if (s.txn_state) txn.add({client, type, {"state", *s.txn_state}}, 1.0);
  }
  updates.add({}, static_cast<double>(updates_));
  errors.add({}, static_cast<double>(parse_errors_));

  std::vector<prometheus::MetricFamily> out;
  for (auto* f : {&lag, &committed, &hi, &fetchq, &rtt_avg, &rtt_p99, &broker_up, &timeouts, &q_msgs, &q_bytes, &q_max, &tx, &rx,
                  &txb, &rxb, &txm, &rxm, &rebalances, &assigned, &txn, &updates, &errors}) {
    if (!f->family.metric.empty()) out.push_back(std::move(f->family));
  }
  return out;
}

}  // namespace newsflow
