#include "app/eval_articles.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "app/config.h"
#include "app/stage_registry.h"
#include "codec/json_writer.h"
#include "core/exit_codes.h"
#include "graph/pipeline.h"
#include "metrics/metrics.h"

namespace newsflow {
namespace {

// Case- and whitespace-insensitive comparison key.
std::string norm(std::string_view s) {
  std::string out;
  bool space = false;
  for (unsigned char c : s) {
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

struct GoldQuote {
  std::string speaker, text;
};
struct GoldArticle {
  std::string id, language, duplicate_of;
  std::set<std::pair<std::string, std::string>> entities;  // (norm surface, type)
  std::map<std::string, std::set<std::string>> names_of;   // norm canonical → norm surfaces (+ itself)
  std::vector<GoldQuote> quotes;
  std::vector<std::pair<std::string, std::string>> sentiment;  // (norm target, polarity)
  std::set<std::tuple<std::string, std::string, std::string>> stances;
};

class CollectSink : public Sink {
 public:
  void deliver(Article& a) override { articles.push_back(std::move(a)); }
  std::vector<Article> articles;
};

std::string str(simdjson::dom::element e) {
  std::string_view s;
  return e.get_string().get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
}

GoldArticle read_gold(simdjson::dom::element doc) {
  GoldArticle g;
  g.id = str(doc["id"]);
  simdjson::dom::element gold;
  if (doc["gold"].get(gold)) return g;
  g.language = str(gold["language"]);
  g.duplicate_of = str(gold["duplicate_of"]);
  simdjson::dom::array arr;
  if (!gold["entities"].get(arr)) {
    for (auto e : arr) {
      const std::string canonical = norm(str(e["canonical"])), surface = norm(str(e["text"]));
      g.entities.insert({surface, str(e["type"])});
      g.names_of[canonical].insert(surface);
      g.names_of[canonical].insert(canonical);
    }
  }
  if (!gold["quotes"].get(arr)) {
    for (auto q : arr) g.quotes.push_back({norm(str(q["speaker"])), norm(str(q["text"]))});
  }
  if (!gold["sentiment"].get(arr)) {
    for (auto s : arr) g.sentiment.push_back({norm(str(s["target"])), str(s["polarity"])});
  }
  if (!gold["stances"].get(arr)) {
    for (auto s : arr) g.stances.insert({norm(str(s["holder"])), norm(str(s["target"])), str(s["polarity"])});
  }
  return g;
}

size_t longest_common_substring(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  size_t best = 0;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : 0;
      best = std::max(best, cur[j]);
    }
    std::swap(prev, cur);
  }
  return best;
}

bool quote_text_matches(const std::string& predicted, const std::string& gold) {
  if (predicted == gold) return true;
  const size_t overlap = longest_common_substring(predicted, gold);
  return overlap >= 0.9 * static_cast<double>(predicted.size()) && overlap >= 0.9 * static_cast<double>(gold.size());
}

// Does a predicted name refer to the gold canonical entity (its canonical name or a listed surface form)?
bool name_matches(const GoldArticle& g, const std::string& predicted, const std::string& gold_canonical) {
  if (predicted == gold_canonical) return true;
  auto it = g.names_of.find(gold_canonical);
  return it != g.names_of.end() && it->second.count(predicted) > 0;
}

struct F1 {
  double tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp > 0 ? tp / (tp + fp) : 0; }
  double recall() const { return tp + fn > 0 ? tp / (tp + fn) : 0; }
  double f1() const { return precision() + recall() > 0 ? 2 * precision() * recall() / (precision() + recall()) : 0; }
};

// Union-find clusters over article ids.
struct Clusters {
  std::map<std::string, std::string> parent;
  std::string find(const std::string& x) {
    auto it = parent.find(x);
    if (it == parent.end()) return parent[x] = x;
    if (it->second == x) return x;
    return it->second = find(it->second);
  }
  void join(const std::string& a, const std::string& b) { parent[find(a)] = find(b); }
};

int run(const std::string& data, const std::string& config_path) {
  std::ifstream in(data, std::ios::binary);
  if (!in) throw CLI::RuntimeError("cannot open " + data, exit_code::data_file_error(data));
  std::vector<std::string> lines;
  std::vector<size_t> line_numbers;  // of each kept line, for messages
  size_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (!line.empty()) lines.push_back(std::move(line)), line_numbers.push_back(line_no);
  }
  // The gold first: a bad file fails before the pipeline has run over all of it.
  simdjson::dom::parser parser;
  std::vector<GoldArticle> gold;
  for (size_t i = 0; i < lines.size(); ++i) {
    simdjson::dom::element doc;
    if (parser.parse(lines[i]).get(doc)) {
      throw CLI::RuntimeError(fmt::format("{}:{}: not valid JSON", data, line_numbers[i]), exit_code::data_error);
    }
    gold.push_back(read_gold(doc));
  }
  AppConfig config = load_config(config_path);
  Metrics metrics;
  CollectSink sink;
  {
    Pipeline pipeline(PipelineOptions{config.limits, config.max_in_flight, 0}, make_stages(config, config.stages), sink, metrics);
    for (const auto& l : lines) {
      Record r;
      r.value = l;
      r.position.file = data;
      pipeline.submit(std::move(r));
    }
    pipeline.drain();
  }


  bool have_lang = false, have_entities = false, have_quotes = false, have_dedup = false;
  int lang_ok = 0, lang_n = 0;
  F1 ent, quote, stance;
  int speaker_ok = 0, speaker_n = 0;
  std::map<std::string, std::map<std::string, int>> confusion;  // gold polarity → predicted ("" = missing)
  Clusters gold_clusters, pred_clusters;
  std::map<std::string, std::string> language_of;

  for (size_t i = 0; i < sink.articles.size(); ++i) {
    const Article& a = sink.articles[i];
    const GoldArticle& g = gold[i];
    language_of[g.id] = g.language;
    gold_clusters.find(g.id);
    pred_clusters.find(g.id);
    if (!g.duplicate_of.empty()) gold_clusters.join(g.id, g.duplicate_of);
    if (a.dedup) {
      have_dedup = true;
      if (!a.dedup->duplicate_of.empty()) pred_clusters.join(g.id, a.dedup->duplicate_of);
    }
    if (a.language) {
      have_lang = true;
      ++lang_n;
      const std::string primary = a.language->code.substr(0, a.language->code.find('-'));
      if (primary == g.language) ++lang_ok;
    }
    if (a.entities_done) {
      have_entities = true;
      std::set<std::pair<std::string, std::string>> predicted;
      for (const auto& e : a.entities) {
        for (const auto& m : e.mentions) {
          const std::string_view field = a.text(m.field);
          if (m.end <= field.size() && m.start < m.end) predicted.insert({norm(field.substr(m.start, m.end - m.start)), e.type});
        }
      }
      for (const auto& p : predicted) (g.entities.count(p) ? ent.tp : ent.fp) += 1;
      for (const auto& t : g.entities) ent.fn += predicted.count(t) ? 0 : 1;

      for (const auto& [target, polarity] : g.sentiment) {
        std::string got;
        for (const auto& e : a.entities) {
          if (e.sentiment && (name_matches(g, norm(e.canonical), target) || name_matches(g, norm(e.text), target))) {
            got = std::string(to_string(e.sentiment->polarity));
            break;
          }
        }
        confusion[polarity][got] += 1;
      }
    }
    if (a.quotes_done) {
      have_quotes = true;
      std::vector<bool> gold_used(g.quotes.size(), false);
      std::set<std::tuple<std::string, std::string, std::string>> triples;
      for (const auto& q : a.quotes) {
        const std::string text = norm(q.text), speaker = norm(q.speaker);
        bool matched = false, text_matched = false;
        for (size_t k = 0; k < g.quotes.size(); ++k) {
          if (gold_used[k] || !quote_text_matches(text, g.quotes[k].text)) continue;
          text_matched = true;
          if (name_matches(g, speaker, g.quotes[k].speaker)) {
            gold_used[k] = true;
            matched = true;
            break;
          }
        }
        if (text_matched) {
          ++speaker_n;
          speaker_ok += matched ? 1 : 0;
        }
        (matched ? quote.tp : quote.fp) += 1;
        for (const auto& t : q.targets) triples.insert({speaker, norm(t.entity), std::string(to_string(t.polarity))});
      }
      for (bool used : gold_used) quote.fn += used ? 0 : 1;
      std::set<std::tuple<std::string, std::string, std::string>> gold_hit;
      for (const auto& [holder, target, pol] : triples) {
        bool hit = false;
        for (const auto& gs : g.stances) {
          if (gold_hit.count(gs) || std::get<2>(gs) != pol) continue;
          if (name_matches(g, holder, std::get<0>(gs)) && name_matches(g, target, std::get<1>(gs))) {
            gold_hit.insert(gs);
            hit = true;
            break;
          }
        }
        (hit ? stance.tp : stance.fp) += 1;
      }
      stance.fn += static_cast<double>(g.stances.size() - gold_hit.size());
    }
  }

  // Sentiment macro-F1 over the three classes; a missed target counts against its gold class.
  double macro = 0;
  for (const std::string cls : {"negative", "neutral", "positive"}) {
    double tp = confusion[cls][cls], fn = 0, fp = 0;
    for (const auto& [p, n] : confusion[cls]) if (p != cls) fn += n;
    for (const auto& [gcls, row] : confusion) if (gcls != cls && row.count(cls)) fp += row.at(cls);
    const double p = tp + fp > 0 ? tp / (tp + fp) : 0, r = tp + fn > 0 ? tp / (tp + fn) : 0;
    macro += p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
  macro /= 3;

  // Dedup: pairs in the same cluster; translation pairs are left out of recall.
  F1 dedup;
  std::vector<std::string> ids;
  for (const auto& g : gold) ids.push_back(g.id);
  for (size_t i = 0; i < ids.size(); ++i) {
    for (size_t j = i + 1; j < ids.size(); ++j) {
      const bool in_gold = gold_clusters.find(ids[i]) == gold_clusters.find(ids[j]);
      const bool in_pred = pred_clusters.find(ids[i]) == pred_clusters.find(ids[j]);
      const bool translation = language_of[ids[i]] != language_of[ids[j]];
      if (in_pred && in_gold) dedup.tp += 1;
      else if (in_pred) dedup.fp += 1;
      else if (in_gold && !translation) dedup.fn += 1;
    }
  }

  std::printf("articles       %zu (stages: %s)\n", sink.articles.size(), config.stages.empty() ? "none" : fmt::format("{}", fmt::join(config.stages, ",")).c_str());
  if (have_lang) std::printf("language       accuracy %.3f (%d/%d)\n", double(lang_ok) / std::max(lang_n, 1), lang_ok, lang_n);
  if (have_entities) std::printf("entities       P %.3f R %.3f F1 %.3f\n", ent.precision(), ent.recall(), ent.f1());
  if (have_entities) std::printf("sentiment      macro-F1 %.3f\n", macro);
  if (have_quotes) std::printf("quotes         P %.3f R %.3f F1 %.3f; speaker accuracy %.3f (%d/%d)\n", quote.precision(), quote.recall(), quote.f1(),
                               speaker_n ? double(speaker_ok) / speaker_n : 0.0, speaker_ok, speaker_n);
  if (have_quotes) std::printf("stances        P %.3f R %.3f F1 %.3f\n", stance.precision(), stance.recall(), stance.f1());
  if (have_dedup) std::printf("dedup          P %.3f R %.3f F1 %.3f (pairs)\n", dedup.precision(), dedup.recall(), dedup.f1());

  std::string json;
  JsonWriter w(json);
  auto metric = [&](const char* key, bool present, double value) {
    w.key(key);
    if (present) w.number(value); else w.null();
  };
  w.begin_object();
  metric("language_accuracy", have_lang, lang_n ? double(lang_ok) / lang_n : 0.0);
  metric("entity_f1", have_entities, ent.f1());
  metric("quote_f1", have_quotes, quote.f1());
  metric("quote_speaker_accuracy", have_quotes, speaker_n ? double(speaker_ok) / speaker_n : 0.0);
  metric("sentiment_f1_macro", have_entities && !confusion.empty() && std::any_of(sink.articles.begin(), sink.articles.end(), [](const Article& a) {
           return std::any_of(a.entities.begin(), a.entities.end(), [](const Entity& e) { return e.sentiment.has_value(); });
         }), macro);
  metric("stance_f1", have_quotes, stance.f1());
  metric("dedup_f1", have_dedup, dedup.f1());
  w.end_object();
  std::printf("%s\n", json.c_str());
  return 0;
}

}  // namespace

void register_eval_articles(CLI::App& eval) {
  auto* cmd = eval.add_subcommand("articles", "Whole pipeline over gold-annotated articles (examples/README.md scoring).");
  static std::string data, config;
  cmd->add_option("--data", data, "gold articles JSONL")->required();
  cmd->add_option("-c,--config", config, "YAML config (stages to run)");
  cmd->callback([] { run(data, config); });
}

}  // namespace newsflow
