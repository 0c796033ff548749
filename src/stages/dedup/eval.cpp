#include "stages/dedup/eval.h"

#include <fmt/format.h>

#include <bit>
#include <fstream>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace newsflow::dedup {
namespace {

std::string str_or_empty(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

class UnionFind {
 public:
  size_t add() {
    parent_.push_back(parent_.size());
    return parent_.size() - 1;
  }
  size_t find(size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void unite(size_t a, size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<size_t> parent_;
};

uint64_t pairs(uint64_t n) { return n * (n - 1) / 2; }

}  // namespace

bool article_from_json(const nlohmann::json& j, Article& a) {
  if (!j.is_object()) return false;
  a.id = str_or_empty(j, "id");
  a.title = str_or_empty(j, "title");
  a.body = str_or_empty(j, "body");
  a.url = str_or_empty(j, "url");
  a.source = str_or_empty(j, "source");
  a.published_at = str_or_empty(j, "published_at");
  a.language_hint = str_or_empty(j, "language");
  return !a.id.empty();
}

std::vector<EvalItem> read_eval_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<EvalItem> items;
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    EvalItem it;
    if (j.is_discarded() || !article_from_json(j, it.article)) {
      throw std::runtime_error(fmt::format("{}:{}: not an article object with an id", path, lineno));
    }
    if (auto g = j.find("gold"); g != j.end() && g->is_object()) {
      it.gold_duplicate_of = str_or_empty(*g, "duplicate_of");
      it.gold_language = str_or_empty(*g, "language");
      it.edit = str_or_empty(*g, "edit");
    }
    items.push_back(std::move(it));
  }
  return items;
}

nlohmann::json EvalResult::to_json() const {
  nlohmann::json j = {{"precision", precision}, {"recall", recall}, {"f1", f1}, {"articles", articles},
                      {"predicted_pairs", predicted_pairs}, {"gold_pairs", gold_pairs}};
  if (!per_edit.empty()) {
    nlohmann::json pe = nlohmann::json::object();
    for (const auto& [edit, s] : per_edit) {
      if (s.tp + s.fn == 0) {  // articles without a gold duplicate (originals, negatives)
        pe[edit] = {{"n", s.n}, {"false_links", s.fp},
                    {"false_link_rate", s.n == 0 ? 0.0 : static_cast<double>(s.fp) / static_cast<double>(s.n)}};
      } else {
        pe[edit] = {{"n", s.n}, {"precision", s.precision()}, {"recall", s.recall()}, {"false_links", s.fp}};
      }
    }
    j["per_edit"] = pe;
  }
  return j;
}

EvalResult evaluate_dedup(std::vector<EvalItem>& items, const EvalOptions& opt) {
  EvalResult r;
  r.articles = items.size();
  DedupConfig cfg = opt.config;
  const bool simhash_mode = opt.method == "simhash";
  if (simhash_mode) cfg.index.threshold = 2.0;  // index does exact keys only; SimHash does near
  DedupStage stage(cfg);

  std::unordered_map<std::string, size_t> index_of;
  for (size_t i = 0; i < items.size(); ++i) index_of.emplace(items[i].article.id, i);

  // Predicted links: duplicate_of from the stage (or the SimHash neighbour's cluster).
  UnionFind pred, gold;
  for (size_t i = 0; i < items.size(); ++i) {
    pred.add();
    gold.add();
  }
  std::vector<uint64_t> simhashes;
  std::vector<uint64_t> sh;
  std::vector<uint64_t> matched(items.size(), SIZE_MAX);  // article each one was linked to
  for (size_t i = 0; i < items.size(); ++i) {
    Article& a = items[i].article;
    stage.process(a);
    const DedupInfo& d = *a.dedup;
    if (d.status == DedupInfo::Status::exact_duplicate) ++r.exact;
    if (d.status == DedupInfo::Status::near_duplicate) ++r.near;
    if (!d.duplicate_of.empty()) {
      if (auto it = index_of.find(d.duplicate_of); it != index_of.end()) {
        pred.unite(i, it->second);
        matched[i] = it->second;
      }
    }
    if (simhash_mode) {
      Folded f;
      fold_append(a.body.empty() ? a.title : a.body, f);
      shingles(f.words, cfg.index.sketch.shingle_words, sh);
      const uint64_t s = f.words.size() >= static_cast<size_t>(cfg.min_words) ? simhash(sh) : 0;
      simhashes.push_back(s);
      if (d.status == DedupInfo::Status::unique && s != 0) {
        int best = 65;
        size_t best_j = SIZE_MAX;
        for (size_t j = 0; j < i; ++j) {
          if (simhashes[j] == 0) continue;
          const int dist = std::popcount(s ^ simhashes[j]);
          if (dist < best) {
            best = dist;
            best_j = j;
          }
        }
        if (best <= opt.simhash_k) {
          pred.unite(i, best_j);
          matched[i] = best_j;
          ++r.near;
        }
      }
    }
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string& g = items[i].gold_duplicate_of;
    if (g.empty()) continue;
    if (auto it = index_of.find(g); it != index_of.end()) gold.unite(i, it->second);
  }

  // Pair counts from cluster intersections.
  std::unordered_map<size_t, uint64_t> pred_sizes;
  std::unordered_map<std::string, uint64_t> cell, gold_lang, cell_lang;
  for (size_t i = 0; i < items.size(); ++i) {
    const size_t p = pred.find(i), g = gold.find(i);
    const std::string& lang = items[i].gold_language;
    ++pred_sizes[p];
    ++cell[fmt::format("{}/{}", g, p)];
    ++gold_lang[fmt::format("{}/{}", g, lang)];
    ++cell_lang[fmt::format("{}/{}/{}", g, p, lang)];
  }
  uint64_t tp_all = 0, tp_lang = 0, gold_pairs = 0;
  for (const auto& [k, n] : pred_sizes) r.predicted_pairs += pairs(n);
  for (const auto& [k, n] : cell) tp_all += pairs(n);
  for (const auto& [k, n] : gold_lang) gold_pairs += pairs(n);
  for (const auto& [k, n] : cell_lang) tp_lang += pairs(n);
  r.gold_pairs = gold_pairs;
  r.true_pairs = tp_all;
  r.precision = r.predicted_pairs == 0 ? 1.0 : static_cast<double>(tp_all) / static_cast<double>(r.predicted_pairs);
  r.recall = gold_pairs == 0 ? 1.0 : static_cast<double>(tp_lang) / static_cast<double>(gold_pairs);
  r.f1 = r.precision + r.recall == 0 ? 0.0 : 2 * r.precision * r.recall / (r.precision + r.recall);

  // Per edit type: was each copy linked into its gold cluster, and was anything linked wrongly?
  for (size_t i = 0; i < items.size(); ++i) {
    const EvalItem& it = items[i];
    const bool linked_wrong = matched[i] != SIZE_MAX && gold.find(matched[i]) != gold.find(i);
    bool missed = false;
    if (!it.gold_duplicate_of.empty()) {
      auto t = index_of.find(it.gold_duplicate_of);
      missed = t != index_of.end() && pred.find(i) != pred.find(t->second);
    }
    if (!it.edit.empty()) {
      EditScore& s = r.per_edit[it.edit];
      ++s.n;
      if (!it.gold_duplicate_of.empty()) {
        if (missed) ++s.fn;
        else if (!linked_wrong) ++s.tp;
      }
      if (linked_wrong) ++s.fp;
    }
    if ((missed || linked_wrong) && r.errors.size() < opt.max_errors) {
      const DedupInfo& d = *it.article.dedup;
      r.errors.push_back(fmt::format("{} {} [{}] gold={} predicted={} ({}, similarity {:.2f})",
                                     missed ? "MISS" : "FALSE", it.article.id, it.edit.empty() ? "-" : it.edit,
                                     it.gold_duplicate_of.empty() ? "-" : it.gold_duplicate_of,
                                     d.duplicate_of.empty() ? "-" : d.duplicate_of, to_string(d.status),
                                     d.similarity));
    }
  }
  return r;
}

}  // namespace newsflow::dedup
