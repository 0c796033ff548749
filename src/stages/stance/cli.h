// `newsflow eval sentiment` and `newsflow train sentiment`.
#pragma once

#include <CLI/CLI.hpp>

namespace newsflow {

void register_stance_cli(CLI::App& eval, CLI::App& train);

}  // namespace newsflow
