// Development wrapper: the stance CLI (eval/train sentiment) without the main newsflow binary.
#include <CLI/CLI.hpp>

#include "stages/stance/cli.h"

int main(int argc, char** argv) {
  CLI::App app{"newsflow stance development tool"};
  app.require_subcommand(1);
  CLI::App* eval = app.add_subcommand("eval", "evaluate");
  CLI::App* train = app.add_subcommand("train", "train");
  eval->require_subcommand(1);
  train->require_subcommand(1);
  newsflow::register_stance_cli(*eval, *train);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
