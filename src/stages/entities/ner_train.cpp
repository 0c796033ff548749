#include "stages/entities/ner_train.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <unordered_map>

#include "stages/entities/fold.h"
#include "stages/entities/ner_eval.h"

namespace newsflow::entities {
namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;

uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Lowercased token hashes of a phrase, tokenized like article text.
std::vector<uint64_t> phrase_hashes(std::string_view text, std::string& buf) {
  std::vector<Token> toks;
  tokenize(text, toks);
  std::vector<uint64_t> h;
  for (const auto& t : toks) {
    lower(t.text(text), buf);
    h.push_back(hash(buf));
  }
  return h;
}

// Minimal GNU .mo reader: original -> translation.
std::unordered_map<std::string, std::string> read_mo(const std::string& path) {
  std::unordered_map<std::string, std::string> m;
  std::ifstream in(path, std::ios::binary);
  if (!in) return m;
  std::string data((std::istreambuf_iterator<char>(in)), {});
  auto u32 = [&](size_t off) -> uint32_t {
    if (off + 4 > data.size()) return 0;
    uint32_t v;
    std::memcpy(&v, data.data() + off, 4);
    return v;
  };
  if (u32(0) != 0x950412de) return m;
  const uint32_t n = u32(8), orig = u32(12), trans = u32(16);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t ol = u32(orig + 8 * i), oo = u32(orig + 8 * i + 4);
    const uint32_t tl = u32(trans + 8 * i), to = u32(trans + 8 * i + 4);
    if (static_cast<size_t>(oo) + ol > data.size() || static_cast<size_t>(to) + tl > data.size()) break;
    m.emplace(data.substr(oo, ol), data.substr(to, tl));
  }
  return m;
}

struct Perceptron {
  uint32_t bits;
  std::vector<float> w, u;
  double c = 1;

  explicit Perceptron(uint32_t b) : bits(b), w((size_t{1} << b) * kLabels), u(w.size()) {}

  void scores(const uint32_t* f, const uint32_t* tf, float sc[kLabels]) const {
    std::fill(sc, sc + kLabels, 0.f);
    for (int k = 0; k < kMaxFeats && f[k] != kNone; ++k) {
      const float* row = &w[static_cast<size_t>(f[k]) * kLabels];
      for (int l = 0; l < kLabels; ++l) sc[l] += row[l];
    }
    for (int k = 0; k < kTagFeats; ++k) {
      const float* row = &w[static_cast<size_t>(tf[k]) * kLabels];
      for (int l = 0; l < kLabels; ++l) sc[l] += row[l];
    }
  }
  void update(const uint32_t* f, const uint32_t* tf, int label, float v) {
    const float cv = static_cast<float>(c) * v;
    auto upd = [&](uint32_t id) {
      const size_t j = static_cast<size_t>(id) * kLabels + label;
      w[j] += v;
      u[j] += cv;
    };
    for (int k = 0; k < kMaxFeats && f[k] != kNone; ++k) upd(f[k]);
    for (int k = 0; k < kTagFeats; ++k) upd(tf[k]);
  }
  // sum += share * averaged weights
  void add_average(std::vector<float>& sum, float share) const {
    sum.resize(w.size(), 0.f);
    for (size_t i = 0; i < w.size(); ++i) sum[i] += share * (w[i] - u[i] / static_cast<float>(c));
  }
};

Weights quantize(const std::vector<float>& avg, uint32_t bits) {
  Weights out;
  out.bits = bits;
  float mx = 0;
  for (float v : avg) mx = std::max(mx, std::fabs(v));
  out.scale = mx > 0 ? mx / 32000.f : 1.f;
  out.w.resize(avg.size());
  for (size_t i = 0; i < avg.size(); ++i) out.w[i] = static_cast<int16_t>(std::lround(avg[i] / out.scale));
  return out;
}

struct Data {
  std::vector<ConllDoc> docs;
  std::vector<NerDoc> views;
  std::vector<std::vector<TokInfo>> info;
  std::vector<std::vector<uint32_t>> feats;
};

void prepare(Data& d, ConllCorpus&& c) {
  d.docs = std::move(c.docs);
  d.views.clear();
  for (const auto& doc : d.docs) d.views.push_back(view(doc));
  d.info.resize(d.docs.size());
  d.feats.resize(d.docs.size());
}

void compute_features(Data& d, uint32_t groups, uint32_t mask, const std::vector<std::vector<uint8_t>>* pass1) {
  for (size_t i = 0; i < d.docs.size(); ++i) {
    std::span<const uint8_t> p1;
    if (pass1) p1 = (*pass1)[i];
    token_features(d.views[i], d.info[i], groups, p1, mask, d.feats[i]);
  }
}

// Trains `replicas` perceptrons on differently shuffled data and averages their weights (one
// linear model, so tagging costs the same; the average is less sensitive to one shuffle's luck).
Weights train_pass(const Data& d, const std::vector<size_t>& doc_ids, uint32_t bits, uint32_t label_mask, int epochs,
                   uint64_t seed, int replicas, std::ostream& log, const char* what) {
  const uint32_t mask = (1u << bits) - 1;
  std::vector<float> sum;
  for (int r = 0; r < replicas; ++r) {
    Perceptron p(bits);
    std::vector<std::pair<uint32_t, uint32_t>> order;  // (doc, sentence)
    for (size_t di : doc_ids) {
      for (uint32_t s = 0; s < d.docs[di].sentences.size(); ++s) order.emplace_back(static_cast<uint32_t>(di), s);
    }
    uint64_t rng = seed + static_cast<uint64_t>(r) * 0x51ED27ull;
    for (int ep = 0; ep < epochs; ++ep) {
      for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[splitmix(rng) % i]);
      size_t errors = 0, total = 0;
      for (const auto& [di, si] : order) {
        const Sentence& s = d.docs[di].sentences[si];
        const auto& gold = d.docs[di].tags;
        int p1 = kLabels, p2 = kLabels;
        for (uint32_t i = s.first; i < s.last; ++i) {
          const uint32_t* f = &d.feats[di][static_cast<size_t>(i) * kMaxFeats];
          uint32_t tf[kTagFeats];
          tag_features(d.info[di][i], p1, p2, mask, tf);
          float sc[kLabels];
          p.scores(f, tf, sc);
          const int prev = p1 == kLabels ? 0 : p1;
          int best = 0;
          for (int l = 1; l < kLabels; ++l) {
            if (sc[l] > sc[best] && (label_mask >> l & 1) && allowed(prev, l)) best = l;
          }
          const int g = gold[i];
          if (best != g) {
            p.update(f, tf, g, 1.f);
            p.update(f, tf, best, -1.f);
            ++errors;
          }
          p.c += 1;
          ++total;
          p2 = p1;
          p1 = best;
        }
      }
      log << what << " replica " << r + 1 << " epoch " << ep + 1 << ": token error rate "
          << static_cast<double>(errors) / std::max<size_t>(total, 1) << "\n";
    }
    p.add_average(sum, 1.f / static_cast<float>(replicas));
  }
  return quantize(sum, bits);
}

void predict(const Data& d, const std::vector<size_t>& doc_ids, const Weights& w, uint32_t label_mask,
             std::vector<std::vector<uint8_t>>& out) {
  for (size_t di : doc_ids) decode(d.views[di], d.info[di], d.feats[di], w, label_mask, out[di]);
}

NerScores score(const Data& d, const std::vector<std::vector<uint8_t>>& pred) {
  NerScores s;
  for (size_t i = 0; i < d.docs.size(); ++i) s.add(d.docs[i].sentences, d.docs[i].tags, pred[i]);
  return s;
}

void add_entities(const ConllDoc& doc, Gazetteer& gaz, std::string& buf) {
  std::vector<Chunk> cs;
  for (const Sentence& s : doc.sentences) {
    cs.clear();
    chunks(std::span<const uint8_t>(doc.tags).subspan(s.first, s.last - s.first), s.first, cs);
    for (const auto& c : cs) {
      std::vector<uint64_t> h;
      for (uint32_t k = c.first; k < c.last; ++k) {
        lower(doc.tokens[k], buf);
        h.push_back(hash(buf));
      }
      gaz.add(h, 0, c.type);
    }
  }
}

size_t doc_sentences = 20;  // set from TrainOptions
size_t group_for(ConllFormat f) { return f == ConllFormat::conll ? doc_sentences : 1; }

}  // namespace

std::string default_word_list(const std::string& lang) {
  if (lang == "de") return "/usr/share/dict/ngerman";
  if (lang == "es") return "/usr/share/dict/spanish";
  return "";
}

size_t add_iso_gazetteer(const std::string& dir, const std::string& lang, Gazetteer& gaz) {
  size_t n = 0;
  std::string buf;
  auto add_file = [&](const std::string& file, const std::string& key, const std::vector<std::string>& fields,
                      int type) {
    std::ifstream in(dir + "/" + file + ".json");
    if (!in) return;
    nlohmann::json j;
    try {
      in >> j;
    } catch (const std::exception&) {
      return;
    }
    std::unordered_map<std::string, std::string> tr;
    if (lang != "en") tr = read_mo("/usr/share/locale/" + lang + "/LC_MESSAGES/" + file + ".mo");
    for (const auto& e : j[key]) {
      for (const auto& f : fields) {
        if (!e.contains(f) || !e[f].is_string()) continue;
        const std::string name = e[f].get<std::string>();
        std::vector<std::string> names = {name};
        if (auto it = tr.find(name); it != tr.end()) names.push_back(it->second);
        for (const auto& nm : names) {
          // "Korea, Republic of" -> "Korea" too.
          std::string head = nm.substr(0, nm.find(','));
          for (const std::string& s : {nm, head}) {
            const auto h = phrase_hashes(s, buf);
            if (!h.empty()) {
              gaz.add(h, 1, type);
              ++n;
            }
          }
        }
      }
    }
  };
  add_file("iso_3166-1", "3166-1", {"name", "common_name", "official_name"}, 2);
  add_file("iso_3166-2", "3166-2", {"name"}, 2);
  add_file("iso_639-2", "639-2", {"name"}, 3);
  return n;
}

bool train_ner(const TrainOptions& opt, std::ostream& log, TrainResult& result, std::string& error) {
  const auto t0 = std::chrono::steady_clock::now();
  doc_sentences = opt.doc_sentences;
  ConllCorpus tc, dc;
  if (!read_conll(opt.train_path, opt.format, group_for(opt.format), tc, error)) return false;
  if (!read_conll(opt.dev_path, opt.dev_format, group_for(opt.dev_format), dc, error)) return false;
  for (const auto& [fmt, path] : opt.extra) {
    ConllCorpus ec;
    if (!read_conll(path, fmt, group_for(fmt), ec, error)) return false;
    log << "extra: " << path << ": " << ec.docs.size() << " docs, " << ec.tokens << " tokens\n";
    for (auto& d : ec.docs) tc.docs.push_back(std::move(d));
    tc.tokens += ec.tokens;
    tc.sentences += ec.sentences;
  }
  log << "train: " << tc.docs.size() << " docs, " << tc.sentences << " sentences, " << tc.tokens << " tokens\n";
  log << "dev:   " << dc.docs.size() << " docs, " << dc.sentences << " sentences, " << dc.tokens << " tokens\n";
  Data train, dev;
  prepare(train, std::move(tc));
  prepare(dev, std::move(dc));
  for (auto& d : train.docs) to_iob2(d.sentences, d.tags);

  NerModel model;
  model.lang_ = opt.lang;
  model.groups_ = opt.groups;
  if (opt.cluster_text.empty()) model.groups_ &= ~static_cast<uint32_t>(fg_clusters);
  const std::string words = opt.word_list == "default" ? default_word_list(opt.lang) : opt.word_list;
  if (words.empty()) model.groups_ &= ~static_cast<uint32_t>(fg_lexicon);
  if (model.groups_ & fg_lexicon) {
    const long n = read_word_list(words, model.lex_);
    if (n < 0) {
      error = "cannot read word list " + words + " (Debian wngerman/wspanish; --word-list FILE, or --groups=-lexicon)";
      return false;
    }
    log << "lexicon: " << n << " words from " << words << ", " << model.lex_.size() << " distinct\n";
  }
  const uint32_t groups = model.groups_;
  const uint32_t mask = (1u << opt.bits) - 1;

  // Gazetteers: the model keeps all training entities; each training document sees only those of
  // the other half, so the weights learn how far a gazetteer hit can be trusted on unseen text.
  std::string buf;
  // K folds: a training document sees the entities of the documents outside its fold.
  const size_t kf = std::max<size_t>(2, opt.gazetteer_folds);
  std::vector<Gazetteer> fold_gaz(kf);
  if (groups & fg_gazetteer) {
    const size_t ext = add_iso_gazetteer(opt.iso_codes_dir, opt.lang, model.gaz_);
    for (auto& g : fold_gaz) add_iso_gazetteer(opt.iso_codes_dir, opt.lang, g);
    for (size_t i = 0; i < train.docs.size(); ++i) {
      add_entities(train.docs[i], model.gaz_, buf);
      for (size_t f = 0; f < kf; ++f) {
        if (f != i % kf) add_entities(train.docs[i], fold_gaz[f], buf);
      }
    }
    log << "gazetteer: " << ext << " iso-codes names, " << model.gaz_.size() << " phrase-prefix entries\n";
  }
  const ClusterMap* cl = (groups & fg_clusters) ? &model.clusters_ : nullptr;
  const Lexicon* lex = (groups & fg_lexicon) ? &model.lex_ : nullptr;
  const bool use_gaz = groups & fg_gazetteer;
  for (size_t i = 0; i < train.docs.size(); ++i)
    token_info(train.views[i], use_gaz ? &fold_gaz[i % kf] : nullptr, cl, lex, train.info[i], buf);
  for (size_t i = 0; i < dev.docs.size(); ++i)
    token_info(dev.views[i], use_gaz ? &model.gaz_ : nullptr, cl, lex, dev.info[i], buf);
  compute_features(train, groups, mask, nullptr);
  compute_features(dev, groups, mask, nullptr);

  std::vector<size_t> all(train.docs.size()), dev_all(dev.docs.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  for (size_t i = 0; i < dev_all.size(); ++i) dev_all[i] = i;
  model.label_mask_ = 1;
  for (const auto& d : train.docs) {
    for (uint8_t t : d.tags) model.label_mask_ |= 1u << t;
  }
  const uint32_t lm = model.label_mask_;
  model.pass1_ = train_pass(train, all, opt.bits, lm, opt.epochs, opt.seed, opt.replicas, log, "pass1");
  std::vector<std::vector<uint8_t>> dev_pred(dev.docs.size());
  predict(dev, dev_all, model.pass1_, lm, dev_pred);
  NerScores s1 = score(dev, dev_pred);
  result.pass1_dev_f1 = s1.f1();
  log << "pass1 dev F1 " << s1.f1() << "\n";

  if (groups & fg_two_pass) {
    // Jackknifed pass-1 labels for the training documents, so pass 2 learns from realistic errors.
    std::vector<std::vector<uint8_t>> train_p1(train.docs.size());
    std::vector<size_t> fold[2];
    for (size_t i = 0; i < all.size(); ++i) fold[i % 2].push_back(i);
    for (int f = 0; f < 2; ++f) {
      const Weights w = train_pass(train, fold[1 - f], opt.bits, lm, opt.epochs, opt.seed + 1 + f, opt.replicas, log,
                                   "jackknife");
      predict(train, fold[f], w, lm, train_p1);
    }
    compute_features(train, groups, mask, &train_p1);
    compute_features(dev, groups, mask, &dev_pred);
    model.pass2_ = train_pass(train, all, opt.bits, lm, opt.epochs, opt.seed + 7, opt.replicas, log, "pass2");
  }

  if (!model.save(opt.out_path, error)) return false;
  // Reload and score the written file end to end.
  auto loaded = NerModel::load(opt.out_path, error);
  if (!loaded) return false;
  NerScratch scratch;
  NerScores fin;
  std::vector<uint8_t> labels;
  for (size_t i = 0; i < dev.docs.size(); ++i) {
    loaded->tag(dev.views[i], labels, scratch);
    fin.add(dev.docs[i].sentences, dev.docs[i].tags, labels);
  }
  log << fin.table();
  result.dev_f1 = fin.f1();
  result.dev_precision = fin.precision();
  result.dev_recall = fin.recall();
  result.model_bytes = loaded->bytes();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  log << "trained in " << secs << " s\n";
  return true;
}

}  // namespace newsflow::entities
