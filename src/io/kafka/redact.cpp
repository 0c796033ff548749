#include "io/kafka/redact.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace newsflow::kafka {
namespace {

// Lower-case fragments that mark a secret key. "ssl.key." covers ssl.key.password/.pem/.location
// but not ssl.keystore.location; the keystore password is caught by "password".
constexpr std::array<std::string_view, 8> kSecretFragments = {
    "password", "secret", "sasl.jaas.config", "ssl.key.", "ssl_key", "oauthbearer", "token", "credential",
};

bool contains_icase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != haystack.end();
}

}  // namespace

bool is_secret_property(std::string_view key) {
  return std::any_of(kSecretFragments.begin(), kSecretFragments.end(),
                     [key](std::string_view f) { return contains_icase(key, f); });
}

std::string_view shown_value(std::string_view key, std::string_view value) {
  return is_secret_property(key) ? kRedacted : value;
}

std::map<std::string, std::string> redacted(const std::map<std::string, std::string>& props) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : props) out.emplace(key, std::string(shown_value(key, value)));
  return out;
}

std::string scrub(std::string text, const std::map<std::string, std::string>& props) {
  for (const auto& [key, value] : props) {
    if (value.empty() || !is_secret_property(key)) continue;
    for (size_t pos = text.find(value); pos != std::string::npos; pos = text.find(value, pos + kRedacted.size())) {
      text.replace(pos, value.size(), kRedacted);
    }
  }
  return text;
}

}  // namespace newsflow::kafka
