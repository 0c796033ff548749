#include "io/kafka/kafka_config.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <vector>

#include "core/settings.h"
#include "io/kafka/redact.h"

namespace newsflow::kafka {
namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Does `value` occur in `text` other than inside a longer word or number ("10" in "1000")?
bool contains_token(std::string_view text, std::string_view value) {
  for (size_t pos = text.find(value); pos != std::string_view::npos; pos = text.find(value, pos + 1)) {
    bool starts = pos == 0 || !is_word_char(text[pos - 1]) || !is_word_char(value.front());
    size_t end = pos + value.size();
    bool ends = end == text.size() || !is_word_char(text[end]) || !is_word_char(value.back());
    if (starts && ends) return true;
  }
  return false;
}

// librdkafka's reason for an invalid value, with the value taken out. It quotes the value
// ("Invalid value \"x\" for ..."), appends it (": x"), names it ("value x is outside allowed
// range") or leaves it out; a reason that still contains the value (or any reason for a secret
// key) is replaced by a generic message.
std::string reason_without_value(const std::string& key, const std::string& value, std::string reason) {
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  if (value.empty()) return reason;
  if (is_secret_property(key)) {
    // Keep librdkafka's reason (e.g. "not supported in this build: OAuth/OIDC depends on libcurl"),
    // the secret itself replaced; a secret too short to replace safely hides the whole reason.
    if (value.size() < 4) return "invalid value";
    replace_all(reason, value, kRedacted);
    return reason;
  }
  replace_all(reason, "\"" + value + "\" ", "");
  replace_all(reason, " value " + value + " ", " value ");
  std::string suffix = ": " + value;
  if (reason.size() >= suffix.size() && reason.ends_with(suffix)) reason.resize(reason.size() - suffix.size());
  if (contains_token(reason, value)) return "invalid value";
  return reason;
}

// Every secret value of every client configured in this process: librdkafka's log callback has no
// opaque of its own, and a debug line of one client may quote any of them.
std::mutex g_secrets_mu;
std::vector<std::string>& secret_values() {
  static std::vector<std::string> values;
  return values;
}

void remember_secrets(const Properties& props) {
  std::lock_guard lock(g_secrets_mu);
  for (const auto& [key, value] : props) {
    if (value.empty() || !is_secret_property(key)) continue;
    auto& v = secret_values();
    if (std::find(v.begin(), v.end(), value) == v.end()) v.push_back(value);
  }
}

// librdkafka's log lines (including `debug=...` output, which prints configuration values, e.g.
// sasl.oauthbearer.client.secret, that librdkafka 2.0.2 does not redact) go through spdlog with
// every secret value scrubbed. syslog levels: 0-3 error, 4 warning, 5-6 info, 7 debug.
void log_to_spdlog(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  const auto lvl = level <= 3 ? spdlog::level::err : level == 4 ? spdlog::level::warn
                   : level <= 6 ? spdlog::level::info : spdlog::level::debug;
  if (!spdlog::should_log(lvl)) return;
  // The client name holds client.id: scrubbed with the rest.
  std::string line = fmt::format("librdkafka {} {}: {}", rk ? rd_kafka_name(rk) : "-", fac ? fac : "", buf ? buf : "");
  {
    std::lock_guard lock(g_secrets_mu);
    for (const auto& secret : secret_values()) {
      for (size_t pos = line.find(secret); pos != std::string::npos; pos = line.find(secret, pos + kRedacted.size())) {
        line.replace(pos, secret.size(), kRedacted);
      }
    }
  }
  spdlog::log(lvl, "{}", line);
}

}  // namespace

void set_property(rd_kafka_conf_t* conf, std::string_view where, const std::string& key, const std::string& value) {
  char errstr[512] = "";
  switch (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr)) {
    case RD_KAFKA_CONF_OK:
      return;
    case RD_KAFKA_CONF_UNKNOWN:
      throw ConfigError(std::string(where) + "." + key + ": unknown librdkafka property");
    case RD_KAFKA_CONF_INVALID:
    default:
      throw ConfigError(std::string(where) + "." + key + ": " + reason_without_value(key, value, errstr));
  }
}

ConfPtr make_conf(const Properties& props, std::string_view where, std::initializer_list<std::string_view> reserved) {
  ConfPtr conf(rd_kafka_conf_new());
  for (const auto& [key, value] : props) {
    if (std::find(reserved.begin(), reserved.end(), key) != reserved.end()) {
      throw ConfigError(std::string(where) + "." + key + ": set by newsflow itself, remove it from the config");
    }
    set_property(conf.get(), where, key, value);
  }
  remember_secrets(props);
  rd_kafka_conf_set_log_cb(conf.get(), log_to_spdlog);
  return conf;
}

HandlePtr make_client(rd_kafka_type_t type, ConfPtr conf, const Properties& props, std::string_view where) {
  char errstr[512] = "";
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof errstr);
  if (!rk) throw ConfigError(std::string(where) + ": " + scrub(errstr, props));
  conf.release();  // owned by rk now
  return HandlePtr(rk);
}

}  // namespace newsflow::kafka
