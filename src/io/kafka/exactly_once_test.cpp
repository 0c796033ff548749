// Client properties for exactly_once: defaults, the timeout ordering, conflicting user settings
// rejected naming the key (never the value).
#include "io/kafka/exactly_once.h"

#include <gtest/gtest.h>

namespace newsflow::kafka {
namespace {

std::string config_error(Properties consumer, Properties producer, const Properties& user_consumer = {}) {
  try {
    apply_exactly_once(consumer, producer, user_consumer, "g-1");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ExactlyOnceProperties, DefaultsKeepTheMessageTimeoutBelowTheTransactionTimeout) {
  Properties consumer = {{"enable.auto.commit", "true"}};  // newsflow's at-least-once default: replaced
  Properties producer;
  apply_exactly_once(consumer, producer, {}, "news-host1");
  EXPECT_EQ(producer["transactional.id"], "news-host1");
  EXPECT_EQ(producer["transaction.timeout.ms"], std::to_string(kDefaultTransactionTimeoutMs));
  EXPECT_LT(std::stoll(producer["message.timeout.ms"]), kDefaultTransactionTimeoutMs);
  EXPECT_EQ(consumer["enable.auto.commit"], "false");
  EXPECT_EQ(consumer["isolation.level"], "read_committed");
}

TEST(ExactlyOnceProperties, UserTransactionTimeoutScalesTheDefaultMessageTimeout) {
  Properties consumer, producer = {{"transaction.timeout.ms", "8000"}};
  apply_exactly_once(consumer, producer, {}, "x");
  EXPECT_EQ(producer["message.timeout.ms"], "6000");
}

TEST(ExactlyOnceProperties, ConflictingSettingsFailNamingTheKey) {
  EXPECT_NE(config_error({}, {{"message.timeout.ms", "20000"}}).find("kafka.producer.message.timeout.ms"), std::string::npos);
  EXPECT_NE(config_error({}, {{"transaction.timeout.ms", "5000"}, {"delivery.timeout.ms", "5000"}})
                .find("kafka.producer.delivery.timeout.ms"),
            std::string::npos);
  EXPECT_NE(config_error({}, {{"transactional.id", "secret-ish"}}).find("kafka.producer.transactional.id"), std::string::npos);
  EXPECT_NE(config_error({}, {}, {{"enable.auto.commit", "true"}}).find("kafka.consumer.enable.auto.commit"),
            std::string::npos);
  EXPECT_NE(config_error({}, {}, {{"isolation.level", "read_uncommitted"}}).find("kafka.consumer.isolation.level"),
            std::string::npos);
  const std::string bad = config_error({}, {{"transaction.timeout.ms", "soon-ish"}});
  EXPECT_NE(bad.find("kafka.producer.transaction.timeout.ms"), std::string::npos);
  EXPECT_EQ(bad.find("soon-ish"), std::string::npos);  // never the value
}

TEST(ExactlyOnceProperties, TransactionalIdFromGroupAndStableInstance) {
  EXPECT_EQ(transactional_id("explicit", "news", "a"), "explicit");
  EXPECT_EQ(transactional_id("", "news", "pod-3"), "news-pod-3");
  EXPECT_EQ(transactional_id("", "news", ""), "news-" + default_instance_id());
  EXPECT_FALSE(default_instance_id().empty());
}

}  // namespace
}  // namespace newsflow::kafka
