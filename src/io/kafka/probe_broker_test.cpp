// The probe against the real broker (ctest label kafka; see tests/kafka/README.md).
#include <gtest/gtest.h>

#include <cstdlib>

#include "io/kafka/probe.h"

namespace newsflow::kafka {
namespace {

TEST(KafkaProbeBroker, RealBrokerIsReachable) {
  const char* bootstrap = std::getenv("KAFKA_BOOTSTRAP");
  if (bootstrap == nullptr || *bootstrap == '\0') {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") FAIL() << "CI=true but KAFKA_BOOTSTRAP is not set";
    GTEST_SKIP() << "KAFKA_BOOTSTRAP not set: run through tests/kafka/with-broker.sh";
  }
  ProbeResult r = kafka_reachable(bootstrap, std::chrono::seconds(30));
  EXPECT_TRUE(r.reachable) << r.error;
  EXPECT_EQ(r.brokers, 1);  // deploy/kafka runs a single node
}

}  // namespace
}  // namespace newsflow::kafka
