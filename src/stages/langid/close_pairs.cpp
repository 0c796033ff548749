#include "stages/langid/close_pairs.h"

#include <array>

namespace newsflow::langid {

namespace {
struct Group {
  std::string_view script;
  std::array<std::string_view, 4> langs;
};
// Chosen from CLD2's confusions on held-in-mind pairs (README): South Slavic in Latin script,
// East/South Slavic in Cyrillic, Malay/Indonesian, the Scandinavian trio, Czech/Slovak.
constexpr std::array<Group, 5> kGroups{{
    {"Latn", {"hr", "bs", "sr", ""}},
    {"Cyrl", {"mk", "bg", "sr", "ru"}},
    {"Latn", {"id", "ms", "", ""}},
    {"Latn", {"da", "nb", "nn", ""}},
    {"Latn", {"cs", "sk", "", ""}},
}};
}  // namespace

std::vector<std::string_view> close_group(std::string_view primary, std::string_view script) {
  std::vector<std::string_view> out;
  for (const Group& g : kGroups) {
    if (g.script != script) continue;
    bool member = false;
    for (auto l : g.langs) member = member || (!l.empty() && l == primary);
    if (!member) continue;
    for (auto l : g.langs) {
      if (!l.empty()) out.push_back(l);
    }
    break;
  }
  return out;
}

SecondOpinion second_opinion(const NgramModel& model, std::string_view text, std::string_view cld2_primary,
                             const std::vector<std::string_view>& group) {
  size_t n = 0;
  const std::vector<NgramScore> scores = model.score(text, group, &n);
  if (scores.size() < 2 || n == 0) return {};
  double cld2_score = scores.back().log_prob;
  for (const auto& s : scores) {
    if (s.lang == cld2_primary) cld2_score = s.log_prob;
  }
  SecondOpinion out;
  for (auto l : group) {
    if (l == scores.front().lang) out.lang = l;  // a view with static storage, not into `scores`
  }
  out.margin = (scores.front().log_prob - cld2_score) / static_cast<double>(n);
  return out;
}

}  // namespace newsflow::langid
