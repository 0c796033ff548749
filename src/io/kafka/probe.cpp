#include "io/kafka/probe.h"

#include <mutex>

#include "io/kafka/redact.h"

namespace newsflow::kafka {
namespace {

// Keeps librdkafka's last error instead of letting it print to stderr. "All brokers down" says
// less than the error before it (connection refused, name not resolved, authentication failed).
struct ErrorSink {
  std::mutex mu;
  std::string last;
};

void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* sink = static_cast<ErrorSink*>(opaque);
  std::lock_guard lock(sink->mu);
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && !sink->last.empty()) return;
  sink->last = reason;
}

void quiet_log(const rd_kafka_t*, int, const char*, const char*) {}

}  // namespace

ProbeResult kafka_reachable(const Properties& props, std::chrono::milliseconds timeout) {
  ProbeResult result;
  auto bootstrap = props.find("bootstrap.servers");
  if (bootstrap == props.end() || bootstrap->second.empty()) {
    result.error = "no bootstrap.servers configured";
    return result;
  }
  ErrorSink sink;
  ConfPtr conf = make_conf(props, "kafka");
  rd_kafka_conf_set_opaque(conf.get(), &sink);
  rd_kafka_conf_set_error_cb(conf.get(), on_error);
  rd_kafka_conf_set_log_cb(conf.get(), quiet_log);
  // A producer handle: no group membership, nothing to clean up at destroy.
  HandlePtr rk = make_client(RD_KAFKA_PRODUCER, std::move(conf), props, "kafka");

  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk.get(), 0, nullptr, &md, static_cast<int>(timeout.count()));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    result.brokers = md->broker_cnt;
    result.reachable = md->broker_cnt > 0;
    rd_kafka_metadata_destroy(md);
  }
  rd_kafka_poll(rk.get(), 0);  // error callbacks are queued until served: collect the reasons
  rk.reset();  // joins librdkafka's threads: no callback touches `sink` after this
  if (!result.reachable) {
    std::string why = sink.last.empty() ? rd_kafka_err2str(err) : sink.last;
    result.error = scrub("no answer from " + bootstrap->second + " within " + std::to_string(timeout.count()) +
                             " ms (" + why + ")",
                         props);
  }
  return result;
}

ProbeResult kafka_reachable(std::string_view bootstrap, std::chrono::milliseconds timeout) {
  return kafka_reachable(Properties{{"bootstrap.servers", std::string(bootstrap)}}, timeout);
}

}  // namespace newsflow::kafka
