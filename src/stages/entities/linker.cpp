#include "stages/entities/linker.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "stages/entities/fold.h"
#include "stages/entities/ner_model.h"

namespace newsflow::entities {
namespace {

struct Cluster {
  std::vector<size_t> mentions;
  size_t longest = 0;  // mention index with the most words
  int watch = -1;
  double votes[kTypes] = {0, 0, 0, 0};
};

std::string key_of(const std::vector<std::string_view>& words) {
  std::string k, buf;
  for (const auto& w : words) {
    if (!k.empty()) k += ' ';
    fold(w, buf);
    k += buf;
  }
  return k;
}

bool all_caps_acronym(std::string_view w, std::string& letters) {
  letters.clear();
  for (char c : w) {
    if (c >= 'A' && c <= 'Z') letters += c;
    else if (c != '.') return false;
  }
  return letters.size() >= 2 && letters.size() <= 6;
}

bool is_function_word(std::string_view w) {
  static const char* kWords[] = {"of", "the", "and", "for", "de", "der", "die", "das", "des", "du", "la", "le",
                                 "el", "y", "und", "et", "del", "von", "für", "&", "for", "on", "in"};
  for (const char* f : kWords) {
    if (w == f) return true;
  }
  return false;
}

std::string initials(const std::vector<std::string_view>& words) {
  std::string s;
  for (const auto& w : words) {
    if (w.empty() || is_function_word(w)) continue;
    const auto c = static_cast<unsigned char>(w[0]);
    if (c >= 'A' && c <= 'Z') s += static_cast<char>(c);
    else if (c >= 'a' && c <= 'z') return {};  // a lowercase content word: not an acronym source
  }
  return s;
}

std::string surface(const Article& a, const Mention& m) {
  const std::string_view t = a.text(m.field).substr(m.start, m.end - m.start);
  std::string s;
  bool space = false;
  for (char c : t) {  // collapse line breaks and runs of spaces inside a name
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !s.empty()) s += ' ';
    space = false;
    s += c;
  }
  return s;
}

}  // namespace

void link_mentions(const std::vector<Mention>& ms, const WatchlistSet* watch, const Article& article, uint32_t lead_end,
                   std::vector<Entity>& out) {
  out.clear();
  if (ms.empty()) return;
  std::vector<Cluster> clusters;
  std::unordered_map<std::string, size_t> by_key;   // folded form -> cluster
  std::unordered_map<int, size_t> by_watch;         // watchlist entity -> cluster
  std::vector<size_t> order(ms.size());
  for (size_t i = 0; i < ms.size(); ++i) order[i] = i;
  // Longest first, so that short forms find their full form wherever it occurs.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if ((ms[a].watch >= 0) != (ms[b].watch >= 0)) return ms[a].watch >= 0;
    return ms[a].words.size() > ms[b].words.size();
  });
  std::string letters;
  auto join = [&](size_t c, size_t m) {
    Cluster& cl = clusters[c];
    cl.mentions.push_back(m);
    if (ms[m].words.size() > ms[cl.longest].words.size()) cl.longest = m;
    cl.votes[ms[m].type] += static_cast<double>(ms[m].words.size());
    by_key.emplace(key_of(ms[m].words), c);
  };
  for (size_t m : order) {
    const Mention& mm = ms[m];
    if (mm.watch >= 0) {
      auto it = by_watch.find(mm.watch);
      if (it != by_watch.end()) {
        join(it->second, m);
      } else {
        clusters.push_back(Cluster{{}, m, mm.watch, {}});
        by_watch.emplace(mm.watch, clusters.size() - 1);
        join(clusters.size() - 1, m);
      }
      continue;
    }
    const std::string key = key_of(mm.words);
    if (auto it = by_key.find(key); it != by_key.end()) {
      join(it->second, m);
      continue;
    }
    // Surname or other trailing part of a longer person name; acronym of a longer name.
    long target = -1;
    int candidates = 0;
    const bool acronym = mm.words.size() == 1 && all_caps_acronym(mm.words[0], letters);
    for (size_t c = 0; c < clusters.size(); ++c) {
      const Mention& full = ms[clusters[c].longest];
      if (full.words.size() <= mm.words.size()) continue;
      bool hit = false;
      int ctype = 0;
      for (int t = 1; t < kTypes; ++t) {
        if (clusters[c].votes[t] > clusters[c].votes[ctype]) ctype = t;
      }
      if (clusters[c].watch >= 0 && watch) {
        const auto& ty = watch->entities()[clusters[c].watch].type;
        ctype = ty == "PER" ? 0 : ty == "ORG" ? 1 : ty == "LOC" ? 2 : 3;
      }
      if (acronym) {
        hit = initials(full.words) == letters;
      } else if (ctype == 0 || mm.type == 0) {
        // Person: the short form is the tail of the full name ("Scholz", "von der Leyen").
        hit = ctype == 0 && std::equal(mm.words.rbegin(), mm.words.rend(), full.words.rbegin(),
                                       [](std::string_view a, std::string_view b) { return a == b; });
      } else if (ctype == 1) {
        // Organisation: a leading part ("Deutsche Bank" of "Deutsche Bank AG").
        hit = std::equal(mm.words.begin(), mm.words.end(), full.words.begin());
      }
      if (hit) {
        ++candidates;
        if (target < 0) target = static_cast<long>(c);
      }
    }
    if (candidates == 1) {
      join(static_cast<size_t>(target), m);
      continue;
    }
    clusters.push_back(Cluster{{}, m, -1, {}});
    join(clusters.size() - 1, m);
  }

  double total = 0;
  std::vector<double> score(clusters.size(), 0.0);
  for (size_t c = 0; c < clusters.size(); ++c) {
    for (size_t m : clusters[c].mentions) {
      const Mention& mm = ms[m];
      const double w = mm.field == Field::title ? 3.0 : mm.start < lead_end ? 2.0 : 1.0;
      score[c] += w;
    }
    total += score[c];
  }
  out.reserve(clusters.size());
  for (size_t c = 0; c < clusters.size(); ++c) {
    Cluster& cl = clusters[c];
    Entity e;
    e.text = surface(article, ms[cl.longest]);
    int type = 0;
    for (int t = 1; t < kTypes; ++t) {
      if (cl.votes[t] > cl.votes[type]) type = t;
    }
    e.type = std::string(kTypeNames[type]);
    e.canonical = e.text;
    if (cl.watch >= 0 && watch) {
      const WatchEntity& we = watch->entities()[cl.watch];
      e.type = we.type;
      e.canonical = we.name;
      e.watchlist = WatchlistRef{we.list_id, we.list_version, we.id};
    }
    std::sort(cl.mentions.begin(), cl.mentions.end());  // text order (title first)
    for (size_t m : cl.mentions) e.mentions.push_back(Span{ms[m].field, ms[m].start, ms[m].end});
    e.count = static_cast<uint32_t>(e.mentions.size());
    e.salience = total > 0 ? std::round(score[c] / total * 10000.0) / 10000.0 : 0.0;
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), [](const Entity& a, const Entity& b) { return a.salience > b.salience; });
}

}  // namespace newsflow::entities
