// Development driver until the main binary wires register_entities_cli: `eval ner` / `train ner`.
#include <CLI/CLI.hpp>

#include "stages/entities/cli.h"

int main(int argc, char** argv) {
  CLI::App app{"newsflow entities tool"};
  auto* eval = app.add_subcommand("eval", "Evaluate a task");
  auto* train = app.add_subcommand("train", "Train a model");
  eval->require_subcommand(1);
  train->require_subcommand(1);
  app.require_subcommand(1);
  newsflow::register_entities_cli(*eval, *train);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
