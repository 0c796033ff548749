#include "stages/entities/entities_stage.h"

#include <fmt/format.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>

#include "core/clock.h"
#include "core/resources.h"
#include "core/tokenizer.h"
#include "stages/entities/fold.h"
#include "stages/entities/linker.h"
#include "stages/entities/ner_eval.h"
#include "stages/entities/ner_model.h"
#include "stages/entities/watchlist.h"

namespace newsflow {
namespace {

using namespace entities;

// Per-thread buffers: the stage runs concurrently and must not allocate per article in steady state.
struct Scratch {
  NerDoc doc;
  std::vector<uint8_t> labels;
  NerScratch ner;
  std::vector<WatchMatch> wm;
  std::vector<uint64_t> folded;
  std::vector<Chunk> chunks;
  std::vector<Mention> mentions;
  std::vector<std::pair<uint32_t, uint32_t>> taken;  // token ranges claimed by watchlist matches
  std::string buf;
};

// Hash of names, sizes and mtimes of the watchlist files: cheap change detection.
uint64_t fingerprint(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  uint64_t h = 1;
  auto add = [&](const fs::path& p) {
    const auto t = fs::last_write_time(p, ec);
    const auto sz = fs::file_size(p, ec);
    h = mix(h, hash(p.string()));
    h = mix(h, static_cast<uint64_t>(t.time_since_epoch().count()));
    h = mix(h, static_cast<uint64_t>(sz));
  };
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (const auto& de : fs::directory_iterator(path, ec)) files.push_back(de.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) add(f);
  } else if (fs::exists(path, ec)) {
    add(path);
  }
  return h;
}

class EntitiesStage final : public Stage {
 public:
  EntitiesStage(std::map<std::string, std::shared_ptr<const NerModel>> models, std::map<std::string, std::string> map,
                std::string fallback, std::string watch_path, int reload_seconds)
      : models_(std::move(models)), map_(std::move(map)), watch_path_(std::move(watch_path)),
        reload_seconds_(reload_seconds) {
    if (auto it = models_.find(fallback); it != models_.end()) fallback_ = it->second.get();
    std::string error;
    if (!reload(error)) throw ConfigError("entities.watchlists: " + error);
    schedule_check();
  }

  std::string_view name() const override { return "entities"; }

  bool reload(std::string& error) {
    std::lock_guard lock(reload_mu_);
    const uint64_t fp = fingerprint(watch_path_);
    auto set = WatchlistSet::load(watch_path_, error);
    seen_fp_ = fp;
    if (!set) return false;
    watch_.store(std::move(set));
    return true;
  }

  void process(Article& a) override {
    maybe_reload();
    thread_local Scratch s;
    const std::shared_ptr<const WatchlistSet> watch = watch_.load();
    const TokenizedText& title = a.tokens(Field::title);
    const TokenizedText& body = a.tokens(Field::body);
    const uint32_t nt = static_cast<uint32_t>(title.tokens.size());

    // One document: title sentences, then body sentences (document features see both).
    s.doc.tokens.clear();
    s.doc.sentences.clear();
    for (const auto& t : title.tokens) s.doc.tokens.push_back(t.text(a.title));
    for (const auto& t : body.tokens) s.doc.tokens.push_back(t.text(a.body));
    for (const auto& se : title.sentences) s.doc.sentences.push_back(se);
    for (const auto& se : body.sentences) s.doc.sentences.push_back(Sentence{se.first + nt, se.last + nt});

    const NerModel* model = pick(a);
    s.labels.assign(s.doc.tokens.size(), 0);
    if (model && !s.doc.tokens.empty()) model->tag(s.doc, s.labels, s.ner);

    auto tok = [&](uint32_t i) -> const Token& { return i < nt ? title.tokens[i] : body.tokens[i - nt]; };
    s.mentions.clear();
    // Watchlist matches first: they win over overlapping NER chunks.
    auto& taken = s.taken;
    taken.clear();
    if (watch) {
      for (int f = 0; f < 2; ++f) {
        const auto& tt = f == 0 ? title : body;
        const std::string_view text = f == 0 ? std::string_view(a.title) : std::string_view(a.body);
        watch->match(text, tt.tokens, s.wm, s.folded, s.buf);
        const uint32_t off = f == 0 ? 0 : nt;
        for (const auto& m : s.wm) {
          taken.emplace_back(m.first + off, m.last + off);
          add_mention(a, s, tok, m.first + off, m.last + off, type_index(watch->entities()[m.entity].type),
                      static_cast<int>(m.entity), nt);
        }
      }
    }
    for (uint32_t si = 0; si < s.doc.sentences.size(); ++si) {
      const Sentence& se = s.doc.sentences[si];
      s.chunks.clear();
      chunks(std::span<const uint8_t>(s.labels).subspan(se.first, se.last - se.first), se.first, s.chunks);
      for (const Chunk& c : s.chunks) {
        uint32_t b = c.first, e = c.last;
        while (b < e && tok(b).kind == TokenKind::punct) ++b;  // quotes, dashes at the edges
        while (e > b && tok(e - 1).kind == TokenKind::punct) --e;
        if (b == e) continue;
        // A name has a capital or a digit somewhere: drops "de", "estamos" from weak models.
        bool named = false;
        for (uint32_t k = b; k < e; ++k) named |= (tok(k).flags & (tf_upper_initial | tf_all_upper | tf_has_digit)) != 0;
        if (!named) continue;
        const bool overlaps = std::any_of(taken.begin(), taken.end(), [&](const auto& t) { return b < t.second && t.first < e; });
        if (!overlaps) add_mention(a, s, tok, b, e, c.type, -1, nt);
      }
    }
    std::sort(s.mentions.begin(), s.mentions.end(), [](const Mention& x, const Mention& y) {
      return x.field != y.field ? x.field == Field::title : x.start < y.start;
    });
    const size_t para = a.body.find("\n\n");
    uint32_t lead_end = static_cast<uint32_t>(para == std::string::npos ? a.body.size() : para);
    if (para == std::string::npos && !body.sentences.empty())
      lead_end = body.tokens[body.sentences[0].last - 1].end;
    link_mentions(s.mentions, watch.get(), a, lead_end, a.entities);
    a.entities_done = true;
  }

 private:
  static int type_index(const std::string& t) { return t == "PER" ? 0 : t == "ORG" ? 1 : t == "LOC" ? 2 : 3; }

  template <class Tok>
  void add_mention(const Article& a, Scratch& s, const Tok& tok, uint32_t b, uint32_t e, int type, int watch,
                   uint32_t nt) const {
    Mention m;
    m.field = b < nt ? Field::title : Field::body;
    m.start = tok(b).start;
    m.end = tok(e - 1).end;
    m.type = type;
    m.watch = watch;
    m.words = std::span<const std::string_view>(s.doc.tokens).subspan(b, e - b);  // stable until process() returns
    (void)a;
    s.mentions.push_back(std::move(m));
  }

  const NerModel* pick(const Article& a) const {
    std::string_view code = a.language ? std::string_view(a.language->code) : std::string_view(a.language_hint);
    code = code.substr(0, code.find('-'));
    if (!code.empty()) {
      std::string lc(code);
      for (auto& c : lc) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (auto it = models_.find(lc); it != models_.end()) return it->second.get();
      if (auto m = map_.find(lc); m != map_.end()) {
        if (auto it = models_.find(m->second); it != models_.end()) return it->second.get();
      }
    }
    return fallback_;
  }

  int64_t reload_period_ns() const { return reload_seconds_ * 1'000'000'000LL; }

  void schedule_check() { next_check_.store(steady_now_ns() + reload_period_ns(), std::memory_order_relaxed); }

  // Polls the watchlist files at most every reload_check_seconds; one thread does it, others go on.
  void maybe_reload() {
    if (reload_seconds_ <= 0) return;
    const int64_t now = steady_now_ns();
    int64_t due = next_check_.load(std::memory_order_relaxed);
    if (now < due || !next_check_.compare_exchange_strong(due, now + reload_period_ns())) return;
    std::unique_lock lock(reload_mu_, std::try_to_lock);
    if (!lock.owns_lock()) return;
    const uint64_t fp = fingerprint(watch_path_);
    if (fp == seen_fp_) return;
    lock.unlock();
    std::string error;
    reload(error);  // a bad file keeps the old set; the next change is tried again
  }

  std::map<std::string, std::shared_ptr<const NerModel>> models_;
  std::map<std::string, std::string> map_;  // language without a model -> related language's model
  const NerModel* fallback_ = nullptr;
  std::string watch_path_;
  int reload_seconds_;
  std::atomic<std::shared_ptr<const WatchlistSet>> watch_;
  std::atomic<int64_t> next_check_{0};  // steady_now_ns() of the next watchlist poll
  std::mutex reload_mu_;
  uint64_t seen_fp_ = 0;
};

}  // namespace

std::unique_ptr<Stage> make_entities_stage(Settings& section) {
  const std::string dir = section.get_string("model_dir", "config/models");
  const auto langs = section.get_string_list("languages", {"en", "de", "es"});
  const std::string fallback = section.get_string("fallback", "en");
  const std::string watch = section.get_string("watchlists", "config/watchlists");
  const int reload = static_cast<int>(section.get_int("reload_check_seconds", 10, 0, 86400));
  // Related languages share capitalisation and function words: Romance text is tagged far better by
  // the Spanish model than the English one (measured on the gold articles, see README).
  std::map<std::string, std::string> lang_map =
      section.get_string_map("language_map", {{"fr", "es"}, {"it", "es"}, {"pt", "es"}, {"ca", "es"},
                                              {"gl", "es"}, {"ro", "es"}, {"nl", "de"}, {"lb", "de"}});
  std::map<std::string, std::shared_ptr<const NerModel>> models;
  std::vector<std::string> wanted = langs;
  if (fallback != "none" && std::find(wanted.begin(), wanted.end(), fallback) == wanted.end()) wanted.push_back(fallback);
  for (const auto& lang : wanted) {
    const auto path = resource_path(dir + "/ner-" + lang + ".bin");
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      // A listed language without its model is a typo or a wrong model_dir, never meant: tagging
      // would silently fall back. Languages without a model go through language_map instead.
      const bool listed = std::find(langs.begin(), langs.end(), lang) != langs.end();
      throw ConfigError(fmt::format("entities.{}: no model {} for '{}' (entities.model_dir is {})",
                                    listed ? "languages" : "fallback", path.string(), lang, dir));
    }
    std::string error;
    auto m = NerModel::load(path.string(), error);
    if (!m) throw ConfigError("entities.model_dir: " + error);
    models.emplace(lang, std::move(m));
  }
  return std::make_unique<EntitiesStage>(std::move(models), std::move(lang_map), fallback, resource_path(watch).string(), reload);
}

bool reload_watchlists(Stage& stage, std::string& error) {
  auto* s = dynamic_cast<EntitiesStage*>(&stage);
  if (!s) {
    error = "not the entities stage";
    return false;
  }
  return s->reload(error);
}

}  // namespace newsflow
