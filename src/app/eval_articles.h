#pragma once

#include <CLI/CLI.hpp>

namespace newsflow {

// `newsflow eval articles --data FILE [--config FILE]`: the whole pipeline over gold-annotated
// articles, scored as ../shared/data/examples/README.md describes.
void register_eval_articles(CLI::App& eval);

}  // namespace newsflow
