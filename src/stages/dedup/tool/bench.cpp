// bench / bench-rebuild: throughput of the dedup stage with a full index, bytes of index per
// article, and the time to rebuild the index from a fingerprint log.
// Synthetic text: Zipf-distributed pseudo-words (realistic word frequencies, no shared phrases
// beyond chance); 10 % of articles are lightly edited copies of a recent one (the near path).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "stages/dedup/dedup_stage.h"
#include "stages/dedup/tool/commands.h"

namespace newsflow::dedup::tool {
namespace {

using Clock = std::chrono::steady_clock;

class SyntheticText {
 public:
  explicit SyntheticText(uint64_t seed) : rng_(seed) {
    std::uniform_int_distribution<int> len(2, 9), letter(0, 25);
    vocab_.reserve(kVocab);
    for (int i = 0; i < kVocab; ++i) {
      std::string w;
      const int n = len(rng_);
      for (int k = 0; k < n; ++k) w.push_back(static_cast<char>('a' + letter(rng_)));
      vocab_.push_back(std::move(w));
    }
    cdf_.resize(kVocab);
    double s = 0;
    for (int i = 0; i < kVocab; ++i) cdf_[static_cast<size_t>(i)] = s += 1.0 / (i + 1);
    for (double& c : cdf_) c /= s;
  }

  void article(Article& a, uint64_t n) {
    a = Article{};
    a.id = fmt::format("syn-{:09}", n);
    a.url = fmt::format("https://www.site{}.test/news/{}", n % 97, n);
    words(a.title, 8);
    for (int p = 0; p < 6; ++p) {
      if (p) a.body += "\n\n";
      words(a.body, 60);
      a.body += '.';
    }
  }

  // A lightly edited copy: new id/url, a byline and ~2 % of the words dropped.
  void copy_of(const Article& src, Article& a, uint64_t n) {
    a = Article{};
    a.id = fmt::format("syn-{:09}", n);
    a.url = fmt::format("https://www.mirror{}.test/{}", n % 13, n);
    a.title = src.title;
    a.body = "By A. Reporter\n\n";
    std::bernoulli_distribution drop(0.02);
    size_t i = 0;
    const std::string& b = src.body;
    while (i < b.size()) {
      size_t j = b.find(' ', i);
      if (j == std::string::npos) j = b.size();
      if (!drop(rng_)) a.body.append(b, i, j - i + (j < b.size() ? 1 : 0));
      i = j + 1;
    }
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  static constexpr int kVocab = 50000;
  void words(std::string& out, int n) {
    std::uniform_real_distribution<double> u(0, 1);
    for (int k = 0; k < n; ++k) {
      const size_t w = static_cast<size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u(rng_)) - cdf_.begin());
      if (k) out += ' ';
      out += vocab_[std::min(w, vocab_.size() - 1)];
    }
  }
  std::mt19937_64 rng_;
  std::vector<std::string> vocab_;
  std::vector<double> cdf_;
};

size_t rss_bytes() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      size_t kb = 0;
      in >> kb;
      return kb * 1024;
    }
    in.ignore(1 << 12, '\n');
  }
  return 0;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Phase {
  uint64_t articles = 0;
  double seconds = 0;      // wall clock
  double cpu_seconds = 0;  // this thread's CPU time: the per-core figure on a shared machine
  double cpu_rate() const { return cpu_seconds > 0 ? static_cast<double>(articles) / cpu_seconds : 0; }
  uint64_t duplicates = 0;
  double rate() const { return seconds > 0 ? static_cast<double>(articles) / seconds : 0; }
};

// Processes `count` articles in batches (text generation is not timed).
Phase run_phase(DedupStage& stage, SyntheticText& gen, uint64_t& next_id, uint64_t count, double copy_share) {
  constexpr size_t kBatch = 10000;
  std::vector<Article> batch(kBatch);
  std::bernoulli_distribution copy(copy_share);
  Phase ph;
  while (ph.articles < count) {
    const size_t m = static_cast<size_t>(std::min<uint64_t>(kBatch, count - ph.articles));
    for (size_t i = 0; i < m; ++i) {
      if (i >= 100 && copy(gen.rng())) {
        gen.copy_of(batch[i - 1 - (gen.rng()() % 100)], batch[i], next_id++);
      } else {
        gen.article(batch[i], next_id++);
      }
    }
    const auto t0 = Clock::now();
    const double c0 = thread_cpu_seconds();
    for (size_t i = 0; i < m; ++i) stage.process(batch[i]);
    ph.cpu_seconds += thread_cpu_seconds() - c0;
    ph.seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    for (size_t i = 0; i < m; ++i) ph.duplicates += batch[i].dedup->status != DedupInfo::Status::unique;
    ph.articles += m;
  }
  return ph;
}

struct BenchArgs {
  uint64_t index_size = 1'000'000;
  uint64_t measure = 200'000;
  double copies = 0.1;
  uint64_t seed = 7;
  int shingle_words = 0, bands = 0;
};

void bench(const BenchArgs& a) {
  DedupConfig cfg;
  cfg.index.max_entries = a.index_size;
  if (a.shingle_words > 0) cfg.index.sketch.shingle_words = a.shingle_words;
  if (a.bands > 0) cfg.index.sketch.bands = a.bands;
  const size_t rss0 = rss_bytes();
  DedupStage stage(cfg);
  SyntheticText gen(a.seed);
  uint64_t next_id = 0;
  const Phase fill = run_phase(stage, gen, next_id, a.index_size, a.copies);
  const MemoryUsage mem = stage.index().memory();
  const size_t rss1 = rss_bytes();
  const Phase steady = run_phase(stage, gen, next_id, a.measure, a.copies);
  const double per_entry = static_cast<double>(mem.index_bytes()) / static_cast<double>(mem.entries);
  const double clusters_per_entry = static_cast<double>(mem.cluster_bytes) / static_cast<double>(mem.entries);
  const auto& sk = cfg.index.sketch;
  fmt::print("dedup bench: {}-word shingles, {} bands x {} rows, {} MinHash values, threshold {:.2f}\n",
             sk.shingle_words, sk.bands, sk.rows, sk.signature, cfg.index.threshold);
  fmt::print("fill:   {} articles: {:.0f} articles/s per CPU-second ({:.0f}/s wall), {} duplicates\n", fill.articles,
             fill.cpu_rate(), fill.rate(), fill.duplicates);
  fmt::print("steady: {} articles with the index full ({} entries, evicting): {:.0f} articles/s per CPU-second "
             "({:.0f}/s wall), {} duplicates\n",
             steady.articles, mem.entries, steady.cpu_rate(), steady.rate(), steady.duplicates);
  fmt::print("memory: index {:.1f} bytes/article (ring {:.1f} + tables {:.1f}), clusters+ids {:.1f} bytes/article, "
             "RSS growth {:.1f} bytes/article\n",
             per_entry, static_cast<double>(mem.ring_bytes) / static_cast<double>(mem.entries),
             static_cast<double>(mem.table_bytes) / static_cast<double>(mem.entries), clusters_per_entry,
             static_cast<double>(rss1 - rss0) / static_cast<double>(mem.entries));
  nlohmann::json j = {{"articles_per_cpu_second", steady.cpu_rate()}, {"articles_per_second_wall", steady.rate()},
                      {"fill_articles_per_cpu_second", fill.cpu_rate()},
                      {"index_entries", mem.entries}, {"index_bytes_per_article", per_entry},
                      {"cluster_bytes_per_article", clusters_per_entry}};
  fmt::print("{}\n", j.dump());
}

struct RebuildArgs {
  uint64_t records = 1'000'000;
  std::string file = "/tmp/newsflow-dedup-rebuild.state";
  uint64_t seed = 11;
};

void bench_rebuild(const RebuildArgs& a) {
  std::filesystem::remove(a.file);
  DedupConfig cfg;
  cfg.index.max_entries = a.records;
  std::mt19937_64 rng(a.seed);
  const auto t0 = Clock::now();
  {
    FileFingerprintLog log(a.file);
    FingerprintRecord r;
    r.origin = 42;
    r.sketch_id = cfg.index.sketch.id();
    const int64_t base = 1'767'225'600'000LL;  // 2026-01-01
    for (uint64_t n = 0; n < a.records; ++n) {
      r.id = fmt::format("syn-{:09}", n);
      const bool dup = n > 10 && rng() % 10 == 0;
      r.root_id = dup ? fmt::format("syn-{:09}", n - 1 - rng() % 10) : std::string();
      r.first_seen_ms = base + static_cast<int64_t>(n) * 100;
      r.fp.time_ms = base + static_cast<int64_t>(n) * 100;
      r.fp.text_hash = rng();
      r.fp.url_hash = rng() | 1;
      r.fp.has_sketch = true;
      r.fp.signature_len = static_cast<uint8_t>(cfg.index.sketch.signature);
      for (int i = 0; i < cfg.index.sketch.signature; ++i) r.fp.sig[static_cast<size_t>(i)] = static_cast<uint16_t>(rng());
      log.append(r);
    }
    log.flush();
  }
  const double write_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto bytes = std::filesystem::file_size(a.file);
  DedupStage stage(cfg, std::make_unique<FileFingerprintLog>(a.file));
  const auto t1 = Clock::now();
  const double c1 = thread_cpu_seconds();
  const ReplayStats st = stage.restore();
  const double rebuild_cpu = thread_cpu_seconds() - c1;
  const double rebuild_s = std::chrono::duration<double>(Clock::now() - t1).count();
  fmt::print("wrote {} records ({:.1f} bytes/record) in {:.2f} s\n", a.records,
             static_cast<double>(bytes) / static_cast<double>(a.records), write_s);
  fmt::print("rebuilt index of {} entries from {} records ({} skipped) in {:.2f} s wall, {:.2f} s CPU\n",
             stage.index().size(), st.records, st.skipped, rebuild_s, rebuild_cpu);
  std::filesystem::remove(a.file);
  nlohmann::json j = {{"records", st.records}, {"rebuild_seconds", rebuild_s}, {"rebuild_cpu_seconds", rebuild_cpu}, {"bytes_per_record",
                      static_cast<double>(bytes) / static_cast<double>(a.records)}};
  fmt::print("{}\n", j.dump());
}

}  // namespace

void register_bench(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand("bench", "Stage throughput with a full index, memory per article");
  cmd->add_option("--index-size", args->index_size, "articles in the index (max_entries)")->capture_default_str();
  cmd->add_option("--measure", args->measure, "articles timed with the index full")->capture_default_str();
  cmd->add_option("--copies", args->copies, "share of near copies")->capture_default_str();
  cmd->add_option("--seed", args->seed)->capture_default_str();
  cmd->add_option("--shingle-words", args->shingle_words, "override the default");
  cmd->add_option("--bands", args->bands, "override the default (rows 2, 16 values)");
  cmd->callback([args] { bench(*args); });

  auto rargs = std::make_shared<RebuildArgs>();
  CLI::App* rb = app.add_subcommand("bench-rebuild", "Time rebuilding the index from a fingerprint log");
  rb->add_option("--records", rargs->records)->capture_default_str();
  rb->add_option("--file", rargs->file, "scratch state file (removed afterwards)")->capture_default_str();
  rb->callback([rargs] { bench_rebuild(*rargs); });
}

}  // namespace newsflow::dedup::tool
