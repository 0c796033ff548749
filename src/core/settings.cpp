#include "core/settings.h"

#include <fmt/format.h>

namespace newsflow {

Settings::Settings(YAML::Node node, std::string path) : node_(std::move(node)), path_(std::move(path)) {
  if (node_ && !node_.IsNull() && !node_.IsMap()) {
    throw ConfigError(fmt::format("{}: must be a mapping", path_.empty() ? "config" : path_));
  }
}

std::string Settings::key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

bool Settings::has(const std::string& key) const { return node_ && node_.IsMap() && node_[key] && !node_[key].IsNull(); }

YAML::Node Settings::lookup(const std::string& key) {
  known_.insert(key);
  if (!node_ || !node_.IsMap()) return YAML::Node();
  YAML::Node v = node_[key];
  if (!v || v.IsNull()) return YAML::Node();
  return v;
}

std::string Settings::get_string(const std::string& key, const std::string& def) {
  YAML::Node v = lookup(key);
  if (!v || v.IsNull()) return def;
  if (!v.IsScalar()) throw ConfigError(fmt::format("{}: expected a string", key_path(key)));
  return v.Scalar();
}

int64_t Settings::get_int(const std::string& key, int64_t def, int64_t min, int64_t max) {
  YAML::Node v = lookup(key);
  if (!v || v.IsNull()) return def;
  int64_t out = 0;
  if (!v.IsScalar() || !YAML::convert<int64_t>::decode(v, out)) {
    throw ConfigError(fmt::format("{}: expected an integer", key_path(key)));
  }
  if (out < min || out > max) {
    throw ConfigError(fmt::format("{}: must be between {} and {}", key_path(key), min, max));
  }
  return out;
}

double Settings::get_double(const std::string& key, double def, double min, double max) {
  YAML::Node v = lookup(key);
  if (!v || v.IsNull()) return def;
  double out = 0;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, out)) {
    throw ConfigError(fmt::format("{}: expected a number", key_path(key)));
  }
  if (out < min || out > max) {
    throw ConfigError(fmt::format("{}: must be between {} and {}", key_path(key), min, max));
  }
  return out;
}

bool Settings::get_bool(const std::string& key, bool def) {
  YAML::Node v = lookup(key);
  if (!v || v.IsNull()) return def;
  bool out = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, out)) {
    throw ConfigError(fmt::format("{}: expected true or false", key_path(key)));
  }
  return out;
}

std::vector<std::string> Settings::get_string_list(const std::string& key, const std::vector<std::string>& def) {
  YAML::Node v = lookup(key);
  if (!v || v.IsNull()) return def;
  if (!v.IsSequence()) throw ConfigError(fmt::format("{}: expected a list", key_path(key)));
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.IsScalar()) throw ConfigError(fmt::format("{}: every item must be a string", key_path(key)));
    out.push_back(item.Scalar());
  }
  return out;
}

std::string Settings::get_enum(const std::string& key, const std::string& def, const std::vector<std::string>& allowed) {
  std::string v = get_string(key, def);
  for (const auto& a : allowed) {
    if (a == v) return v;
  }
  throw ConfigError(fmt::format("{}: must be one of: {}", key_path(key), fmt::join(allowed, ", ")));
}

std::map<std::string, std::string> Settings::get_string_map(const std::string& key) {
  YAML::Node v = lookup(key);
  std::map<std::string, std::string> out;
  if (!v) return out;
  if (!v.IsMap()) throw ConfigError(fmt::format("{}: expected a mapping", key_path(key)));
  for (const auto& kv : v) {
    const std::string k = kv.first.as<std::string>();
    if (!kv.second.IsScalar()) throw ConfigError(fmt::format("{}.{}: expected a scalar", key_path(key), k));
    out[k] = kv.second.Scalar();
  }
  return out;
}

Settings Settings::section(const std::string& key) { return Settings(lookup(key), key_path(key)); }

void Settings::finish() const {
  if (!node_ || !node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string k = kv.first.as<std::string>();
    if (!known_.count(k)) {
      throw ConfigError(fmt::format("{}: unknown key (valid keys: {})", key_path(k), fmt::join(known_, ", ")));
    }
  }
}

}  // namespace newsflow
