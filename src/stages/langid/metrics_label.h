// Bounded metric labels for the language mix: a fixed top-N of news languages, "und", "other".
#pragma once

#include <span>
#include <string_view>

namespace newsflow::langid {

// The languages that get their own label (primary subtags); everything else is "other".
std::span<const std::string_view> metric_languages();

// Label for `newsflow_..._articles_total{lang=...}`: the primary subtag when it is in
// metric_languages(), "und" for undetermined, else "other".
std::string_view language_metric_label(std::string_view code);

}  // namespace newsflow::langid
