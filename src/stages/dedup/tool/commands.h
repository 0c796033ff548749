// Subcommands of newsflow_dedup_tool (a development wrapper until the main binary exists).
#pragma once

namespace CLI {
class App;
}

namespace newsflow::dedup::tool {
void register_gen_syndication(CLI::App& app);
void register_bench(CLI::App& app);
void register_compare_sketches(CLI::App& app);
}  // namespace newsflow::dedup::tool
