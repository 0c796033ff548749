// Development wrapper: the stance CLI (eval/train sentiment) without the main newsflow binary, plus
// a gold-article check of quotes, speakers and sentiment using the gold entities.
#include <CLI/CLI.hpp>

#include "stages/stance/cli.h"
#include "stages/stance/gold_check.h"

int main(int argc, char** argv) {
  CLI::App app{"newsflow stance development tool"};
  app.require_subcommand(1);
  CLI::App* eval = app.add_subcommand("eval", "evaluate");
  CLI::App* train = app.add_subcommand("train", "train");
  eval->require_subcommand(1);
  train->require_subcommand(1);
  newsflow::register_stance_cli(*eval, *train);

  std::string data = "../shared/data/examples/gold-articles.dev.jsonl";
  std::string model = "config/models/sentiment-en.bin";
  bool verbose = false;
  int rc = 0;
  CLI::App* gold = app.add_subcommand("gold-check", "quotes/speakers/sentiment on gold articles, gold entities as input");
  gold->add_option("--data", data)->capture_default_str();
  gold->add_option("--model", model)->capture_default_str();
  gold->add_flag("-v,--verbose", verbose, "list every mismatch");
  std::string entities_from;
  gold->add_option("--entities-from", entities_from,
                   "take entities from this `newsflow run` output of the same articles instead of the gold list");
  gold->callback([&] { rc = newsflow::stance::run_gold_check(data, model, verbose, entities_from); });
  std::string corpus = "../shared/data/news/bbc-news.jsonl";
  CLI::App* run = app.add_subcommand("run-corpus", "annotate a JSONL corpus (title/body, no entities): quotes found, articles/s");
  run->add_option("--data", corpus)->capture_default_str();
  run->add_option("--model", model)->capture_default_str();
  run->callback([&] { rc = newsflow::stance::run_corpus(corpus, model); });
  CLI11_PARSE(app, argc, argv);
  return rc;
}
