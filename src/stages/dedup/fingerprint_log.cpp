#include "stages/dedup/fingerprint_log.h"

#include <cstring>
#include <stdexcept>
#include <vector>

namespace newsflow::dedup {
namespace {

constexpr char kMagic[8] = {'N', 'F', 'D', 'E', 'D', 'U', 'P', '1'};

}  // namespace

void StreamFingerprintLog::append(const FingerprintRecord& record) {
  state_key(record, key_);
  encode(record, value_);
  append_(key_, value_);
}

ReplayStats StreamFingerprintLog::replay(const std::function<void(const FingerprintRecord&)>& fn) {
  ReplayStats st;
  if (!source_) return st;
  FingerprintRecord rec;
  source_([&](std::string_view value) {
    if (decode(value, rec)) {
      fn(rec);
      ++st.records;
    } else {
      ++st.skipped;
    }
  });
  return st;
}

FileFingerprintLog::FileFingerprintLog(std::string path) : path_(std::move(path)) {
  out_ = std::fopen(path_.c_str(), "ab");
  if (!out_) throw std::runtime_error("dedup state file: cannot open " + path_);
  if (std::ftell(out_) == 0 && std::fwrite(kMagic, 1, sizeof kMagic, out_) != sizeof kMagic) {
    throw std::runtime_error("dedup state file: cannot write " + path_);
  }
}

FileFingerprintLog::~FileFingerprintLog() {
  if (out_) std::fclose(out_);
}

void FileFingerprintLog::append(const FingerprintRecord& record) {
  encode(record, buf_);
  len_.clear();
  uint64_t n = buf_.size();
  while (n >= 0x80) {
    len_.push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  len_.push_back(static_cast<char>(n));
  if (std::fwrite(len_.data(), 1, len_.size(), out_) != len_.size() ||
      std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size()) {
    throw std::runtime_error("dedup state file: write failed");
  }
}

void FileFingerprintLog::flush() { std::fflush(out_); }

ReplayStats FileFingerprintLog::replay(const std::function<void(const FingerprintRecord&)>& fn) {
  flush();
  ReplayStats st;
  std::FILE* in = std::fopen(path_.c_str(), "rb");
  if (!in) return st;
  std::vector<char> data;
  std::fseek(in, 0, SEEK_END);
  const long size = std::ftell(in);
  std::fseek(in, 0, SEEK_SET);
  data.resize(size > 0 ? static_cast<size_t>(size) : 0);
  data.resize(std::fread(data.data(), 1, data.size(), in));
  std::fclose(in);
  if (data.size() < sizeof kMagic || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) {
    st.skipped = data.empty() ? 0 : 1;
    return st;
  }
  size_t p = sizeof kMagic;
  FingerprintRecord rec;
  while (p < data.size()) {
    uint64_t n = 0;
    int shift = 0;
    bool ok = false;
    while (p < data.size() && shift < 64) {
      const auto b = static_cast<uint8_t>(data[p++]);
      n |= static_cast<uint64_t>(b & 0x7F) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        ok = true;
        break;
      }
    }
    if (!ok || n > data.size() - p) {  // torn tail
      ++st.skipped;
      break;
    }
    if (decode(std::string_view(data.data() + p, n), rec)) {
      fn(rec);
      ++st.records;
    } else {
      ++st.skipped;
    }
    p += n;
  }
  return st;
}

}  // namespace newsflow::dedup
