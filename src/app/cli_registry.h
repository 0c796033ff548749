#pragma once

#include <CLI/CLI.hpp>

namespace newsflow {

// Adds every module's `eval <task>` and `train <task>` subcommands.
void register_module_clis(CLI::App& eval, CLI::App& train);

}  // namespace newsflow
