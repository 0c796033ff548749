#include "stages/langid/codes.h"

#include <array>
#include <utility>

namespace newsflow::langid {

namespace {
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kLegacy{{
    {"iw", "he"}, {"jw", "jv"}, {"in", "id"}, {"no", "nb"}, {"mo", "ro"},
}};

constexpr std::array<ScriptPair, 8> kScriptPairs{{
    {"sr", "Cyrl", "Latn"}, {"bs", "Latn", "Cyrl"}, {"uz", "Latn", "Cyrl"}, {"az", "Latn", "Cyrl"},
    {"tk", "Latn", "Cyrl"}, {"ug", "Arab", "Cyrl"}, {"ku", "Latn", "Arab"}, {"mn", "Cyrl", "Mong"},
}};
}  // namespace

std::string_view bcp47_from_cld2(std::string_view cld2) {
  if (cld2.empty() || cld2 == "un" || cld2.starts_with("xx-")) return "und";
  for (const auto& [from, to] : kLegacy) {
    if (cld2 == from) return to;
  }
  return cld2;
}

std::string_view cld2_from_bcp47(std::string_view primary) {
  for (const auto& [from, to] : kLegacy) {
    if (primary == to) return from;
  }
  if (primary == "fil") return "tl";
  return primary;
}

std::string primary_subtag(std::string_view tag) {
  std::string out;
  for (char c : tag) {
    if (c == '-' || c == '_') break;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

const ScriptPair* script_pair(std::string_view bcp47) {
  for (const auto& p : kScriptPairs) {
    if (p.lang == bcp47) return &p;
  }
  return nullptr;
}

}  // namespace newsflow::langid
