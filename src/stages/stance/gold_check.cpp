// Development-only check against the gold example articles (examples/README.md): quote F1,
// speaker accuracy, entity-sentiment macro-F1 and stance-triple F1, with entities built from the
// gold entity list (so the stance stage is measured without the NER stage). `eval articles` in
// the main binary is the end-to-end measure.
#include "stages/stance/gold_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>
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

std::string str_or_empty(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Entities of one `newsflow run` output line (newsflow.entities) → Article::entities.
void pipeline_entities(Article& a, const nlohmann::json& out) {
  const auto nf = out.find("newsflow");
  if (nf == out.end() || !nf->contains("entities")) return;
  for (const auto& e : (*nf)["entities"]) {
    Entity ent;
    ent.text = str_or_empty(e, "text");
    ent.type = str_or_empty(e, "type");
    ent.canonical = str_or_empty(e, "canonical");
    for (const auto& m : e["mentions"]) {
      const Field f = str_or_empty(m, "field") == "title" ? Field::title : Field::body;
      if (!m.contains("start") || !m.contains("end") || !m["start"].is_number_unsigned() || !m["end"].is_number_unsigned())
        continue;
      ent.mentions.push_back(Span{f, m["start"].get<uint32_t>(), m["end"].get<uint32_t>()});
    }
    ent.count = static_cast<uint32_t>(ent.mentions.size());
    a.entities.push_back(std::move(ent));
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

int run_gold_check(const std::string& path, const std::string& model_path, bool verbose,
                   const std::string& entities_from) {
  std::ifstream in(path);
  if (!in) {
    fmt::print(stderr, "error: cannot open {}\n", path);
    return 65;
  }
  std::map<std::string, nlohmann::json> pipeline;  // id → output line
  if (!entities_from.empty()) {
    std::ifstream pin(entities_from);
    if (!pin) {
      fmt::print(stderr, "error: cannot open {}\n", entities_from);
      return 65;
    }
    for (std::string l; std::getline(pin, l);)
      if (!l.empty()) {
        auto j = nlohmann::json::parse(l, nullptr, false);
        if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) continue;
        const std::string id = j["id"].get<std::string>();
        pipeline[id] = std::move(j);
      }
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
    if (entities_from.empty()) {
      build_entities(a, gold);
    } else if (const auto it = pipeline.find(a.id); it != pipeline.end()) {
      pipeline_entities(a, it->second);
    }
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

    // Names match as in `eval articles`: the gold canonical name or any surface form listed for it.
    auto entity_is = [&](const Entity& e, const std::string& gold_canon) {
      return speaker_match(e.canonical, gold_canon) || speaker_match(e.text, gold_canon);
    };
    for (const auto& s : gold["sentiment"]) {
      const std::string target = s["target"].get<std::string>();
      const Entity* hit = nullptr;
      for (const Entity& e : a.entities)
        if (e.sentiment && entity_is(e, target)) {
          hit = &e;
          break;
        }
      const int pred = hit ? static_cast<int>(hit->sentiment->polarity) : -1;
      const int g = static_cast<int>(parse_pol(s["polarity"]));
      sg.push_back(g);
      sp.push_back(pred < 0 ? (g + 1) % 3 : pred);  // a missing target counts as wrong
      if (verbose)
        fmt::print("  {} SENTIMENT{} {} got {} want {} (score {:.2f} conf {:.2f})\n", a.id, pred != g ? "" : "-ok",
                   target, pred < 0 ? "none" : std::string(to_string(static_cast<Polarity>(pred))),
                   s["polarity"].get<std::string>(), hit ? hit->sentiment->score : 0.0,
                   hit ? hit->sentiment->confidence : 0.0);
    }
    struct Triple {
      std::string holder, target, polarity;
    };
    std::vector<Triple> gst, pst;
    for (const auto& s : gold["stances"])
      gst.push_back({s["holder"].get<std::string>(), s["target"].get<std::string>(), s["polarity"].get<std::string>()});
    for (const Quote& q : a.quotes)
      for (const QuoteTarget& t : q.targets) {
        Triple p{q.speaker, t.entity, std::string(to_string(t.polarity))};
        if (std::none_of(pst.begin(), pst.end(), [&](const Triple& x) {
              return norm(x.holder) == norm(p.holder) && norm(x.target) == norm(p.target) && x.polarity == p.polarity;
            }))
          pst.push_back(std::move(p));
      }
    std::vector<bool> gold_hit(gst.size(), false);
    for (const Triple& p : pst) {
      bool hit = false;
      for (size_t k = 0; k < gst.size() && !hit; ++k) {
        if (gold_hit[k] || gst[k].polarity != p.polarity) continue;
        hit = speaker_match(p.holder, gst[k].holder) && speaker_match(p.target, gst[k].target);
        if (hit) gold_hit[k] = true;
      }
      tp_st += hit;
      if (verbose && !hit) fmt::print("  {} STANCE extra {}|{}|{}\n", a.id, p.holder, p.target, p.polarity);
    }
    if (verbose)
      for (size_t k = 0; k < gst.size(); ++k)
        if (!gold_hit[k]) fmt::print("  {} STANCE missed {}|{}|{}\n", a.id, gst[k].holder, gst[k].target, gst[k].polarity);
    gold_st += gst.size();
    pred_st += pst.size();
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

int run_corpus(const std::string& path, const std::string& model_path) {
  std::ifstream in(path);
  if (!in) {
    fmt::print(stderr, "error: cannot open {}\n", path);
    return 65;
  }
  std::vector<Article> arts;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    Article a;
    a.title = j.value("title", "");
    a.body = j.value("body", "");
    arts.push_back(std::move(a));
  }
  auto model = std::make_shared<const SentimentModel>(SentimentModel::load(resource_path(model_path).string()));
  StanceAnnotator annot(model, StanceOptions{});
  size_t quotes = 0, bytes = 0;
  timespec t0{}, t1{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
  for (Article& a : arts) {
    annot.annotate(a);
    quotes += a.quotes.size();
    bytes += a.title.size() + a.body.size();
  }
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
  const double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
  fmt::print("{} articles, {} quotes kept (no entities: unattributed, short ones dropped), {:.0f} articles per CPU-second, {:.1f} MB/s\n",
             arts.size(), quotes, arts.size() / secs, bytes / secs / 1e6);
  return 0;
}

}  // namespace newsflow::stance
