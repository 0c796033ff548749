// compare-sketches: the measurement behind the choice of MinHash LSH over SimHash. For each
// labelled copy it compares the copy with its gold source; for each unlabelled article it finds
// the closest earlier article. Prints, per edit type, the exact shingle Jaccard, the MinHash
// estimate and the SimHash Hamming distance, and the share each SimHash radius k would catch.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <map>
#include <unordered_map>

#include "stages/dedup/eval.h"
#include "stages/dedup/sketch.h"
#include "stages/dedup/text_norm.h"
#include "stages/dedup/tool/commands.h"

namespace newsflow::dedup::tool {
namespace {

struct Args {
  std::string data = "/tmp/synd.jsonl";
  int shingle_words = 4;
  int signature = 32;
};

struct Row {
  std::vector<double> jaccard, minhash;
  std::vector<int> hamming;
};

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

template <class T>
T quantile(std::vector<T> v, double q) {
  if (v.empty()) return T{};
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
}

void run(const Args& a) {
  std::vector<EvalItem> items;
  try {
    items = read_eval_file(a.data);
  } catch (const std::exception& e) {
    fmt::print(stderr, "compare-sketches: {}\n", e.what());
    throw CLI::RuntimeError(65);
  }
  SketchParams p;
  p.shingle_words = a.shingle_words;
  p.signature = a.signature;
  p.bands = 1;
  p.rows = 1;
  const size_t n = items.size();
  std::vector<std::vector<uint64_t>> sh(n);
  std::vector<Signature> sig(n);
  std::vector<uint64_t> sim(n);
  std::unordered_map<std::string, size_t> index_of;
  for (size_t i = 0; i < n; ++i) {
    Folded f;
    const Article& art = items[i].article;
    fold_append(art.body.empty() ? art.title : art.body, f);
    shingles(f.words, p.shingle_words, sh[i]);
    minhash(sh[i], p, sig[i]);
    sim[i] = simhash(sh[i]);
    index_of.emplace(art.id, i);
  }
  std::map<std::string, Row> rows;
  for (size_t i = 0; i < n; ++i) {
    const EvalItem& it = items[i];
    if (it.edit.empty() || it.edit == "original") continue;
    size_t j = SIZE_MAX;
    if (!it.gold_duplicate_of.empty()) {
      auto f = index_of.find(it.gold_duplicate_of);
      if (f == index_of.end()) continue;
      j = f->second;
    } else {  // negatives: the closest earlier article by SimHash, and by MinHash
      int best = 65;
      double best_mh = -1;
      size_t jm = SIZE_MAX;
      for (size_t k = 0; k < i; ++k) {
        const int d = std::popcount(sim[i] ^ sim[k]);
        if (d < best) {
          best = d;
        }
        const double s = signature_similarity(sig[i].data(), sig[k].data(), p.signature);
        if (s > best_mh) {
          best_mh = s;
          jm = k;
        }
      }
      Row& r = rows[it.edit];
      r.hamming.push_back(best);
      r.minhash.push_back(best_mh);
      if (jm != SIZE_MAX) {
        auto x = sh[i], y = sh[jm];
        r.jaccard.push_back(jaccard(x, y));
      }
      continue;
    }
    Row& r = rows[it.edit];
    auto x = sh[i], y = sh[j];
    r.jaccard.push_back(jaccard(x, y));
    r.minhash.push_back(signature_similarity(sig[i].data(), sig[j].data(), p.signature));
    r.hamming.push_back(std::popcount(sim[i] ^ sim[j]));
  }
  fmt::print("{}-word shingles, MinHash {} values, SimHash 64 bits; negatives: closest earlier article\n",
             a.shingle_words, a.signature);
  fmt::print("{:<20} {:>5} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8}\n", "edit", "n", "J mean", "J p05",
             "MH mean", "MH p05", "Ham p50", "Ham p95", "Ham<=3", "Ham<=6", "Ham<=10");
  for (const auto& [edit, r] : rows) {
    auto share = [&](int k) {
      size_t c = 0;
      for (int h : r.hamming) c += h <= k;
      return r.hamming.empty() ? 0.0 : static_cast<double>(c) / static_cast<double>(r.hamming.size());
    };
    fmt::print("{:<20} {:>5} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>8} {:>8} {:>8.3f} {:>8.3f} {:>8.3f}\n", edit,
               r.hamming.size(), mean(r.jaccard), quantile(r.jaccard, 0.05), mean(r.minhash),
               quantile(r.minhash, 0.05), quantile(r.hamming, 0.5), quantile(r.hamming, 0.95), share(3), share(6),
               share(10));
  }
  fmt::print("(for negatives, J/MH are of the closest article, so p95 = quantile(0.95) matters: see README)\n");
  for (const auto& [edit, r] : rows) {
    if (edit.rfind("negative", 0) == 0) {
      fmt::print("{}: MinHash p95 {:.3f}, max {:.3f}; Jaccard max {:.3f}; Hamming min {}\n", edit,
                 quantile(r.minhash, 0.95), quantile(r.minhash, 1.0), quantile(r.jaccard, 1.0),
                 quantile(r.hamming, 0.0));
    }
  }
}

}  // namespace

void register_compare_sketches(CLI::App& app) {
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("compare-sketches", "Measure MinHash vs SimHash on a labelled stream");
  cmd->add_option("--data", args->data, "labelled JSONL (gen-syndication output)")->capture_default_str();
  cmd->add_option("--shingle-words", args->shingle_words)->capture_default_str();
  cmd->add_option("--signature", args->signature, "MinHash values (<= 32)")->capture_default_str()
      ->check(CLI::Range(1, 32));
  cmd->callback([args] { run(*args); });
}

}  // namespace newsflow::dedup::tool
