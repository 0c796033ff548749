// Development-only check against the gold example articles (examples/README.md): quote F1,
// speaker accuracy, entity-sentiment macro-F1 and stance-triple F1, with entities built from the
// gold entity list (so the stance stage is measured without the NER stage). `eval articles` in
// the main binary is the end-to-end measure.
#include "stages/stance/gold_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/resources.h"
#include "stages/stance/stance_stage.h"
#include "stages/stance/trainer.h"

namespace newsflow::stance {
namespace {

std::string norm(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool word_char(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

// Gold entities → Article::entities with every occurrence of each surface form (longest first).
void build_entities(Article& a, const nlohmann::json& gold) {
  struct Hit {
    Field f;
    uint32_t s, e;
    size_t ent;
  };
  std::map<std::string, size_t> by_canon;
  std::vector<std::pair<std::string, size_t>> forms;
  for (const auto& g : gold["entities"]) {
    const std::string canon = g["canonical"];
    auto [it, fresh] = by_canon.emplace(canon, a.entities.size());
    if (fresh) {
      Entity e;
      e.text = g["text"];
      e.type = g["type"];
      e.canonical = canon;
      a.entities.push_back(e);
    }
    forms.push_back({g["text"], it->second});
  }
  std::vector<Hit> hits;
  for (const auto& [form, ent] : forms) {
    for (Field f : {Field::title, Field::body}) {
      const std::string_view t = a.text(f);
      for (size_t p = t.find(form); p != std::string_view::npos; p = t.find(form, p + 1)) {
        const size_t e = p + form.size();
        if ((p > 0 && word_char(t[p - 1])) || (e < t.size() && word_char(t[e]))) continue;
        hits.push_back({f, static_cast<uint32_t>(p), static_cast<uint32_t>(e), ent});
      }
    }
  }
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& x, const Hit& y) { return x.e - x.s > y.e - y.s; });
  std::vector<Hit> kept;
  for (const Hit& h : hits) {
    bool overlap = false;
    for (const Hit& k : kept) overlap |= k.f == h.f && h.s < k.e && k.s < h.e;
    if (!overlap) kept.push_back(h);
  }
  for (const Hit& h : kept) {
    a.entities[h.ent].mentions.push_back(Span{h.f, h.s, h.e});
    ++a.entities[h.ent].count;
  }
  a.entities_done = true;
}

Polarity parse_pol(const std::string& s) {
  return s == "positive" ? Polarity::positive : s == "negative" ? Polarity::negative : Polarity::neutral;
}

bool text_match(const std::string& a, const std::string& b) {
  const std::string x = norm(a), y = norm(b);
  if (x == y) return true;
  const std::string& lo = x.size() < y.size() ? x : y;
  const std::string& hi = x.size() < y.size() ? y : x;
  return !lo.empty() && hi.find(lo) != std::string::npos && lo.size() >= 0.9 * hi.size();
}

}  // namespace

int run_gold_check(const std::string& path, const std::string& model_path, bool verbose) {
  std::ifstream in(path);
  if (!in) {
    fmt::print(stderr, "error: cannot open {}\n", path);
    return 65;
  }
  auto model = std::make_shared<const SentimentModel>(SentimentModel::load(resource_path(model_path).string()));
  StanceAnnotator annot(model, StanceOptions{});
  size_t gold_q = 0, pred_q = 0, tp_q = 0, text_matched = 0, speaker_ok = 0;
  std::vector<int> sg, sp;
  size_t gold_st = 0, pred_st = 0, tp_st = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    Article a;
    a.id = j["id"];
    a.title = j.value("title", "");
    a.body = j.value("body", "");
    const auto& gold = j["gold"];
    a.language_hint = gold.value("language", "");
    build_entities(a, gold);
    annot.annotate(a);

    std::map<std::string, std::set<std::string>> forms;  // canonical → normalised names
    for (const auto& g : gold["entities"]) {
      forms[norm(g["canonical"].get<std::string>())].insert(norm(g["text"].get<std::string>()));
      forms[norm(g["canonical"].get<std::string>())].insert(norm(g["canonical"].get<std::string>()));
    }
    auto speaker_match = [&](const std::string& pred, const std::string& gold_canon) {
      const auto it = forms.find(norm(gold_canon));
      return norm(pred) == norm(gold_canon) || (it != forms.end() && it->second.count(norm(pred)));
    };
    std::vector<bool> used(gold["quotes"].size(), false);
    gold_q += gold["quotes"].size();
    pred_q += a.quotes.size();
    for (const Quote& q : a.quotes) {
      bool matched = false;
      for (size_t g = 0; g < gold["quotes"].size(); ++g) {
        if (used[g] || !text_match(q.text, gold["quotes"][g]["text"])) continue;
        const bool ok = speaker_match(q.speaker, gold["quotes"][g]["speaker"]);
        ++text_matched;
        speaker_ok += ok;
        if (ok) ++tp_q;
        else if (verbose)
          fmt::print("  {} SPEAKER got '{}' want '{}': {:.60}\n", a.id, q.speaker,
                     gold["quotes"][g]["speaker"].get<std::string>(), q.text);
        used[g] = matched = true;
        break;
      }
      if (!matched && verbose) fmt::print("  {} EXTRA [{}] {:.80}\n", a.id, q.speaker, q.text);
    }
    for (size_t g = 0; g < used.size(); ++g)
      if (!used[g] && verbose)
        fmt::print("  {} MISSED [{}] {:.80}\n", a.id, gold["quotes"][g]["speaker"].get<std::string>(),
                   gold["quotes"][g]["text"].get<std::string>());

    for (const auto& s : gold["sentiment"]) {
      int pred = -1;
      for (const Entity& e : a.entities)
        if (norm(e.canonical) == norm(s["target"].get<std::string>()) && e.sentiment) pred = static_cast<int>(e.sentiment->polarity);
      const int g = static_cast<int>(parse_pol(s["polarity"]));
      sg.push_back(g);
      sp.push_back(pred < 0 ? (g + 1) % 3 : pred);  // a missing target counts as wrong
      if (verbose && pred != g)
        fmt::print("  {} SENTIMENT {} got {} want {}\n", a.id, s["target"].get<std::string>(),
                   pred < 0 ? "none" : std::string(to_string(static_cast<Polarity>(pred))), s["polarity"].get<std::string>());
    }
    std::set<std::string> gst, pst;
    for (const auto& s : gold["stances"])
      gst.insert(norm(s["holder"].get<std::string>()) + "|" + norm(s["target"].get<std::string>()) + "|" +
                 s["polarity"].get<std::string>());
    for (const Quote& q : a.quotes)
      for (const QuoteTarget& t : q.targets)
        pst.insert(norm(q.speaker) + "|" + norm(t.entity) + "|" + std::string(to_string(t.polarity)));
    gold_st += gst.size();
    pred_st += pst.size();
    for (const auto& s : pst) tp_st += gst.count(s);
  }
  auto f1 = [](size_t tp, size_t p, size_t g) { return p + g == 0 ? 0.0 : 2.0 * tp / (p + g); };
  const ClassMetrics sm = score_predictions(sg, sp);
  const double qf1 = f1(tp_q, pred_q, gold_q);
  const double sacc = text_matched ? static_cast<double>(speaker_ok) / text_matched : 0;
  const double stf1 = f1(tp_st, pred_st, gold_st);
  fmt::print("quotes: gold {} predicted {} correct {} → F1 {:.4f}; speaker accuracy {:.4f} ({}/{})\n", gold_q, pred_q,
             tp_q, qf1, sacc, speaker_ok, text_matched);
  fmt::print("entity sentiment (gold targets): macro-F1 {:.4f} accuracy {:.4f} over {}\n", sm.f1_macro, sm.accuracy, sg.size());
  fmt::print("stance triples: gold {} predicted {} correct {} → F1 {:.4f}\n", gold_st, pred_st, tp_st, stf1);
  fmt::print("{{\"quote_f1\": {:.4f}, \"quote_speaker_accuracy\": {:.4f}, \"sentiment_f1_macro\": {:.4f}, \"stance_f1\": {:.4f}}}\n",
             qf1, sacc, sm.f1_macro, stf1);
  return 0;
}

}  // namespace newsflow::stance
