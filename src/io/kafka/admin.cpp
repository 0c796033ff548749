#include "io/kafka/admin.h"

#include <algorithm>
#include <memory>
#include <thread>


namespace newsflow::kafka {
namespace {

struct EventDeleter {
  void operator()(rd_kafka_event_t* ev) const noexcept { rd_kafka_event_destroy(ev); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const noexcept { rd_kafka_queue_destroy(q); }
};
struct OptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* o) const noexcept { rd_kafka_AdminOptions_destroy(o); }
};
struct PartitionsDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const noexcept { rd_kafka_topic_partition_list_destroy(l); }
};
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;

int ms(std::chrono::milliseconds d) { return static_cast<int>(d.count()); }

// Runs one admin request whose result arrives on a private queue; throws on a request-level error.
template <typename Start>
EventPtr run_admin(rd_kafka_t* rk, rd_kafka_admin_op_t op, std::chrono::milliseconds timeout, const char* what,
                   Start start) {
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(rk));
  std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter> options(rd_kafka_AdminOptions_new(rk, op));
  char errstr[256];
  rd_kafka_AdminOptions_set_request_timeout(options.get(), ms(timeout), errstr, sizeof errstr);
  rd_kafka_AdminOptions_set_operation_timeout(options.get(), ms(timeout), errstr, sizeof errstr);
  start(options.get(), queue.get());
  EventPtr ev(rd_kafka_queue_poll(queue.get(), ms(timeout) + 5000));
  if (!ev) throw KafkaError(std::string(what) + ": no answer within the timeout");
  if (rd_kafka_event_error(ev.get())) {
    throw KafkaError(std::string(what) + ": " + rd_kafka_event_error_string(ev.get()));
  }
  return ev;
}

void check_topic_results(const rd_kafka_topic_result_t** results, size_t n, const char* what,
                         rd_kafka_resp_err_t acceptable) {
  for (size_t i = 0; i < n; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != acceptable) {
      const char* reason = rd_kafka_topic_result_error_string(results[i]);
      throw KafkaError(std::string(what) + " " + rd_kafka_topic_result_name(results[i]) + ": " +
                       (reason ? reason : rd_kafka_err2str(err)));
    }
  }
}

}  // namespace

bool transient_error(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:  // metadata not propagated yet (the topic exists)
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return true;
    default:
      return false;
  }
}

rd_kafka_resp_err_t query_watermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition, int64_t& low,
                                     int64_t& high, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &low, &high, std::max(100, ms(left)));
    if (!err || !transient_error(err) || std::chrono::steady_clock::now() >= deadline) return err;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

KafkaAdmin::KafkaAdmin(Properties props, std::chrono::milliseconds timeout)
    : props_(std::move(props)), timeout_(timeout) {
  ConfPtr conf = make_conf(props_, "kafka");
  rd_kafka_conf_set_log_cb(conf.get(), [](const rd_kafka_t*, int, const char*, const char*) {});
  rk_ = make_client(RD_KAFKA_PRODUCER, std::move(conf), props_, "kafka");
}

void KafkaAdmin::create_topics(const std::vector<TopicSpec>& topics) {
  std::vector<rd_kafka_NewTopic_t*> specs;
  char errstr[256];
  for (const auto& t : topics) {
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, -1, errstr, sizeof errstr);
    if (!nt) {
      rd_kafka_NewTopic_destroy_array(specs.data(), specs.size());
      throw KafkaError("topic " + t.name + ": " + errstr);
    }
    for (const auto& [key, value] : t.config) rd_kafka_NewTopic_set_config(nt, key.c_str(), value.c_str());
    specs.push_back(nt);
  }
  EventPtr ev;
  try {
    ev = run_admin(rk_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout_, "create topics",
                   [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                     rd_kafka_CreateTopics(rk_.get(), specs.data(), specs.size(), o, q);
                   });
  } catch (...) {
    rd_kafka_NewTopic_destroy_array(specs.data(), specs.size());
    throw;
  }
  rd_kafka_NewTopic_destroy_array(specs.data(), specs.size());
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &n);
  check_topic_results(results, n, "create topic", RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);

  // The controller has the topics; wait until this broker's metadata shows every partition led.
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  for (const auto& t : topics) {
    while (partition_count(t.name) < t.partitions) {
      if (std::chrono::steady_clock::now() > deadline) throw KafkaError("topic " + t.name + ": no leaders in time");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

void KafkaAdmin::delete_topics(const std::vector<std::string>& names) {
  std::vector<rd_kafka_DeleteTopic_t*> specs;
  for (const auto& name : names) specs.push_back(rd_kafka_DeleteTopic_new(name.c_str()));
  EventPtr ev;
  try {
    ev = run_admin(rk_.get(), RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout_, "delete topics",
                   [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                     rd_kafka_DeleteTopics(rk_.get(), specs.data(), specs.size(), o, q);
                   });
  } catch (...) {
    rd_kafka_DeleteTopic_destroy_array(specs.data(), specs.size());
    throw;
  }
  rd_kafka_DeleteTopic_destroy_array(specs.data(), specs.size());
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev.get()), &n);
  check_topic_results(results, n, "delete topic", RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
}

int KafkaAdmin::partition_count(const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk_.get(), 0, rkt, &md, ms(timeout_));
  rd_kafka_topic_destroy(rkt);
  if (err) throw KafkaError("metadata for " + topic + ": " + rd_kafka_err2str(err));
  int led = 0;
  if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < md->topics[0].partition_cnt; ++i) led += md->topics[0].partitions[i].leader >= 0 ? 1 : 0;
  }
  rd_kafka_metadata_destroy(md);
  return led;
}

std::map<int32_t, int64_t> KafkaAdmin::end_offsets(const std::string& topic) {
  std::map<int32_t, int64_t> out;
  int partitions = partition_count(topic);
  for (int32_t p = 0; p < partitions; ++p) {
    int64_t low = -1, high = -1;
    // A just-created partition can be listed with a leader before that broker has taken over.
    const rd_kafka_resp_err_t err =
        query_watermarks(rk_.get(), topic, p, low, high, std::chrono::steady_clock::now() + timeout_);
    if (err) throw KafkaError("end offset of " + topic + "/" + std::to_string(p) + ": " + rd_kafka_err2str(err));
    out[p] = high;
  }
  return out;
}

std::map<int32_t, int64_t> KafkaAdmin::committed_offsets(const std::string& group, const std::string& topic) {
  int partitions = partition_count(topic);
  Properties props = props_;
  props["group.id"] = group;
  props["enable.auto.commit"] = "false";
  ConfPtr conf = make_conf(props, "kafka");
  rd_kafka_conf_set_log_cb(conf.get(), [](const rd_kafka_t*, int, const char*, const char*) {});
  HandlePtr consumer = make_client(RD_KAFKA_CONSUMER, std::move(conf), props, "kafka");  // never joins the group
  std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionsDeleter> list(
      rd_kafka_topic_partition_list_new(partitions));
  for (int32_t p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  rd_kafka_resp_err_t err = rd_kafka_committed(consumer.get(), list.get(), ms(timeout_));
  if (err) throw KafkaError("committed offsets of group " + group + ": " + rd_kafka_err2str(err));
  std::map<int32_t, int64_t> out;
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].offset >= 0) out[list->elems[i].partition] = list->elems[i].offset;
  }
  return out;
}

}  // namespace newsflow::kafka
