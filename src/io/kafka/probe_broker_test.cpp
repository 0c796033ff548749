// The probe against the real broker (ctest label kafka; see tests/kafka/README.md).
#include <gtest/gtest.h>

#include "io/kafka/broker_test_env.h"
#include "io/kafka/probe.h"

namespace newsflow::kafka {
namespace {

TEST(KafkaProbeBroker, RealBrokerIsReachable) {
  NEWSFLOW_KAFKA_BOOTSTRAP_OR_SKIP(bootstrap);
  ProbeResult r = kafka_reachable(bootstrap, std::chrono::seconds(30));
  EXPECT_TRUE(r.reachable) << r.error;
  EXPECT_EQ(r.brokers, 1);  // deploy/kafka runs a single node
}

}  // namespace
}  // namespace newsflow::kafka
