// The langid stage: sets Article::language from title + body prefix (see README.md).
#pragma once

#include <memory>

#include "core/settings.h"
#include "core/stage.h"

namespace newsflow {

// `section` is the top-level YAML key `langid`: body_prefix_bytes, min_text_bytes, use_hint,
// report_unreliable, sole_language_bytes, model, override_margin (see README.md). Throws
// ConfigError on bad values and std::runtime_error when the model file cannot be loaded.
std::unique_ptr<Stage> make_langid_stage(Settings& section);

}  // namespace newsflow
