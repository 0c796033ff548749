#include "io/kafka/kafka_config.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "core/settings.h"
#include "io/kafka/redact.h"

namespace newsflow::kafka {
namespace {

std::string conf_get(rd_kafka_conf_t* conf, const char* key) {
  char buf[512];
  size_t size = sizeof buf;
  EXPECT_EQ(rd_kafka_conf_get(conf, key, buf, &size), RD_KAFKA_CONF_OK) << key;
  return buf;
}

// The ConfigError message of `fn`, or "" when it does not throw.
template <typename Fn>
std::string config_error(Fn fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(KafkaConfig, SetsPropertiesVerbatim) {
  ConfPtr conf = make_conf({{"bootstrap.servers", "127.0.0.1:9092"}, {"linger.ms", "7"}, {"acks", "all"},
                            {"client.id", "newsflow-test"}},
                           "kafka.producer");
  EXPECT_EQ(conf_get(conf.get(), "bootstrap.servers"), "127.0.0.1:9092");
  EXPECT_EQ(conf_get(conf.get(), "linger.ms"), "7");
  EXPECT_EQ(conf_get(conf.get(), "acks"), "-1");  // librdkafka's spelling of "all"
  EXPECT_EQ(conf_get(conf.get(), "client.id"), "newsflow-test");
}

TEST(KafkaConfig, UnknownKeyIsNamedNotItsValue) {
  std::string msg = config_error([] { make_conf({{"sasl.pasword", "hunter2-s3cret"}}, "kafka.consumer"); });
  EXPECT_NE(msg.find("kafka.consumer.sasl.pasword"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("hunter2"), std::string::npos) << msg;
}

// librdkafka echoes bad values in several shapes; none may reach the message.
TEST(KafkaConfig, InvalidValueErrorsNeverEchoTheValue) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"compression.codec", "Zq7-not-a-codec"},   // Invalid value "X" for ...
      {"partitioner", "Zq7-not-a-partitioner"},   // Invalid value for ...: X
      {"linger.ms", "Zq7-not-a-number"},          // Invalid value for ...
      {"enable.idempotence", "Zq7-not-a-bool"},   // Expected bool value for ...
      {"security.protocol", "Zq7-protocol"},
      {"debug", "Zq7-context"},
  };
  for (const auto& [key, value] : cases) {
    std::string msg = config_error([&] { make_conf({{key, value}}, "kafka.producer"); });
    ASSERT_FALSE(msg.empty()) << key << " was accepted";
    EXPECT_NE(msg.find("kafka.producer." + key), std::string::npos) << msg;
    EXPECT_EQ(msg.find("Zq7"), std::string::npos) << msg;
  }
}

TEST(KafkaConfig, InvalidValueKeepsLibrdkafkasReason) {
  std::string msg = config_error([] { make_conf({{"message.max.bytes", "10"}}, "kafka.producer"); });
  EXPECT_NE(msg.find("range"), std::string::npos) << msg;
}

TEST(KafkaConfig, ReservedKeysAreRejected) {
  std::string msg = config_error([] {
    make_conf({{"enable.auto.offset.store", "true"}}, "kafka.consumer", {"enable.auto.offset.store"});
  });
  EXPECT_NE(msg.find("kafka.consumer.enable.auto.offset.store"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("true"), std::string::npos) << msg;
}

TEST(KafkaConfig, ClientCreationErrorsScrubSecrets) {
  Properties props = {{"ssl.keystore.location", "/nonexistent/ks.p12"}, {"security.protocol", "ssl"}};
  std::string msg = config_error([&] { make_client(RD_KAFKA_PRODUCER, make_conf(props, "kafka.producer"), props, "kafka.producer"); });
  EXPECT_NE(msg.find("kafka.producer"), std::string::npos) << msg;
  EXPECT_NE(msg.find("ssl.keystore.password"), std::string::npos) << msg;
}

// librdkafka redacts its own sensitive properties in a debug=conf dump, but not a secret value
// that shows up elsewhere (here in client.id, printed in the dump and in every line's client
// name; with OIDC builds, sasl.oauthbearer.client.secret itself): the log callback scrubs it.
TEST(KafkaConfig, LibrdkafkaLogLinesHaveSecretValuesScrubbed) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured));
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);
  {
    Properties props = {{"bootstrap.servers", "127.0.0.1:1"}, {"debug", "conf"}, {"sasl.password", "Zq7-log-secret"},
                        {"client.id", "app-Zq7-log-secret"}};
    HandlePtr rk = make_client(RD_KAFKA_PRODUCER, make_conf(props, "kafka.producer"), props, "kafka.producer");
  }
  spdlog::set_default_logger(previous);
  const std::string log = captured.str();
  EXPECT_NE(log.find("librdkafka"), std::string::npos) << "no librdkafka log line captured";
  EXPECT_NE(log.find("client.id = app-[redacted]"), std::string::npos) << log.substr(0, 2000);
  EXPECT_EQ(log.find("Zq7-log-secret"), std::string::npos) << log.substr(0, 2000);
}

TEST(KafkaConfig, MakesAClient) {
  Properties props = {{"bootstrap.servers", "127.0.0.1:1"}};
  HandlePtr rk = make_client(RD_KAFKA_PRODUCER, make_conf(props, "kafka.producer"), props, "kafka.producer");
  EXPECT_NE(rk.get(), nullptr);
}

TEST(Redact, SecretKeys) {
  for (const char* key : {"sasl.password", "SASL.PASSWORD", "ssl.key.password", "ssl.key.pem", "ssl.key.location",
                          "ssl.keystore.password", "sasl.jaas.config", "sasl.oauthbearer.config",
                          "sasl.oauthbearer.client.secret", "ssl_key", "client.secret"}) {
    EXPECT_TRUE(is_secret_property(key)) << key;
  }
  for (const char* key : {"bootstrap.servers", "sasl.username", "sasl.mechanisms", "ssl.keystore.location",
                          "ssl.ca.location", "ssl.certificate.location", "group.id", "acks", "transactional.id"}) {
    EXPECT_FALSE(is_secret_property(key)) << key;
  }
}

TEST(Redact, RedactedCopyKeepsKeysHidesSecretValues) {
  Properties props = {{"sasl.username", "alice"}, {"sasl.password", "hunter2"}, {"ssl.key.pem", "-----BEGIN"}};
  Properties shown = redacted(props);
  ASSERT_EQ(shown.size(), 3u);
  EXPECT_EQ(shown["sasl.username"], "alice");
  EXPECT_EQ(shown["sasl.password"], kRedacted);
  EXPECT_EQ(shown["ssl.key.pem"], kRedacted);
  EXPECT_EQ(shown_value("sasl.password", "hunter2"), kRedacted);
  EXPECT_EQ(shown_value("acks", "all"), "all");
}

TEST(Redact, ScrubRemovesEverySecretValueFromText) {
  Properties props = {{"sasl.username", "alice"}, {"sasl.password", "hunter2"}, {"ssl.key.password", ""}};
  EXPECT_EQ(scrub("login alice:hunter2 failed (hunter2)", props),
            "login alice:[redacted] failed ([redacted])");
  EXPECT_EQ(scrub("nothing secret here", props), "nothing secret here");
}

}  // namespace
}  // namespace newsflow::kafka
