// Small librdkafka client for the Kafka pipeline tests (byte-exact, unlike kcat's text formats).
// Records travel as tab-separated lines of hex: KEY VALUE HEADERS, "-" for null, headers as
// name=hex pairs joined by ",". Usage:
//   kafka_test_tool create BOOTSTRAP TOPIC PARTITIONS [KEY=VALUE...]
//   kafka_test_tool delete BOOTSTRAP TOPIC...
//   kafka_test_tool produce BOOTSTRAP TOPIC < records       (murmur2_random by key)
//   kafka_test_tool consume BOOTSTRAP TOPIC > records        (every partition, start to end; "P O " prefix)
//   kafka_test_tool offsets BOOTSTRAP GROUP TOPIC            (lines: P END COMMITTED|-)
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "io/kafka/admin.h"

using namespace newsflow::kafka;

namespace {

std::string hex(const void* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<const unsigned char*>(p)[i];
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s;
}

std::optional<std::string> unhex(const std::string& s) {
  if (s == "-") return std::nullopt;
  std::string out(s.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>(std::stoi(s.substr(2 * i, 2), nullptr, 16));
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p - start));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

int produce(const std::string& bootstrap, const std::string& topic) {
  Properties props = {{"bootstrap.servers", bootstrap}, {"enable.idempotence", "true"}, {"linger.ms", "20"},
                      {"partitioner", "murmur2_random"}, {"message.max.bytes", "8388608"}};
  HandlePtr p = make_client(RD_KAFKA_PRODUCER, make_conf(props, "producer"), props, "producer");
  std::string line;
  long n = 0;
  while (std::getline(std::cin, line)) {
    auto f = split(line, '\t');
    if (f.size() < 2) continue;
    auto key = unhex(f[0]);
    auto value = unhex(f[1]);
    rd_kafka_headers_t* h = rd_kafka_headers_new(4);
    if (f.size() > 2 && !f[2].empty()) {
      for (const auto& kv : split(f[2], ',')) {
        auto eq = kv.find('=');
        auto v = unhex(kv.substr(eq + 1));
        rd_kafka_header_add(h, kv.data(), static_cast<ssize_t>(eq), v ? v->data() : nullptr, v ? static_cast<ssize_t>(v->size()) : 0);
      }
    }
    void* kp = key ? key->data() : nullptr;
    size_t kn = key ? key->size() : 0;
    void* vp = value ? value->data() : nullptr;
    size_t vn = value ? value->size() : 0;
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          p.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(kp, kn), RD_KAFKA_V_VALUE(vp, vn), RD_KAFKA_V_HEADERS(h),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        std::fprintf(stderr, "produce: %s\n", rd_kafka_err2str(err));
        return 1;
      }
      rd_kafka_poll(p.get(), 50);
    }
    rd_kafka_poll(p.get(), 0);
    ++n;
  }
  if (rd_kafka_flush(p.get(), 60000) != RD_KAFKA_RESP_ERR_NO_ERROR || rd_kafka_outq_len(p.get()) != 0) {
    std::fprintf(stderr, "produce: flush timed out\n");
    return 1;
  }
  std::fprintf(stderr, "produced %ld records to %s\n", n, topic.c_str());
  return 0;
}

// High watermarks as a read_uncommitted client sees them: a read_committed one gets the last
// stable offset, which stops short of everything behind an open transaction.
std::map<int32_t, int64_t> high_watermarks(const std::string& bootstrap, const std::string& topic) {
  KafkaAdmin admin({{"bootstrap.servers", bootstrap}});
  const int partitions = admin.partition_count(topic);
  Properties props = {{"bootstrap.servers", bootstrap}, {"isolation.level", "read_uncommitted"}};
  HandlePtr rk = make_client(RD_KAFKA_PRODUCER, make_conf(props, "watermarks"), props, "watermarks");
  std::map<int32_t, int64_t> out;
  for (int32_t p = 0; p < partitions; ++p) {
    int64_t low = -1, high = -1;
    if (rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &low, &high, 30000)) {
      throw std::runtime_error("watermarks of " + topic + ": " + rd_kafka_err2str(err));
    }
    out[p] = high;
  }
  return out;
}

int consume(const std::string& bootstrap, const std::string& topic) {
  auto ends = high_watermarks(bootstrap, topic);
  Properties props = {{"bootstrap.servers", bootstrap}, {"group.id", "kafka_test_tool"}, {"enable.auto.commit", "false"},
                      {"isolation.level", "read_committed"}, {"enable.partition.eof", "true"}};
  HandlePtr c = make_client(RD_KAFKA_CONSUMER, make_conf(props, "consumer"), props, "consumer");
  rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(static_cast<int>(ends.size()));
  std::map<int32_t, int64_t> left;
  for (auto [p, end] : ends) {
    if (end > 0) {
      rd_kafka_topic_partition_list_add(l, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
      left[p] = end;
    }
  }
  rd_kafka_assign(c.get(), l);
  rd_kafka_topic_partition_list_destroy(l);
  int idle = 0;
  while (!left.empty() && idle < 600) {  // 60 s without a message
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c.get(), 100);
    if (!m) {
      ++idle;
      continue;
    }
    idle = 0;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      // Transactional topics end in a commit marker no consumer receives: the end is reached when
      // the consumer's position is at the end offset; an open transaction holds a read_committed
      // position back until it is committed or aborted.
      auto it = left.find(m->partition);
      if (it != left.end()) {
        rd_kafka_topic_partition_list_t* pos = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(pos, topic.c_str(), m->partition);
        if (rd_kafka_position(c.get(), pos) == RD_KAFKA_RESP_ERR_NO_ERROR && pos->elems[0].offset >= it->second) {
          left.erase(it);
        }
        rd_kafka_topic_partition_list_destroy(pos);
      }
    } else if (!m->err) {
      std::string hs;
      rd_kafka_headers_t* hdrs = nullptr;
      if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* val;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
          if (!hs.empty()) hs += ',';
          hs += std::string(name) + "=" + (val ? hex(val, size) : "-");
        }
      }
      std::cout << m->partition << '\t' << m->offset << '\t' << (m->key ? hex(m->key, m->key_len) : "-") << '\t'
                << (m->payload ? hex(m->payload, m->len) : "-") << '\t' << hs << '\n';
      auto it = left.find(m->partition);
      if (it != left.end() && m->offset + 1 >= it->second) left.erase(it);
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(c.get());
  if (!left.empty()) {
    std::fprintf(stderr, "consume: %zu partition(s) not read to the end\n", left.size());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // stdout carries the records (callers parse it): librdkafka's log lines, routed through spdlog
  // by make_conf, must go to stderr.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("kafka_test_tool"));
  std::vector<std::string> a(argv + 1, argv + argc);
  try {
    if (a.size() >= 4 && a[0] == "create") {
      TopicSpec spec{a[2], std::stoi(a[3]), {}};
      for (size_t i = 4; i < a.size(); ++i) {
        auto eq = a[i].find('=');
        spec.config[a[i].substr(0, eq)] = a[i].substr(eq + 1);
      }
      KafkaAdmin({{"bootstrap.servers", a[1]}}).create_topics({spec});
      return 0;
    }
    if (a.size() >= 3 && a[0] == "delete") {
      KafkaAdmin({{"bootstrap.servers", a[1]}}).delete_topics({a.begin() + 2, a.end()});
      return 0;
    }
    if (a.size() == 3 && a[0] == "produce") return produce(a[1], a[2]);
    if (a.size() == 3 && a[0] == "consume") return consume(a[1], a[2]);
    if (a.size() == 4 && a[0] == "offsets") {
      KafkaAdmin admin({{"bootstrap.servers", a[1]}});
      auto ends = admin.end_offsets(a[3]);
      auto committed = admin.committed_offsets(a[2], a[3]);
      for (auto [p, e] : ends) {
        auto it = committed.find(p);
        std::cout << p << '\t' << e << '\t' << (it == committed.end() ? std::string("-") : std::to_string(it->second)) << '\n';
      }
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kafka_test_tool: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: see the comment at the top of kafka_test_tool.cpp\n");
  return 64;
}
