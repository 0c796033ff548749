// `newsflow eval langid` and `newsflow train langid` subcommands.
#pragma once

#include <CLI/CLI.hpp>

namespace newsflow {

void register_langid_cli(CLI::App& eval, CLI::App& train);

}  // namespace newsflow
