// Second opinion for close language pairs CLD2 confuses (hr/bs/sr, id/ms, da/nb/nn, mk/bg/sr/ru,
// cs/sk): a naive-Bayes model over lower-cased character 1–4-grams of words, trained by
// `newsflow train langid` on text we extract ourselves (Debian message catalogs, see README.md).
// Stored compactly as quantised log-probabilities of each language's most frequent n-grams.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsflow::langid {

// Hashes of the n-grams of `text` (appended to `out`): words = runs of letters and marks,
// lower-cased, padded with a space on each side; n = 1..4 code points inside a padded word.
void ngram_hashes(std::string_view text, std::vector<uint32_t>& out);

struct NgramScore {
  std::string_view lang;  // a view into the model's language list (valid while the model lives)
  double log_prob = 0;  // sum over n-grams of log P(n-gram | lang)
};

class NgramModel {
 public:
  static constexpr int kMaxN = 4;

  // Throws std::runtime_error on a missing or corrupt file.
  static NgramModel load(const std::string& path);
  // Train from <dir>/<lang>.txt for each lang; keep the `top_k` most frequent n-grams per language.
  static NgramModel train(const std::string& dir, const std::vector<std::string>& langs, size_t top_k);
  void save(const std::string& path) const;

  const std::vector<std::string>& languages() const { return langs_; }
  bool knows(std::string_view lang) const;
  // Scores of `text` for the given candidate languages (unknown ones are skipped), best first.
  // `n_grams` receives the number of n-grams scored.
  std::vector<NgramScore> score(std::string_view text, const std::vector<std::string_view>& candidates,
                                size_t* n_grams = nullptr) const;
  // Scores of `text` for every language of the model, best first (the fallback model's use:
  // one pass over the n-grams, whatever the number of languages).
  std::vector<NgramScore> score_all(std::string_view text, size_t* n_grams = nullptr) const;
  size_t entries() const { return entries_.size(); }

 private:
  struct Entry {
    uint32_t hash;
    uint8_t lang;
    uint8_t cost;  // -log P quantised: cost / kScale
  };
  static constexpr double kScale = 8.0;

  std::vector<std::string> langs_;
  std::vector<uint8_t> unseen_cost_;  // per language, for n-grams not in its list
  std::vector<Entry> entries_;        // sorted by (hash, lang)
  // Open-addressing index over entries_: slot = 1 + index of the first entry of a hash, 0 = empty.
  std::vector<uint32_t> slots_;
  int shift_ = 60;  // 64 - log2(slots_.size())
  void build_index();
  // Entries for hash `h` as [first, last) indices into entries_ (empty range when unknown).
  std::pair<uint32_t, uint32_t> find(uint32_t h) const;
};

}  // namespace newsflow::langid
