#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/config.h"

using namespace newsflow;

namespace {

std::string write_temp(const std::string& text) {
  static int n = 0;
  auto path = std::filesystem::temp_directory_path() / ("newsflow_config_test_" + std::to_string(getpid()) + "_" + std::to_string(n++) + ".yaml");
  std::ofstream(path) << text;
  return path.string();
}

std::string error_of(const std::string& yaml) {
  try {
    load_config(write_temp(yaml));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Config, DefaultsWithoutAFile) {
  AppConfig c = load_config("");
  EXPECT_EQ(c.limits.max_message_bytes, 1048576u);
  EXPECT_EQ(c.limits.max_depth, 64u);
  EXPECT_EQ(c.max_in_flight, 10000u);
  EXPECT_EQ(c.kafka.topics.input, "news.articles.raw");
  EXPECT_EQ(c.kafka.processing_guarantee, "at_least_once");
}

TEST(Config, ShippedConfigIsValid) {
  EXPECT_NO_THROW(load_config(std::string(NEWSFLOW_SOURCE_DIR) + "/config/newsflow.yaml"));
}

TEST(Config, UnknownKeyIsNamedWithTheValidOnes) {
  const std::string e = error_of("limits:\n  max_depht: 3\n");
  EXPECT_NE(e.find("limits.max_depht: unknown key"), std::string::npos) << e;
  EXPECT_NE(e.find("max_depth"), std::string::npos) << e;
  EXPECT_NE(error_of("colour: blue\n").find("colour: unknown key"), std::string::npos);
}

TEST(Config, BadValuesNameTheKey) {
  EXPECT_NE(error_of("limits:\n  max_depth: deep\n").find("limits.max_depth: expected an integer"), std::string::npos);
  EXPECT_NE(error_of("limits:\n  max_in_flight: 0\n").find("limits.max_in_flight: must be between"), std::string::npos);
  EXPECT_NE(error_of("kafka:\n  processing_guarantee: maybe\n").find("kafka.processing_guarantee: must be one of"), std::string::npos);
  EXPECT_NE(error_of("stages: [nonsense]\n").find("unknown stage 'nonsense'"), std::string::npos);
  EXPECT_NE(error_of("limits: [1, 2]\n").find("limits: must be a mapping"), std::string::npos);
}

TEST(Config, SecretValuesAreNeverEchoed) {
  const std::string e = error_of("kafka:\n  consumer:\n    sasl.password: {nested: s3cr3t-sentinel}\n");
  EXPECT_NE(e.find("kafka.consumer.sasl.password"), std::string::npos) << e;
  EXPECT_EQ(e.find("s3cr3t-sentinel"), std::string::npos) << e;
}

TEST(Config, InvalidYamlNamesFileAndLine) {
  const std::string e = error_of("limits:\n  max_depth: [1,\n");
  EXPECT_NE(e.find("invalid YAML"), std::string::npos) << e;
}

TEST(Config, InterpolatesEnvironmentVariables) {
  setenv("NEWSFLOW_TEST_BROKER", "broker-1:9093", 1);
  unsetenv("NEWSFLOW_TEST_UNSET");
  AppConfig c = load_config(write_temp(
      "kafka:\n  bootstrap_servers: ${NEWSFLOW_TEST_BROKER}\n  group_id: g-${NEWSFLOW_TEST_UNSET:-default}\n"));
  EXPECT_EQ(c.kafka.bootstrap_servers, "broker-1:9093");
  EXPECT_EQ(c.kafka.group_id, "g-default");
  EXPECT_NE(error_of("kafka:\n  group_id: ${NEWSFLOW_TEST_UNSET}\n").find("NEWSFLOW_TEST_UNSET is not set"), std::string::npos);
}

TEST(Config, EnvironmentOverridesTheFile) {
  setenv("NEWSFLOW_LIMITS_MAX_DEPTH", "12", 1);
  AppConfig c = load_config(write_temp("limits:\n  max_depth: 30\n"));
  unsetenv("NEWSFLOW_LIMITS_MAX_DEPTH");
  EXPECT_EQ(c.limits.max_depth, 12u);
}

TEST(Config, AnEmptyEnvironmentOverrideIsTheEmptyString) {
  setenv("NEWSFLOW_KAFKA_TOPICS_DEDUP_STATE", "", 1);
  AppConfig c = load_config("");
  unsetenv("NEWSFLOW_KAFKA_TOPICS_DEDUP_STATE");
  EXPECT_EQ(c.kafka.topics.dedup_state, "");
}

TEST(Config, KafkaStatisticsInterval) {
  EXPECT_EQ(load_config("").kafka_statistics_interval_ms, 5000);
  EXPECT_EQ(load_config(write_temp("metrics:\n  kafka_statistics_interval_ms: 0\n")).kafka_statistics_interval_ms, 0);
  EXPECT_NE(error_of("metrics:\n  kafka_statistics_interval_ms: -1\n").find("metrics.kafka_statistics_interval_ms: must be between"),
            std::string::npos);
}

TEST(Config, ExactlyOnceSettingsAndConflictsFailAtLoad) {
  AppConfig c = load_config(write_temp(
      "kafka:\n  processing_guarantee: exactly_once\n  instance_id: pod-1\n  transaction: {max_records: 100, interval_ms: 50}\n"));
  EXPECT_EQ(c.kafka.instance_id, "pod-1");
  EXPECT_EQ(c.kafka.transaction.max_records, 100);
  EXPECT_EQ(c.kafka.transaction.interval_ms, 50);
  EXPECT_NE(error_of("kafka:\n  processing_guarantee: exactly_once\n  producer: {message.timeout.ms: '30000'}\n")
                .find("kafka.producer.message.timeout.ms"),
            std::string::npos);
  EXPECT_NE(error_of("kafka:\n  transaction: {max_records: 0}\n").find("kafka.transaction.max_records"), std::string::npos);
  // The same settings are fine in at_least_once mode, where no transaction is used.
  EXPECT_EQ(error_of("kafka:\n  producer: {message.timeout.ms: '30000'}\n"), "");
}
