// Development-only scoring of the stance stage on gold example articles (see gold_check.cpp).
#pragma once

#include <string>

namespace newsflow::stance {

// Prints a report and a JSON line; returns an exit code (65 when the file is unreadable).
int run_gold_check(const std::string& path, const std::string& model_path, bool verbose);

}  // namespace newsflow::stance
