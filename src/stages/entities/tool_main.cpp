// Development driver until the main binary wires register_entities_cli: `eval ner`, `train ner`,
// and `annotate` (runs the stage over a JSONL file and prints the entities, for eyeballing).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <iostream>

#include "stages/entities/cli.h"
#include "stages/entities/entities_stage.h"

int main(int argc, char** argv) {
  CLI::App app{"newsflow entities tool"};
  auto* eval = app.add_subcommand("eval", "Evaluate a task");
  auto* train = app.add_subcommand("train", "Train a model");
  eval->require_subcommand(1);
  train->require_subcommand(1);
  app.require_subcommand(1);
  newsflow::register_entities_cli(*eval, *train);
  std::string input;
  auto* annotate = app.add_subcommand("annotate", "Run the entities stage over JSONL (title/body/language)");
  annotate->add_option("--input", input)->required();
  bool quiet = false;
  annotate->add_flag("--quiet", quiet, "only the score against `gold.entities` when present");
  annotate->callback([&] {
    // All keys given explicitly (Settings on this branch treats a missing key as a type error).
    newsflow::Settings settings(YAML::Load("{model_dir: config/models, languages: [en, de, es], fallback: en, "
                                           "watchlists: config/watchlists, reload_check_seconds: 0}"),
                                "entities");
    auto stage = newsflow::make_entities_stage(settings);
    std::ifstream in(input);
    std::string line;
    size_t tp = 0, np = 0, ng = 0;
    auto norm = [](std::string s) {
      std::string o;
      for (char c : s) {
        if (c == ' ' || c == '\n') {
          if (!o.empty() && o.back() != ' ') o += ' ';
        } else {
          o += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
      return o;
    };
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line);
      newsflow::Article a;
      a.id = j.value("id", "");
      a.title = j.value("title", "");
      a.body = j.value("body", "");
      if (j.contains("gold") && j["gold"].contains("language")) {
        a.language = newsflow::LanguageInfo{};
        a.language->code = j["gold"]["language"].get<std::string>();
      }
      stage->process(a);
      std::set<std::string> pred, gold;
      for (const auto& e : a.entities)
        for (const auto& m : e.mentions) pred.insert(norm(std::string(a.text(m.field).substr(m.start, m.end - m.start))) + "|" + e.type);
      if (j.contains("gold"))
        for (const auto& g : j["gold"]["entities"]) gold.insert(norm(g["text"].get<std::string>()) + "|" + g["type"].get<std::string>());
      size_t hit = 0;
      for (const auto& p : pred) hit += gold.count(p);
      tp += hit, np += pred.size(), ng += gold.size();
      if (!quiet) {
        for (const auto& g : gold)
          if (!pred.count(g)) std::cout << "  missed " << g << "\n";
        for (const auto& p : pred)
          if (!gold.count(p)) std::cout << "  spurious " << p << "\n";
      }
      if (quiet) continue;
      std::cout << "== " << a.id << " [" << (a.language ? a.language->code : "?") << "]\n";
      for (const auto& e : a.entities) {
        std::cout << "  " << e.type << "\t" << e.text << "\t-> " << e.canonical << "\tx" << e.count << "\ts="
                  << e.salience << (e.watchlist ? "\t[" + e.watchlist->id + "/" + e.watchlist->entity_id + "]" : "");
        std::cout << "\t{";
        for (const auto& m : e.mentions) std::cout << std::string(a.text(m.field).substr(m.start, m.end - m.start)) << "|";
        std::cout << "}\n";
      }
    }
    const double p = np ? double(tp) / np : 0, r = ng ? double(tp) / ng : 0;
    std::cout << "entity (surface,type) P " << p << " R " << r << " F1 " << (p + r > 0 ? 2 * p * r / (p + r) : 0) << "\n";
  });
  CLI11_PARSE(app, argc, argv);
  return 0;
}
