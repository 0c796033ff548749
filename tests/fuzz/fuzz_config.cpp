// Fuzz target: the config loader (src/app/config.*). Property: any YAML text either loads, or
// fails with ConfigError (exit 78 in the app); nothing else escapes, nothing crashes or leaks.
// A loaded config holds values inside their documented ranges.
#include <cstdint>
#include <string>

#include "app/config.h"
#include "core/settings.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const newsflow::AppConfig cfg = newsflow::load_config_text(text, "fuzz.yaml");
    FUZZ_CHECK(cfg.limits.max_message_bytes >= 1 && cfg.limits.max_depth >= 1 && cfg.max_in_flight >= 1);
    FUZZ_CHECK(cfg.threads >= 0);
    FUZZ_CHECK(cfg.kafka.processing_guarantee == "at_least_once" || cfg.kafka.processing_guarantee == "exactly_once");
  } catch (const newsflow::ConfigError& e) {
    FUZZ_CHECK(std::string(e.what()).rfind("fuzz.yaml", 0) == 0);  // errors name the file
  }
  return 0;
}
