// For fast error-injection tests on librdkafka's in-process mock cluster (never proof of delivery
// guarantees: those run against the real broker, broker_test_env.h): one single-broker cluster per
// test, owned by a quiet producer handle, with its bootstrap address.
#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <string>

#include "io/kafka/kafka_config.h"

namespace newsflow::kafka::testing {

class MockClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char errstr[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
    owner_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr));
    ASSERT_NE(owner_, nullptr) << errstr;
    cluster_ = rd_kafka_mock_cluster_new(owner_.get(), 1);
    ASSERT_NE(cluster_, nullptr);
    bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
  }
  // Derived fixtures release their clients first, then call this.
  void TearDown() override {
    if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
    cluster_ = nullptr;
  }
  void create_topic(const char* topic, int partitions) {
    ASSERT_NE(cluster_, nullptr) << "the mock cluster was not created";
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster_, topic, partitions, 1), RD_KAFKA_RESP_ERR_NO_ERROR) << topic;
  }

  HandlePtr owner_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
};

}  // namespace newsflow::kafka::testing
