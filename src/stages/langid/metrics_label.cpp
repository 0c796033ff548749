#include "stages/langid/metrics_label.h"

#include <array>

namespace newsflow::langid {

namespace {
// The 24 most published news languages, roughly; a fixed list keeps the label set bounded.
constexpr std::array<std::string_view, 24> kTop{"en", "de", "fr", "es", "it", "pt", "nl", "ru", "uk", "pl", "tr", "ar",
                                                "fa", "he", "hi", "zh", "ja", "ko", "id", "sv", "da", "nb", "cs", "el"};
}  // namespace

std::span<const std::string_view> metric_languages() { return kTop; }

std::string_view language_metric_label(std::string_view code) {
  const std::string_view primary = code.substr(0, code.find('-'));
  if (primary.empty() || primary == "und") return "und";
  for (std::string_view l : kTop) {
    if (l == primary) return l;
  }
  return "other";
}

}  // namespace newsflow::langid
