// Kafka mode: the dedup stage's fingerprints live on the compacted topic kafka.topics.dedup_state.
// Before the first input record the index is rebuilt from the whole topic; while running, every
// instance follows the topic (other instances' fingerprints reach the stage through
// offer_remote()), and each fingerprint the stage keeps is appended to it.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "app/config.h"
#include "core/stage.h"
#include "io/kafka/state_topic.h"

namespace newsflow {

namespace dedup {
class DedupStage;
}

class DedupStateTopic {
 public:
  // nullptr when no dedup stage is configured or kafka.topics.dedup_state is "" (state off).
  // Where the stage's records go: at-least-once, an idempotent producer of our own; exactly-once
  // (`records_with_articles`), onto each article, for the transactional sink to produce in the
  // same transaction as the article's output and input offset (KafkaSinkTopics::dedup_state).
  // Blocks until the index is rebuilt. Throws ConfigError (missing topic, dedup.state_file set)
  // and kafka::KafkaError (broker gone during the rebuild).
  static std::unique_ptr<DedupStateTopic> start(std::vector<std::unique_ptr<Stage>>& stages, const KafkaConfig& kc,
                                                const kafka::Properties& consumer_props,
                                                const kafka::Properties& producer_props,
                                                bool records_with_articles = false);
  ~DedupStateTopic();

  // Delivery of our own producer's records (true when exactly-once owns the producing).
  bool flush(std::chrono::milliseconds timeout);
  // Stops following the topic (before the stage is destroyed).
  void stop();

 private:
  DedupStateTopic() = default;
  std::unique_ptr<kafka::StateTopicProducer> producer_;  // at-least-once only
  std::unique_ptr<kafka::StateTopicReader> reader_;
};

}  // namespace newsflow
