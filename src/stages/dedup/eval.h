// `newsflow eval dedup`: pair precision/recall of predicted vs gold duplicate clusters.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/article.h"
#include "stages/dedup/dedup_stage.h"

namespace newsflow::dedup {

struct EvalItem {
  Article article;
  std::string gold_duplicate_of;  // empty = original
  std::string gold_language;
  std::string edit;               // gold.edit tag from the generator, empty if absent
};

// Fills an Article from an input-format JSON object (null or missing fields become empty).
// Returns false when `id` is missing.
bool article_from_json(const nlohmann::json& j, Article& a);

// Reads JSONL; throws std::runtime_error naming the line on unreadable files or bad JSON.
std::vector<EvalItem> read_eval_file(const std::string& path);

struct EditScore {
  size_t n = 0;       // articles with this tag
  size_t tp = 0;      // copies linked into their gold cluster
  size_t fn = 0;      // copies not linked
  size_t fp = 0;      // articles linked into a wrong cluster
  double precision() const { return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / static_cast<double>(tp + fp); }
  double recall() const { return tp + fn == 0 ? 1.0 : static_cast<double>(tp) / static_cast<double>(tp + fn); }
};

struct EvalResult {
  double precision = 1.0, recall = 1.0, f1 = 1.0;
  uint64_t predicted_pairs = 0, gold_pairs = 0, true_pairs = 0;
  size_t articles = 0, exact = 0, near = 0;
  std::map<std::string, EditScore> per_edit;
  std::vector<std::string> errors;  // readable misses and false links (first few)
  nlohmann::json to_json() const;
};

struct EvalOptions {
  DedupConfig config;
  std::string method = "minhash";  // or "simhash": exact keys + brute-force SimHash Hamming <= k
  int simhash_k = 3;
  size_t max_errors = 20;
};

EvalResult evaluate_dedup(std::vector<EvalItem>& items, const EvalOptions& opt);

}  // namespace newsflow::dedup
