// The probe without a real broker: a closed port, and librdkafka's in-process mock cluster.
#include "io/kafka/probe.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka_mock.h>

namespace newsflow::kafka {
namespace {

using std::chrono::milliseconds;

TEST(KafkaProbe, ClosedPortIsUnreachableWithAReason) {
  ProbeResult r = kafka_reachable("127.0.0.1:1", milliseconds(500));
  EXPECT_FALSE(r.reachable);
  EXPECT_EQ(r.brokers, 0);
  EXPECT_NE(r.error.find("127.0.0.1:1"), std::string::npos) << r.error;
}

TEST(KafkaProbe, MissingBootstrapIsUnreachable) {
  ProbeResult r = kafka_reachable(Properties{}, milliseconds(100));
  EXPECT_FALSE(r.reachable);
  EXPECT_NE(r.error.find("bootstrap.servers"), std::string::npos) << r.error;
}

TEST(KafkaProbe, ErrorNeverShowsSecrets) {
  Properties props = {{"bootstrap.servers", "127.0.0.1:1"},
                      {"security.protocol", "sasl_plaintext"},
                      {"sasl.mechanisms", "PLAIN"},
                      {"sasl.username", "alice"},
                      {"sasl.password", "Zq7-hunter2"}};
  ProbeResult r = kafka_reachable(props, milliseconds(300));
  EXPECT_FALSE(r.reachable);
  EXPECT_EQ(r.error.find("Zq7"), std::string::npos) << r.error;
}

TEST(KafkaProbe, BadPropertyIsAConfigError) {
  Properties props = {{"bootstrap.servers", "127.0.0.1:1"}, {"no.such.property", "x"}};
  EXPECT_THROW(kafka_reachable(props, milliseconds(100)), ConfigError);
}

TEST(KafkaProbe, MockClusterIsReachable) {
  char errstr[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
  HandlePtr owner(rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr));
  ASSERT_NE(owner, nullptr) << errstr;
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(owner.get(), 3);
  ASSERT_NE(cluster, nullptr);
  ProbeResult r = kafka_reachable(rd_kafka_mock_cluster_bootstraps(cluster), milliseconds(10000));
  EXPECT_TRUE(r.reachable) << r.error;
  EXPECT_EQ(r.brokers, 3);
  rd_kafka_mock_cluster_destroy(cluster);
}

}  // namespace
}  // namespace newsflow::kafka
