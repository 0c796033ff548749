// Typed, validated access to one section of the YAML config. Every key a module reads is
// declared by reading it; finish() rejects any key that was not read, naming the valid ones.
// Errors name the path ("dedup.window_hours") and never echo a value (it may be a secret).
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace newsflow {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Settings {
 public:
  Settings(YAML::Node node, std::string path);

  // Scalar with default. Throws ConfigError when present with the wrong type.
  std::string get_string(const std::string& key, const std::string& def);
  int64_t get_int(const std::string& key, int64_t def, int64_t min, int64_t max);
  double get_double(const std::string& key, double def, double min, double max);
  bool get_bool(const std::string& key, bool def);
  std::vector<std::string> get_string_list(const std::string& key, const std::vector<std::string>& def);
  // One of a fixed set of words.
  std::string get_enum(const std::string& key, const std::string& def, const std::vector<std::string>& allowed);
  // A free-form string→string map (e.g. librdkafka properties); scalars only. Its entries are
  // added to `def` (replacing the same keys).
  std::map<std::string, std::string> get_string_map(const std::string& key, std::map<std::string, std::string> def = {});
  // A nested section; remember to finish() it too.
  Settings section(const std::string& key);
  bool has(const std::string& key) const;

  // Throws ConfigError if the section holds keys that were never asked for.
  void finish() const;

  // From now on every value read (from the file, the environment or the default) is also written
  // to out[key], and a section read later records into out[its key]: the effective
  // configuration, as --print-config shows it.
  void record_into(YAML::Node out);

  const std::string& path() const { return path_; }

 private:
  std::optional<YAML::Node> lookup(const std::string& key);
  std::string key_path(const std::string& key) const;
  // key_path(key), naming the environment variable when the value read last came from one.
  std::string where(const std::string& key) const;
  template <typename T>
  T record(const std::string& key, T value);

  YAML::Node node_;
  std::string path_;
  std::set<std::string> known_;
  std::string from_env_;  // the NEWSFLOW_* variable the last lookup() took its value from, or ""
  YAML::Node out_;
  bool recording_ = false;
};

}  // namespace newsflow
