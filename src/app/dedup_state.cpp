#include "app/dedup_state.h"

#include <spdlog/spdlog.h>

#include "stages/dedup/dedup_stage.h"

namespace newsflow {

std::unique_ptr<DedupStateTopic> DedupStateTopic::start(std::vector<std::unique_ptr<Stage>>& stages,
                                                        const KafkaConfig& kc, const kafka::Properties& consumer_props,
                                                        const kafka::Properties& producer_props,
                                                        bool records_with_articles) {
  dedup::DedupStage* stage = nullptr;
  for (auto& s : stages) {
    if (auto* d = dynamic_cast<dedup::DedupStage*>(s.get())) stage = d;
  }
  if (!stage || kc.topics.dedup_state.empty()) return nullptr;
  if (!stage->config().state_file.empty()) {
    throw ConfigError("dedup.state_file: Kafka mode keeps the dedup state on kafka.topics.dedup_state; remove "
                      "state_file (or set kafka.topics.dedup_state to \"\" to keep no state)");
  }
  std::unique_ptr<DedupStateTopic> self(new DedupStateTopic());
  const std::string& topic = kc.topics.dedup_state;
  kafka::StateAppend append;  // stays empty in exactly-once mode: the records ride on the articles
  if (records_with_articles) {
    stage->write_state_to_articles();
  } else {
    self->producer_ = std::make_unique<kafka::StateTopicProducer>(producer_props, topic);
    append = self->producer_->append_fn();
  }
  self->reader_ = std::make_unique<kafka::StateTopicReader>(consumer_props, topic);
  kafka::StateTopicReader* reader = self->reader_.get();
  const auto timeout = std::chrono::milliseconds(kc.startup_timeout_ms);
  // Read once, by restore(): the whole topic up to the end offsets of now.
  auto source = [reader, timeout, topic](const std::function<void(std::string_view)>& fn) {
    kafka::StateReplayStats ts;
    try {
      ts = reader->replay([&](std::string_view, std::string_view value) { fn(value); }, timeout);
    } catch (const ConfigError& e) {
      throw ConfigError(std::string("kafka.topics.dedup_state: ") + e.what());
    }
    spdlog::info("dedup state: read {} records from {} ({} partitions) in {:.2f} s", ts.records, topic, ts.partitions,
                 ts.seconds);
  };
  stage->attach_log(std::make_unique<dedup::StreamFingerprintLog>(std::move(append), std::move(source)));
  const dedup::ReplayStats st = stage->restore();
  spdlog::info("dedup state: index rebuilt with {} entries ({} records undecodable)", stage->index().size(), st.skipped);
  reader->follow([stage](std::string_view, std::string_view value) {
    if (auto r = dedup::decode(value)) stage->offer_remote(std::move(*r));
  });
  return self;
}

DedupStateTopic::~DedupStateTopic() { stop(); }

bool DedupStateTopic::flush(std::chrono::milliseconds timeout) { return !producer_ || producer_->flush(timeout); }

void DedupStateTopic::stop() {
  if (reader_) reader_->stop();
}

}  // namespace newsflow
