// newsflow_dedup_tool: `eval dedup`, `gen-syndication`, `compare-sketches`, `bench`, `bench-rebuild`.
#include <CLI/CLI.hpp>

#include "stages/dedup/cli.h"
#include "stages/dedup/tool/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"newsflow dedup development tool"};
  app.require_subcommand(1);
  CLI::App* eval = app.add_subcommand("eval", "Evaluate against gold data");
  eval->require_subcommand(1);
  CLI::App* train = app.add_subcommand("train", "Train models (none for dedup)");
  newsflow::register_dedup_cli(*eval, *train);
  newsflow::dedup::tool::register_gen_syndication(app);
  newsflow::dedup::tool::register_compare_sketches(app);
  newsflow::dedup::tool::register_bench(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
