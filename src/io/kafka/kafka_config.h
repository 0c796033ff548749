// librdkafka configurations and client handles built from the verbatim property maps of the YAML
// config (kafka.consumer / kafka.producer). Errors are ConfigError (exit 78) and name the property
// key, never its value: a value may be a password.
#pragma once

#include <librdkafka/rdkafka.h>

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/settings.h"  // ConfigError

namespace newsflow::kafka {

using Properties = std::map<std::string, std::string>;

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const noexcept { rd_kafka_destroy(rk); }
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

// Sets one property. `where` names the config section for the message ("kafka.producer").
// Throws ConfigError: "kafka.producer.acks: invalid value for configuration property ...".
void set_property(rd_kafka_conf_t* conf, std::string_view where, const std::string& key, const std::string& value);

// A new configuration holding every property of `props`, in key order, whose log lines go through
// spdlog with every secret value (of any client made here) scrubbed. Keys listed in `reserved`
// are set by newsflow itself (e.g. enable.auto.offset.store): naming one is a ConfigError.
ConfPtr make_conf(const Properties& props, std::string_view where, std::initializer_list<std::string_view> reserved = {});

// rd_kafka_new, taking ownership of `conf` on success. Throws ConfigError with librdkafka's
// reason, secret values of `props` scrubbed from it.
HandlePtr make_client(rd_kafka_type_t type, ConfPtr conf, const Properties& props, std::string_view where);

}  // namespace newsflow::kafka
