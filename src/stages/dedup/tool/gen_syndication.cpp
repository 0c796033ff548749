// gen-syndication: a labelled dedup test stream built from a news corpus (e.g. BBC): the
// originals, syndicated copies with one edit type each (gold.duplicate_of + gold.edit), and
// independent same-category articles as negatives. Output derives from the corpus: write it to
// /tmp, never into the repository.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "stages/dedup/sketch.h"
#include "stages/dedup/text_norm.h"
#include "stages/dedup/time_util.h"
#include "stages/dedup/tool/commands.h"

namespace newsflow::dedup::tool {
namespace {

struct Doc {
  std::string id, title, body, category, url, source, published_at, duplicate_of, edit;
  int64_t time_ms = 0;
};

struct Outlet {
  const char* name;
  const char* domain;
};
constexpr std::array<Outlet, 8> kOutlets = {{{"Harbourline Post", "harbourline-post.test"},
                                             {"Meridian Wire", "meridian-wire.test"},
                                             {"Northgate News", "northgate-news.test"},
                                             {"The Daily Ledger", "daily-ledger.test"},
                                             {"Eastbank Herald", "eastbank-herald.test"},
                                             {"Atlas News Service", "atlas-news.test"},
                                             {"Continental Press", "continental-press.test"},
                                             {"Riverside Gazette", "riverside-gazette.test"}}};
constexpr std::array<const char*, 8> kNames = {"Jane Holloway", "Tomas Berg", "Amira Castell", "Luis Ferreira",
                                               "Nadia Okafor", "Peter Lindqvist", "Grace Whitcombe", "Omar Haddad"};
constexpr std::array<const char*, 6> kCities = {"LONDON", "MANCHESTER", "EDINBURGH", "CARDIFF", "BELFAST", "BRUSSELS"};

const std::unordered_map<std::string, std::string>& synonyms() {
  static const std::unordered_map<std::string, std::string> m = {
      {"said", "stated"}, {"says", "states"}, {"also", "additionally"}, {"but", "however"}, {"big", "large"},
      {"people", "individuals"}, {"government", "administration"}, {"show", "indicate"}, {"help", "assist"},
      {"buy", "purchase"}, {"start", "begin"}, {"many", "numerous"}, {"about", "around"}, {"after", "following"},
      {"get", "obtain"}, {"make", "create"}, {"because", "since"}, {"while", "whereas"}, {"expected", "anticipated"},
      {"firm", "company"}, {"company", "firm"}, {"told", "informed"}, {"added", "continued"}, {"year", "twelve months"},
      {"rise", "increase"}, {"rose", "climbed"}, {"fell", "dropped"}, {"cut", "reduce"}, {"plans", "proposals"},
      {"biggest", "largest"}, {"main", "principal"}, {"very", "highly"}, {"now", "currently"}, {"need", "require"}};
  return m;
}

std::vector<std::string> split_paragraphs(const std::string& body) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < body.size()) {
    size_t j = body.find("\n\n", i);
    if (j == std::string::npos) j = body.size();
    std::string p = body.substr(i, j - i);
    while (!p.empty() && (p.back() == '\n' || p.back() == ' ')) p.pop_back();
    if (!p.empty()) out.push_back(p);
    i = j + 2;
  }
  return out;
}

std::string join_paragraphs(const std::vector<std::string>& ps) {
  std::string out;
  for (const auto& p : ps) {
    if (!out.empty()) out += "\n\n";
    out += p;
  }
  return out + "\n";
}

// Sentences of a paragraph (". ", "? ", "! " followed by a capital, a digit or a quote).
std::vector<std::string> split_sentences(const std::string& p) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i + 2 < p.size(); ++i) {
    const char c = p[i];
    if ((c == '.' || c == '?' || c == '!' || c == '"') && p[i + 1] == ' ' &&
        (std::isupper(static_cast<unsigned char>(p[i + 2])) || p[i + 2] == '"' ||
         std::isdigit(static_cast<unsigned char>(p[i + 2])))) {
      if (c == '"' && i > 0 && p[i - 1] != '.' && p[i - 1] != '?' && p[i - 1] != '!') continue;
      out.push_back(p.substr(start, i + 1 - start));
      start = i + 2;
    }
  }
  if (start < p.size()) out.push_back(p.substr(start));
  return out;
}

// The corpus merges several wire paragraphs into one block; a wire paragraph is one or two
// sentences. Drops the last one (up to ~60 words).
void drop_last_paragraph(std::vector<std::string>& paras) {
  std::vector<std::string> sent = split_sentences(paras.back());
  if (sent.size() <= 1) {
    paras.pop_back();
    return;
  }
  size_t drop = 1;
  if (sent.size() > 2 && std::count(sent.back().begin(), sent.back().end(), ' ') < 20) drop = 2;
  sent.resize(sent.size() - drop);
  std::string kept;
  for (const auto& x : sent) kept += (kept.empty() ? "" : " ") + x;
  paras.back() = kept;
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> w;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) w.push_back(s.substr(i, j - i));
    i = j;
  }
  return w;
}

std::string join_words(const std::vector<std::string>& w) {
  std::string out;
  for (const auto& x : w) {
    if (!out.empty()) out += ' ';
    out += x;
  }
  return out;
}

class Editor {
 public:
  explicit Editor(uint64_t seed) : rng_(seed) {}
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  double unit() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  std::mt19937_64& rng() { return rng_; }

  // A rewritten lead: every 4-word shingle of the original lead is gone (order shuffled, words dropped).
  std::string rewrite_lead(const std::string& lead) {
    std::vector<std::string> w = split_words(lead);
    std::shuffle(w.begin(), w.end(), rng_);
    std::vector<std::string> keep;
    for (auto& x : w) {
      if (unit() < 0.75) keep.push_back(x);
    }
    if (keep.empty() && !w.empty()) keep.push_back(w[0]);
    return join_words(keep) + ".";
  }

  // Small rewording: a share of the words replaced by synonyms or dropped.
  std::string reword(const std::string& para, double rate) {
    std::vector<std::string> w = split_words(para);
    std::vector<std::string> out;
    for (auto& x : w) {
      if (unit() >= rate) {
        out.push_back(x);
        continue;
      }
      std::string core = x;
      std::string trail;
      while (!core.empty() && std::ispunct(static_cast<unsigned char>(core.back()))) {
        trail.insert(trail.begin(), core.back());
        core.pop_back();
      }
      std::string lower = core;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto it = synonyms().find(lower);
      if (it != synonyms().end()) {
        std::string rep = it->second;
        if (!core.empty() && std::isupper(static_cast<unsigned char>(core[0]))) rep[0] = static_cast<char>(std::toupper(rep[0]));
        out.push_back(rep + trail);
      } else if (!trail.empty() && !out.empty()) {
        out.back() += trail;  // dropped word, keep its punctuation
      }
    }
    return join_words(out);
  }

  std::string new_title(const std::vector<std::string>& paras) {
    std::vector<std::string> w = split_words(paras.empty() ? "Update" : paras[0]);
    if (w.size() > 9) w.resize(9);
    if (!w.empty()) {
      while (!w.back().empty() && std::ispunct(static_cast<unsigned char>(w.back().back()))) w.back().pop_back();
    }
    return join_words(w);
  }

 private:
  std::mt19937_64 rng_;
};

std::string slug(const std::string& title) {
  std::string s;
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c))) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    else if (!s.empty() && s.back() != '-') s.push_back('-');
    if (s.size() > 60) break;
  }
  return s;
}

struct Relation {
  size_t near_of = SIZE_MAX;  // earliest earlier article with Jaccard >= 0.6
  bool ambiguous = false;     // 0.15 <= Jaccard < 0.6 with an earlier article
  bool related = false;       // Jaccard >= 0.15 with any other article
};

std::vector<Relation> relate(const std::vector<Doc>& docs) {
  const size_t n = docs.size();
  std::vector<std::vector<uint64_t>> sets(n);
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings;
  for (size_t i = 0; i < n; ++i) {
    Folded f;
    fold_append(docs[i].body, f);
    shingles(f.words, 4, sets[i]);
    std::sort(sets[i].begin(), sets[i].end());
    sets[i].erase(std::unique(sets[i].begin(), sets[i].end()), sets[i].end());
    for (uint64_t s : sets[i]) postings[s].push_back(static_cast<uint32_t>(i));
  }
  std::vector<Relation> rel(n);
  std::unordered_map<uint64_t, uint32_t> common;
  for (const auto& [s, list] : postings) {
    if (list.size() > 60) continue;  // boilerplate phrases
    for (size_t x = 0; x < list.size(); ++x) {
      for (size_t y = x + 1; y < list.size(); ++y) ++common[(static_cast<uint64_t>(list[x]) << 32) | list[y]];
    }
  }
  for (const auto& [key, c] : common) {
    const size_t x = key >> 32, y = key & 0xFFFFFFFF;  // x < y
    const double j = static_cast<double>(c) / static_cast<double>(sets[x].size() + sets[y].size() - c);
    if (j < 0.15 || docs[x].body == docs[y].body) continue;
    rel[x].related = rel[y].related = true;
    if (j >= 0.6) {
      rel[y].near_of = std::min(rel[y].near_of, x);
    } else {
      rel[y].ambiguous = true;
    }
  }
  for (auto& r : rel) {
    if (r.near_of != SIZE_MAX) r.ambiguous = false;
  }
  return rel;
}

struct GenArgs {
  std::string input = "../shared/data/news/bbc-news.jsonl";
  std::string out = "/tmp/synd.jsonl";
  uint64_t seed = 1;
  double copy_rate = 0.8;
  double holdout = 0.2;
};

void generate(const GenArgs& a) {
  std::ifstream in(a.input);
  if (!in) {
    fmt::print(stderr, "gen-syndication: cannot read {}\n", a.input);
    throw CLI::RuntimeError(65);
  }
  std::vector<Doc> docs;
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    Doc d;
    d.id = j.value("id", "");
    d.title = j["title"].is_string() ? j["title"].get<std::string>() : "";
    d.body = j["body"].is_string() ? j["body"].get<std::string>() : "";
    d.category = j.contains("category") && j["category"].is_string() ? j["category"].get<std::string>() : "news";
    if (!d.id.empty()) docs.push_back(std::move(d));
  }
  Editor ed(a.seed);
  const int64_t base = *parse_rfc3339_ms("2026-01-05T06:00:00Z");

  // Natural repeats in the corpus: same body = the same story (gold duplicate of the first).
  std::unordered_map<std::string, size_t> first_body;
  std::vector<Doc> stream;
  std::vector<size_t> originals;  // indices into docs kept as streamed originals
  std::map<std::string, std::vector<size_t>> by_category;
  std::vector<size_t> holdout;
  std::vector<bool> repeated(docs.size(), false);
  for (size_t i = 0; i < docs.size(); ++i) {
    auto [it, fresh] = first_body.emplace(docs[i].body, i);
    if (!fresh) repeated[i] = repeated[it->second] = true;
  }
  // The corpus also holds updated versions of a story. Exact 4-word-shingle Jaccard >= 0.6 with an
  // earlier article: a natural duplicate; 0.15..0.6 (partial overlap, e.g. a follow-up quoting the
  // first story): ambiguous, left out of the stream so the gold stays clean.
  const std::vector<Relation> rel = relate(docs);
  std::vector<size_t> root(docs.size());
  std::vector<bool> streamed(docs.size(), false);
  for (size_t i = 0; i < docs.size(); ++i) {
    root[i] = i;
    Doc& d = docs[i];
    d.time_ms = base + static_cast<int64_t>(i) * 10 * 60 * 1000;
    d.published_at = format_rfc3339(d.time_ms);
    d.source = "BBC News";
    const std::string tail = d.id.substr(d.id.find('/') + 1);
    d.url = fmt::format("https://www.bbc.co.uk/news/{}", slug(tail));
    size_t first = i;
    if (first_body[d.body] != i) first = root[first_body[d.body]];
    else if (rel[i].near_of != SIZE_MAX) first = root[rel[i].near_of];
    else if (rel[i].ambiguous) continue;
    root[i] = first;
    if (first != i && !streamed[first]) continue;  // its story was left out
    if (first != i) {
      streamed[i] = true;
      d.duplicate_of = docs[first].id;
      d.edit = "natural";
      stream.push_back(d);
      continue;
    }
    if (!repeated[i] && !rel[i].related && ed.unit() < a.holdout) {
      holdout.push_back(i);  // independent negatives later, never streamed as themselves
      continue;
    }
    d.edit = "original";
    streamed[i] = true;
    stream.push_back(d);
    originals.push_back(i);
    by_category[d.category].push_back(i);
  }

  static constexpr std::array<const char*, 7> kEdits = {"lead", "drop_last", "title", "byline", "reword", "combo",
                                                        "exact_variant"};
  size_t n = 0;
  for (size_t i : originals) {
    if (ed.unit() >= a.copy_rate) continue;
    const Doc& s = docs[i];
    std::vector<std::string> paras = split_paragraphs(s.body);
    std::string edit = kEdits[ed.pick(kEdits.size())];
    if ((edit == "lead" || edit == "drop_last" || edit == "combo") && paras.size() < 2) edit = "byline";
    const Outlet& o = kOutlets[ed.pick(kOutlets.size())];
    Doc c;
    c.id = fmt::format("synd/{:05}", n++);
    c.category = s.category;
    c.source = o.name;
    c.time_ms = s.time_ms + static_cast<int64_t>(5 + ed.pick(48 * 60)) * 60 * 1000;
    c.published_at = format_rfc3339(c.time_ms);
    c.duplicate_of = s.id;
    c.edit = edit;
    c.title = s.title;
    const auto byline = [&] {
      paras.insert(paras.begin(), fmt::format("By {}, {}", kNames[ed.pick(kNames.size())], o.name));
      paras[1] = fmt::format("{} ({}) - {}", kCities[ed.pick(kCities.size())], o.name, paras[1]);
      paras.push_back(fmt::format("(Reporting by {}; editing by {})", kNames[ed.pick(kNames.size())],
                                  kNames[ed.pick(kNames.size())]));
    };
    if (edit == "lead") {
      paras[0] = ed.rewrite_lead(paras[0]);
    } else if (edit == "drop_last") {
      drop_last_paragraph(paras);
    } else if (edit == "title") {
      c.title = ed.new_title(std::vector<std::string>(paras.begin() + (paras.size() > 1 ? 1 : 0), paras.end()));
    } else if (edit == "byline") {
      byline();
    } else if (edit == "reword") {
      for (auto& p : paras) p = ed.reword(p, 0.04);
    } else if (edit == "combo") {
      paras[0] = ed.rewrite_lead(paras[0]);
      drop_last_paragraph(paras);
      for (size_t k = 1; k < paras.size(); ++k) paras[k] = ed.reword(paras[k], 0.02);
      c.title = ed.new_title(std::vector<std::string>(paras.begin() + 1, paras.end()));
      byline();
    } else if (edit == "exact_variant") {
      static constexpr std::array<const char*, 4> kTitle = {"Opinion | {} \u2013 {}", "Op-Ed: {}", "{} | {}",
                                                            "UPDATE 1-{} - {}"};
      c.title = fmt::format(fmt::runtime(kTitle[ed.pick(kTitle.size())]), s.title, o.name);
    }
    c.body = join_paragraphs(paras);
    if (edit == "exact_variant" && ed.unit() < 0.5) {
      // the same page through a tracking link or its AMP version
      static constexpr std::array<const char*, 4> kUrl = {"{}?utm_source=twitter&utm_medium=social",
                                                          "{}/amp/", "{}?fbclid=IwAR0abc#comments", "{}?amp=1"};
      c.url = fmt::format(fmt::runtime(kUrl[ed.pick(kUrl.size())]), s.url);
      std::string& u = c.url;
      if (ed.unit() < 0.5) u.replace(0, 5, "http");  // https -> http
    } else {
      c.url = fmt::format("https://www.{}/2026/{}", o.domain, slug(c.title));
    }
    stream.push_back(std::move(c));
  }

  // Independent articles from the same category, next to a streamed article; half of them
  // reuse its headline (same-event coverage with its own text).
  size_t k = 0;
  for (size_t h : holdout) {
    const Doc& t = docs[h];
    const auto& pool = by_category[t.category];
    if (pool.empty()) continue;
    const Doc& s = docs[pool[ed.pick(pool.size())]];
    const Outlet& o = kOutlets[ed.pick(kOutlets.size())];
    Doc c;
    c.id = fmt::format("indep/{:05}", k++);
    c.category = t.category;
    c.source = o.name;
    c.time_ms = s.time_ms + static_cast<int64_t>(1 + ed.pick(6 * 60)) * 60 * 1000;
    c.published_at = format_rfc3339(c.time_ms);
    const bool same_title = ed.unit() < 0.5;
    c.title = same_title ? s.title : t.title;
    c.edit = same_title ? "negative_same_title" : "negative";
    c.body = t.body;
    c.url = fmt::format("https://www.{}/2026/{}", o.domain, slug(t.title));
    stream.push_back(std::move(c));
  }

  std::stable_sort(stream.begin(), stream.end(), [](const Doc& x, const Doc& y) { return x.time_ms < y.time_ms; });
  std::ofstream out(a.out);
  if (!out) {
    fmt::print(stderr, "gen-syndication: cannot write {}\n", a.out);
    throw CLI::RuntimeError(73);
  }
  std::map<std::string, size_t> counts;
  for (const Doc& d : stream) {
    nlohmann::json j = {{"id", d.id}, {"url", d.url}, {"source", d.source}, {"published_at", d.published_at},
                        {"title", d.title}, {"body", d.body}, {"category", d.category}};
    j["gold"] = {{"language", "en"}, {"edit", d.edit}};
    j["gold"]["duplicate_of"] = d.duplicate_of.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.duplicate_of);
    out << j.dump() << '\n';
    ++counts[d.edit];
  }
  fmt::print("wrote {} articles to {}\n", stream.size(), a.out);
  for (const auto& [e, c] : counts) fmt::print("  {:<20} {}\n", e, c);
}

}  // namespace

void register_gen_syndication(CLI::App& app) {
  auto args = std::make_shared<GenArgs>();
  CLI::App* cmd = app.add_subcommand("gen-syndication", "Make a labelled syndication test stream (write to /tmp)");
  cmd->add_option("--input", args->input, "news JSONL (id, title, body, category)")->capture_default_str();
  cmd->add_option("--out", args->out, "output JSONL")->capture_default_str();
  cmd->add_option("--seed", args->seed, "random seed")->capture_default_str();
  cmd->add_option("--copy-rate", args->copy_rate, "share of originals that get a copy")->capture_default_str();
  cmd->add_option("--holdout", args->holdout, "share of articles held out as independent negatives")
      ->capture_default_str();
  cmd->callback([args] { generate(*args); });
}

}  // namespace newsflow::dedup::tool
