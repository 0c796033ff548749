#include "stages/stance/newsmtsc.h"

#include <xxhash.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/utf8.h"

namespace newsflow::stance {

uint32_t cp_to_byte(const std::string& s, uint32_t cp) {
  size_t i = 0;
  for (uint32_t k = 0; k < cp && i < s.size(); ++k) utf8::next(s, i);
  return static_cast<uint32_t>(i);
}

std::string article_key(const std::string& gid) {
  size_t end = gid.size();
  for (int k = 0; k < 4; ++k) {
    const size_t p = gid.rfind('_', end == 0 ? 0 : end - 1);
    if (p == std::string::npos || p == 0) return gid.substr(0, end);
    end = p;
  }
  return gid.substr(0, end);
}

bool in_holdout(const std::string& article, uint64_t seed, int percent) {
  return XXH64(article.data(), article.size(), seed) % 100 < static_cast<uint64_t>(percent);
}

MtscData load_newsmtsc(const std::string& path, bool further) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  MtscData d;
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
      const std::string& s = j.at("sentence_normalized").get_ref<const std::string&>();
      const uint32_t sid = static_cast<uint32_t>(d.sentences.size());
      d.sentences.push_back(s);
      d.articles.push_back(article_key(j.value("primary_gid", std::to_string(lineno))));
      for (const auto& t : j.at("targets")) {
        MtscTarget mt;
        mt.sentence = sid;
        const double pol = t.at("polarity").get<double>();
        mt.label = pol < 3.0 ? 0 : (pol > 5.0 ? 2 : 1);
        mt.mentions.push_back({cp_to_byte(s, t.at("from").get<uint32_t>()), cp_to_byte(s, t.at("to").get<uint32_t>())});
        if (further && t.contains("further_mentions")) {
          for (const auto& f : t["further_mentions"]) {
            mt.mentions.push_back({cp_to_byte(s, f.at("from").get<uint32_t>()), cp_to_byte(s, f.at("to").get<uint32_t>())});
          }
        }
        d.targets.push_back(std::move(mt));
      }
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": " + e.what());
    }
  }
  return d;
}

}  // namespace newsflow::stance
