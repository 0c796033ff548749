// Where the dedup index persists its state so it survives restarts and is shared by instances.
// StreamFingerprintLog hands encoded records to a byte sink (Kafka mode: the compacted topic
// `news.dedup.state`, key = state_key(record), value = encode(record); src/app/dedup_state.cpp);
// FileFingerprintLog backs it with a local file.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "stages/dedup/fingerprint.h"

namespace newsflow::dedup {

struct ReplayStats {
  size_t records = 0;  // decoded and handed to the callback
  size_t skipped = 0;  // undecodable (corrupt, unknown version, torn tail)
};

class FingerprintLog {
 public:
  virtual ~FingerprintLog() = default;
  // Called by the (serial) dedup stage for every article the index keeps. Must not block long:
  // a Kafka implementation produces asynchronously (inside the transaction in exactly-once mode).
  virtual void append(const FingerprintRecord& record) = 0;
  // Feeds every stored record, oldest first, to `fn`. Called once at start-up, before consuming.
  virtual ReplayStats replay(const std::function<void(const FingerprintRecord&)>& fn) = 0;
  virtual void flush() {}
};

// Encodes each record and hands (key, value) bytes to `append`; replay reads from `source`,
// which feeds stored values (any order) to its callback. Kafka mode uses it with the state topic;
// it knows nothing about Kafka.
class StreamFingerprintLog final : public FingerprintLog {
 public:
  using Append = std::function<void(std::string_view key, std::string_view value)>;
  using Source = std::function<void(const std::function<void(std::string_view value)>&)>;
  StreamFingerprintLog(Append append, Source source) : append_(std::move(append)), source_(std::move(source)) {}

  void append(const FingerprintRecord& record) override;
  ReplayStats replay(const std::function<void(const FingerprintRecord&)>& fn) override;

 private:
  Append append_;
  Source source_;
  std::string key_, value_;  // reused: append() runs once per kept article
};

// Append-only file of length-prefixed records: "NFDEDUP1" magic, then varint length + record.
// A torn final record (crash mid-write) is skipped on replay.
class FileFingerprintLog final : public FingerprintLog {
 public:
  // Opens (creating if needed) `path` for appending. Throws std::runtime_error on I/O errors.
  explicit FileFingerprintLog(std::string path);
  ~FileFingerprintLog() override;
  FileFingerprintLog(const FileFingerprintLog&) = delete;
  FileFingerprintLog& operator=(const FileFingerprintLog&) = delete;

  void append(const FingerprintRecord& record) override;
  ReplayStats replay(const std::function<void(const FingerprintRecord&)>& fn) override;
  void flush() override;

 private:
  std::string path_;
  std::FILE* out_ = nullptr;
  std::string buf_;
  std::string len_;
};

}  // namespace newsflow::dedup
