// Statistical NER: greedy left-to-right averaged-perceptron tagger over hashed features, BIO
// constrained, with an optional second pass that sees the first pass's document-level decisions.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer.h"
#include "stages/entities/gazetteer.h"

namespace newsflow::entities {

// Labels: O, then B-/I- for PER, ORG, LOC, MISC (IOB2).
constexpr int kLabels = 9;
constexpr int kTypes = 4;
constexpr std::array<std::string_view, kTypes> kTypeNames = {"PER", "ORG", "LOC", "MISC"};
inline int label_type(int label) { return label == 0 ? -1 : (label - 1) / 2; }
inline bool label_begin(int label) { return label > 0 && (label % 2) == 1; }
inline int make_label(int type, bool begin) { return 1 + type * 2 + (begin ? 0 : 1); }
std::string label_name(int label);
int parse_label(std::string_view tag);  // "B-PER" -> 1, "O"/unknown -> 0 (I-/B- kept as given)

// Which feature groups a model uses (stored in the model; toggled for ablations).
enum FeatureGroup : uint32_t {
  fg_affix = 1,      // prefixes/suffixes
  fg_context2 = 2,   // words at ±2
  fg_shape_ctx = 4,  // shape conjunctions in the window
  fg_gazetteer = 8,  // gazetteer matches (training entities + iso-codes)
  fg_clusters = 16,  // word clusters
  fg_two_pass = 32,  // document-level second pass
  fg_doc_case = 64,  // how a word is cased elsewhere in the document
  fg_chars = 128,    // long suffixes, character trigrams, outer word bigrams
  fg_trigger = 256,  // neighbour word x own shape ("minister X", "X said")
  fg_lexicon = 512,  // dictionary word list (Debian wngerman / wspanish): is it a common word?
  fg_quotes = 1024,  // inside quotation marks (titles of works, MISC)
  fg_sent_len = 2048,  // sentence length and position (WikiANN: title fragments vs sentences)
  fg_run = 4096,       // first/last word and length of the capitalised run a token is in
  fg_bow = 8192,       // capitalised tokens: lowercase words further away in the sentence (topic)
  fg_hist_next = 16384,  // second pass also sees the pass-1 labels to the right
  fg_ctx_agg = 32768,  // capitalised words: the neighbours of the same word elsewhere in the document
  fg_all = 65535,
};

// One document to tag: tokens (views into caller text) and sentence ranges over them.
struct NerDoc {
  std::vector<std::string_view> tokens;
  std::vector<Sentence> sentences;
};

// Per-token precomputed hashes and flags.
struct TokInfo {
  uint64_t w, lw, sshape, lshape, cls;
  uint64_t pre[3];  // lowercase prefixes of 2..4 code points
  uint64_t suf[6];  // lowercase suffixes of 1..6 code points
  uint64_t tri[8];  // character trigrams of "^word$" (lowercase), first 8
  uint8_t ntri;
  uint32_t gaz;     // Gazetteer::match bits
  uint8_t flags;    // kf_* below
  uint8_t lex;      // Lexicon class bits of the lowercased word (0 = not in the dictionary)
  uint8_t quote;    // 1 inside quotation marks, 2 first token after an opening mark
};

// Reusable buffers for one thread.
struct NerScratch {
  std::vector<TokInfo> info;
  std::vector<uint32_t> feats;  // flat, kMaxFeats per token
  std::vector<uint8_t> first;   // pass-1 labels
  std::vector<uint32_t> gaz;
  std::string buf;
};

struct Weights {
  uint32_t bits = 0;
  float scale = 1.f;
  std::vector<int16_t> w;  // (1 << bits) rows of kLabels
};

class NerModel {
 public:
  NerModel() = default;

  // Loads a model file; returns nullptr and sets `error` on failure.
  static std::unique_ptr<NerModel> load(const std::string& path, std::string& error);
  bool save(const std::string& path, std::string& error) const;

  // Tags one document: labels[i] for tokens[i] (IOB2 label ids).
  void tag(const NerDoc& doc, std::vector<uint8_t>& labels, NerScratch& scratch) const;

  const std::string& lang() const { return lang_; }
  uint32_t groups() const { return groups_; }
  size_t bytes() const { return pass1_.w.size() * 2 + pass2_.w.size() * 2; }

  // --- used by training ---
  std::string lang_ = "en";
  uint32_t groups_ = fg_all;
  uint32_t label_mask_ = (1u << kLabels) - 1;  // labels seen in training (WikiANN has no MISC)
  Gazetteer gaz_;
  ClusterMap clusters_;
  Lexicon lex_;
  Weights pass1_, pass2_;
};

// Feature extraction, shared by tagging and training.
constexpr int kMaxFeats = 80;
constexpr int kTagFeats = 4;
void token_info(const NerDoc& doc, const Gazetteer* gaz, const ClusterMap* clusters, const Lexicon* lex,
                std::vector<TokInfo>& info, std::string& buf);
// Fills kMaxFeats hashed feature ids per token (unused slots = UINT32_MAX). `hist` (optional) holds
// per token the second-pass document features computed from pass-1 labels.
void token_features(const NerDoc& doc, std::span<const TokInfo> info, uint32_t groups, std::span<const uint8_t> pass1,
                    uint32_t mask, std::vector<uint32_t>& feats);
// Appends the second-pass document features to features computed without them.
void history_features(std::span<const TokInfo> info, std::span<const uint8_t> pass1, uint32_t groups, uint32_t mask,
                      std::vector<uint32_t>& feats);
// Hashed ids of the features that depend on the previous two labels.
void tag_features(const TokInfo& t, int p1, int p2, uint32_t mask, uint32_t out[kTagFeats]);
// Greedy BIO-constrained decoding of one pass with precomputed token features.
void decode(const NerDoc& doc, std::span<const TokInfo> info, std::span<const uint32_t> feats, const Weights& w,
            uint32_t label_mask, std::vector<uint8_t>& labels);
// BIO constraint: may `label` follow `prev`?
inline bool allowed(int prev, int label) {
  if (label == 0 || label_begin(label)) return true;
  return prev != 0 && label_type(prev) == label_type(label);
}

}  // namespace newsflow::entities
