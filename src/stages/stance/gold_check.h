// Development-only scoring of the stance stage on gold example articles (see gold_check.cpp).
#pragma once

#include <string>

namespace newsflow::stance {

// Prints a report and a JSON line; returns an exit code (65 when a file is unreadable). Entities
// come from the gold list, or with entities_from (a `newsflow run` output of the same articles)
// from the pipeline's own entity stage, to look at its errors one by one.
int run_gold_check(const std::string& path, const std::string& model_path, bool verbose,
                   const std::string& entities_from = "");

// Runs the annotator over a JSONL corpus without entities: quote counts and CPU throughput.
int run_corpus(const std::string& path, const std::string& model_path);

}  // namespace newsflow::stance
