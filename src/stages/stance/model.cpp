#include "stages/stance/model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "stages/stance/features.h"

namespace newsflow::stance {
namespace {
constexpr char kMagic[8] = {'N', 'F', 'S', 'E', 'N', 'T', '1', '\0'};

template <typename T>
void put(std::ofstream& o, T v) {
  o.write(reinterpret_cast<const char*>(&v), sizeof v);
}
template <typename T>
T get(std::ifstream& in) {
  T v{};
  in.read(reinterpret_cast<char*>(&v), sizeof v);
  if (!in) throw std::runtime_error("sentiment model: truncated file");
  return v;
}
}  // namespace

SentimentModel::SentimentModel(uint32_t bits) : bits_(bits), w_((size_t{1} << bits) * kClasses, 0.0f) {
  if (bits < 8 || bits > 26) throw std::runtime_error("sentiment model: bits out of range");
}

Probs SentimentModel::predict(std::span<const uint64_t> features) const {
  float s[kClasses] = {0, 0, 0};
  for (uint64_t f : features) {
    const float* r = row(f);
    s[0] += r[0], s[1] += r[1], s[2] += r[2];
  }
  const float m = std::max({s[0], s[1], s[2]});
  Probs p;
  float z = 0;
  for (int c = 0; c < kClasses; ++c) z += (p[c] = std::exp(s[c] - m));
  for (float& v : p) v /= z;
  return p;
}

size_t SentimentModel::nonzero() const {
  size_t n = 0;
  for (size_t b = 0; b < w_.size(); b += kClasses) n += (w_[b] != 0 || w_[b + 1] != 0 || w_[b + 2] != 0);
  return n;
}

void SentimentModel::save(const std::string& path) const {
  float maxabs = 0;
  for (float v : w_) maxabs = std::max(maxabs, std::fabs(v));
  const float scale = maxabs > 0 ? maxabs / 32767.0f : 1.0f;
  // Buckets whose weights all quantise to zero are dropped.
  std::vector<uint32_t> keep;
  for (size_t b = 0; b < w_.size() / kClasses; ++b) {
    bool any = false;
    for (int c = 0; c < kClasses; ++c) any |= std::lround(w_[b * kClasses + c] / scale) != 0;
    if (any) keep.push_back(static_cast<uint32_t>(b));
  }
  std::ofstream o(path, std::ios::binary | std::ios::trunc);
  if (!o) throw std::runtime_error("sentiment model: cannot write " + path);
  o.write(kMagic, sizeof kMagic);
  put<uint32_t>(o, kFeatureVersion);
  put<uint32_t>(o, bits_);
  put<float>(o, scale);
  put<uint32_t>(o, static_cast<uint32_t>(keep.size()));
  // Delta-coded bucket ids keep the file small and compressible.
  uint32_t prev = 0;
  for (uint32_t b : keep) {
    put<uint32_t>(o, b - prev);
    prev = b;
    for (int c = 0; c < kClasses; ++c) put<int16_t>(o, static_cast<int16_t>(std::lround(w_[b * kClasses + c] / scale)));
  }
  // The learnt lexicon, polarity/neutrality in thousandths.
  put<uint32_t>(o, static_cast<uint32_t>(lexicon_.entries().size()));
  for (const Lexicon::Entry& e : lexicon_.entries()) {
    put<uint64_t>(o, e.hash);
    put<int16_t>(o, static_cast<int16_t>(std::clamp(std::lround(e.polarity * 1000.0f), -32767L, 32767L)));
    put<int16_t>(o, static_cast<int16_t>(std::clamp(std::lround(e.neutrality * 1000.0f), -32767L, 32767L)));
  }
  if (!o) throw std::runtime_error("sentiment model: write failed for " + path);
}

SentimentModel SentimentModel::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("sentiment model: cannot open " + path);
  char magic[8];
  in.read(magic, sizeof magic);
  if (!in || std::memcmp(magic, kMagic, sizeof magic) != 0) throw std::runtime_error("sentiment model: bad magic in " + path);
  const auto version = get<uint32_t>(in);
  if (version != kFeatureVersion) {
    throw std::runtime_error("sentiment model: feature version " + std::to_string(version) + " but code expects " +
                             std::to_string(kFeatureVersion) + " (retrain with `newsflow train sentiment`)");
  }
  const auto bits = get<uint32_t>(in);
  SentimentModel m(bits);
  const auto scale = get<float>(in);
  const auto n = get<uint32_t>(in);
  uint32_t b = 0;
  const size_t buckets = size_t{1} << bits;
  for (uint32_t k = 0; k < n; ++k) {
    b += get<uint32_t>(in);
    if (b >= buckets) throw std::runtime_error("sentiment model: corrupt bucket index in " + path);
    for (int c = 0; c < kClasses; ++c) m.w_[size_t{b} * kClasses + c] = static_cast<float>(get<int16_t>(in)) * scale;
  }
  const auto nlex = get<uint32_t>(in);
  std::vector<Lexicon::Entry> lex;
  lex.reserve(nlex);
  for (uint32_t k = 0; k < nlex; ++k) {
    Lexicon::Entry e;
    e.hash = get<uint64_t>(in);
    e.polarity = static_cast<float>(get<int16_t>(in)) / 1000.0f;
    e.neutrality = static_cast<float>(get<int16_t>(in)) / 1000.0f;
    lex.push_back(e);
  }
  m.lexicon_.set_entries(std::move(lex));
  return m;
}

}  // namespace newsflow::stance
