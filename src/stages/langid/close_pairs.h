// Groups of languages CLD2 confuses, and the second opinion the n-gram model gives inside them.
#pragma once

#include <string_view>
#include <vector>

#include "stages/langid/ngram_model.h"

namespace newsflow::langid {

// The group (BCP-47 primaries) to re-check when CLD2 answers `primary` on text whose dominant
// script is `script` ("Latn", "Cyrl"...); empty when CLD2 is trusted as is.
std::vector<std::string_view> close_group(std::string_view primary, std::string_view script);

struct SecondOpinion {
  std::string_view lang;  // the model's choice (a member of the group), empty = no opinion
  double margin = 0;      // mean log-likelihood gain per n-gram over CLD2's answer
};

// The model's pick among `group` for `text`, compared with CLD2's answer `cld2_primary`.
SecondOpinion second_opinion(const NgramModel& model, std::string_view text, std::string_view cld2_primary,
                             const std::vector<std::string_view>& group);

}  // namespace newsflow::langid
