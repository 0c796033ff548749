// Keeping secrets out of logs, --print-config, error messages and DLQ headers.
// A librdkafka property is secret when its key says so (password, secret, JAAS config, SSL private
// key material, OAUTHBEARER settings, tokens); its value is then never shown.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace newsflow::kafka {

inline constexpr std::string_view kRedacted = "[redacted]";

// True for keys whose values must never be shown (case-insensitive substring match).
bool is_secret_property(std::string_view key);

// The value as it may be shown: itself, or kRedacted for a secret key.
std::string_view shown_value(std::string_view key, std::string_view value);

// A copy of the properties with every secret value replaced by kRedacted.
std::map<std::string, std::string> redacted(const std::map<std::string, std::string>& props);

// Replaces every occurrence of a secret property's value inside free text (e.g. an error string
// from librdkafka) with kRedacted. Empty values are skipped.
std::string scrub(std::string text, const std::map<std::string, std::string>& props);

}  // namespace newsflow::kafka
