#include "core/settings.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

namespace newsflow {

Settings::Settings(YAML::Node node, std::string path) : node_(std::move(node)), path_(std::move(path)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    throw ConfigError(fmt::format("{}: must be a mapping", path_.empty() ? "config" : path_));
  }
}

std::string Settings::key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

std::string Settings::where(const std::string& key) const {
  return from_env_.empty() ? key_path(key) : key_path(key) + " (set by " + from_env_ + ")";
}

bool Settings::has(const std::string& key) const {
  return node_.IsDefined() && node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull();
}

// NEWSFLOW_KAFKA_BOOTSTRAP_SERVERS overrides kafka.bootstrap_servers: the name is derived from the
// key being read, so underscores inside key names are never ambiguous.
static std::string env_name(const std::string& path) {
  std::string name = "NEWSFLOW_";
  for (char c : path) name += (c == '.') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::optional<YAML::Node> Settings::lookup(const std::string& key) {
  known_.insert(key);
  from_env_ = env_name(key_path(key));
  if (const char* env = std::getenv(from_env_.c_str()); env != nullptr) {
    if (*env == '\0') return YAML::Node(std::string());  // VAR= means "", not YAML's null
    try {
      return YAML::Load(env);
    } catch (const YAML::Exception&) {
      throw ConfigError(fmt::format("{}: environment override {} is not valid YAML", key_path(key), from_env_));
    }
  }
  from_env_.clear();
  if (!node_.IsDefined() || !node_.IsMap()) return std::nullopt;
  YAML::Node v = node_[key];
  if (!v.IsDefined() || v.IsNull()) return std::nullopt;
  return v;
}

void Settings::record_into(YAML::Node out) {
  out_ = std::move(out);
  recording_ = true;
}

template <typename T>
T Settings::record(const std::string& key, T value) {
  if (recording_) out_[key] = value;
  return value;
}

std::string Settings::get_string(const std::string& key, const std::string& def) {
  auto found = lookup(key);
  if (!found) return record(key, def);
  YAML::Node v = *found;
  if (!v.IsScalar()) throw ConfigError(fmt::format("{}: expected a string", where(key)));
  return record(key, v.Scalar());
}

int64_t Settings::get_int(const std::string& key, int64_t def, int64_t min, int64_t max) {
  auto found = lookup(key);
  if (!found) return record(key, def);
  YAML::Node v = *found;
  int64_t out = 0;
  if (!v.IsScalar() || !YAML::convert<int64_t>::decode(v, out)) {
    throw ConfigError(fmt::format("{}: expected an integer", where(key)));
  }
  if (out < min || out > max) {
    throw ConfigError(fmt::format("{}: must be between {} and {}", where(key), min, max));
  }
  return record(key, out);
}

double Settings::get_double(const std::string& key, double def, double min, double max) {
  // Recorded as fmt writes it (0.4, not yaml-cpp's 0.40000000000000002).
  auto found = lookup(key);
  if (!found) {
    record(key, fmt::format("{}", def));
    return def;
  }
  YAML::Node v = *found;
  double out = 0;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, out)) {
    throw ConfigError(fmt::format("{}: expected a number", where(key)));
  }
  if (out < min || out > max) {
    throw ConfigError(fmt::format("{}: must be between {} and {}", where(key), min, max));
  }
  record(key, fmt::format("{}", out));
  return out;
}

bool Settings::get_bool(const std::string& key, bool def) {
  auto found = lookup(key);
  if (!found) return record(key, def);
  YAML::Node v = *found;
  bool out = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, out)) {
    throw ConfigError(fmt::format("{}: expected true or false", where(key)));
  }
  return record(key, out);
}

std::vector<std::string> Settings::get_string_list(const std::string& key, const std::vector<std::string>& def) {
  auto found = lookup(key);
  if (!found) return record(key, def);
  YAML::Node v = *found;
  if (!v.IsSequence()) throw ConfigError(fmt::format("{}: expected a list", where(key)));
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.IsScalar()) throw ConfigError(fmt::format("{}: every item must be a string", where(key)));
    out.push_back(item.Scalar());
  }
  return record(key, std::move(out));
}

std::string Settings::get_enum(const std::string& key, const std::string& def, const std::vector<std::string>& allowed) {
  std::string v = get_string(key, def);
  for (const auto& a : allowed) {
    if (a == v) return v;
  }
  throw ConfigError(fmt::format("{}: must be one of: {}", where(key), fmt::join(allowed, ", ")));
}

std::map<std::string, std::string> Settings::get_string_map(const std::string& key, std::map<std::string, std::string> def) {
  auto found = lookup(key);
  std::map<std::string, std::string> out = std::move(def);
  if (!found) return record(key, std::move(out));
  YAML::Node v = *found;
  if (!v.IsMap()) throw ConfigError(fmt::format("{}: expected a mapping", where(key)));
  for (const auto& kv : v) {
    const std::string k = kv.first.as<std::string>();
    if (!kv.second.IsScalar()) throw ConfigError(fmt::format("{}.{}: expected a scalar", where(key), k));
    out[k] = kv.second.Scalar();
  }
  return record(key, std::move(out));
}

Settings Settings::section(const std::string& key) {
  auto found = lookup(key);
  Settings s(found ? *found : YAML::Node(), key_path(key));
  if (recording_) s.record_into(out_[key]);
  return s;
}

void Settings::finish() const {
  if (!node_.IsDefined() || !node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string k = kv.first.as<std::string>();
    if (!known_.count(k)) {
      throw ConfigError(fmt::format("{}: unknown key (valid keys: {})", key_path(k), fmt::join(known_, ", ")));
    }
  }
}

}  // namespace newsflow
