#include "stages/dedup/fingerprint.h"

#include <cstring>

namespace newsflow::dedup {
namespace {

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool u8(uint8_t& v) {
    if (p_ + 1 > s_.size()) return false;
    v = static_cast<uint8_t>(s_[p_++]);
    return true;
  }
  bool fixed(uint64_t& v, int bytes) {
    if (p_ + static_cast<size_t>(bytes) > s_.size()) return false;
    v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(s_[p_ + i])) << (8 * i);
    p_ += static_cast<size_t>(bytes);
    return true;
  }
  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = 0;
      if (!u8(b)) return false;
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool str(std::string& out) {
    uint64_t n = 0;
    if (!varint(n) || n > s_.size() - p_) return false;
    out.assign(s_.substr(p_, n));
    p_ += n;
    return true;
  }
  bool done() const { return p_ == s_.size(); }

 private:
  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

void encode(const FingerprintRecord& r, std::string& out) {
  out.clear();
  const Fingerprint& fp = r.fp;
  uint8_t flags = 0;
  if (fp.has_sketch) flags |= 1;
  if (fp.url_hash != 0) flags |= 2;
  if (!r.root_id.empty()) flags |= 4;
  out.push_back(static_cast<char>(kRecordVersion));
  out.push_back(static_cast<char>(flags));
  put_u32(out, r.sketch_id);
  put_u64(out, r.origin);
  put_varint(out, zigzag(fp.time_ms));
  put_varint(out, zigzag(r.first_seen_ms));
  put_u64(out, fp.text_hash);
  if (flags & 2) put_u64(out, fp.url_hash);
  const uint8_t n = fp.has_sketch ? fp.signature_len : 0;
  out.push_back(static_cast<char>(n));
  for (uint8_t i = 0; i < n; ++i) {
    out.push_back(static_cast<char>(fp.sig[i] & 0xFF));
    out.push_back(static_cast<char>(fp.sig[i] >> 8));
  }
  put_varint(out, r.id.size());
  out += r.id;
  if (flags & 4) {
    put_varint(out, r.root_id.size());
    out += r.root_id;
  }
}

std::optional<FingerprintRecord> decode(std::string_view bytes) {
  FingerprintRecord r;
  if (!decode(bytes, r)) return std::nullopt;
  return r;
}

bool decode(std::string_view bytes, FingerprintRecord& r) {
  Reader rd(bytes);
  uint8_t version = 0, flags = 0, n = 0;
  uint64_t v = 0;
  r.fp = Fingerprint{};
  r.root_id.clear();
  if (!rd.u8(version) || version != kRecordVersion || !rd.u8(flags)) return false;
  if (!rd.fixed(v, 4)) return false;
  r.sketch_id = static_cast<uint32_t>(v);
  if (!rd.fixed(r.origin, 8)) return false;
  if (!rd.varint(v)) return false;
  r.fp.time_ms = unzigzag(v);
  if (!rd.varint(v)) return false;
  r.first_seen_ms = unzigzag(v);
  if (!rd.fixed(r.fp.text_hash, 8)) return false;
  if ((flags & 2) && !rd.fixed(r.fp.url_hash, 8)) return false;
  if (!rd.u8(n) || n > kMaxSignature) return false;
  for (uint8_t i = 0; i < n; ++i) {
    if (!rd.fixed(v, 2)) return false;
    r.fp.sig[i] = static_cast<uint16_t>(v);
  }
  r.fp.signature_len = n;
  r.fp.has_sketch = (flags & 1) && n > 0;
  if (!rd.str(r.id)) return false;
  if ((flags & 4) && !rd.str(r.root_id)) return false;
  return rd.done();
}

void state_key(const FingerprintRecord& r, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.resize(16);
  for (int i = 0; i < 16; ++i) out[static_cast<size_t>(i)] = kHex[(r.fp.text_hash >> (60 - 4 * i)) & 0xF];
}

std::string state_key(const FingerprintRecord& r) {
  std::string out;
  state_key(r, out);
  return out;
}

}  // namespace newsflow::dedup
