#include "io/kafka/offset_tracker.h"

#include <algorithm>

namespace newsflow::kafka {

void PartitionOffsetTracker::assign(const TopicPartition& tp) {
  std::lock_guard lock(mu_);
  if (index_.contains(tp)) return;
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s = Slot{};
  s.tp = tp;
  s.generation = next_generation_++;
  index_.emplace(tp, slot);
}

PartitionOffsetTracker::Begin PartitionOffsetTracker::begin(std::string_view topic, int32_t partition, int64_t offset,
                                                            OffsetTicket& ticket) {
  if (offset < 0) return Begin::invalid;
  std::lock_guard lock(mu_);
  auto it = index_.find(Less::View{topic, partition});
  if (it == index_.end()) return Begin::not_assigned;
  Slot& s = slots_[it->second];
  if (offset <= s.last_begun) return Begin::duplicate;
  s.window.push_back({offset, false});
  if (s.first_begun < 0) s.first_begun = offset;
  s.last_begun = offset;
  ++s.in_flight;
  ++in_flight_;
  ticket = {it->second, s.generation, offset};
  return Begin::accepted;
}

bool PartitionOffsetTracker::complete(const OffsetTicket& ticket) {
  std::lock_guard lock(mu_);
  if (ticket.generation == 0 || ticket.slot >= slots_.size()) return false;
  Slot& s = slots_[ticket.slot];
  if (s.generation != ticket.generation) return false;
  auto e = std::lower_bound(s.window.begin(), s.window.end(), ticket.offset,
                            [](const Entry& entry, int64_t off) { return entry.offset < off; });
  if (e == s.window.end() || e->offset != ticket.offset || e->done) return false;
  e->done = true;
  --s.in_flight;
  --in_flight_;
  while (!s.window.empty() && s.window.front().done) {
    s.position = s.window.front().offset + 1;
    s.window.pop_front();
  }
  if (s.in_flight == 0) drained_.notify_all();
  return true;
}

bool PartitionOffsetTracker::current(const OffsetTicket& ticket) const {
  std::lock_guard lock(mu_);
  if (ticket.generation == 0 || ticket.slot >= slots_.size()) return false;
  const Slot& s = slots_[ticket.slot];
  if (s.generation != ticket.generation) return false;
  auto e = std::lower_bound(s.window.begin(), s.window.end(), ticket.offset,
                            [](const Entry& entry, int64_t off) { return entry.offset < off; });
  return e != s.window.end() && e->offset == ticket.offset && !e->done;
}

void PartitionOffsetTracker::mark_committed(const std::vector<CommitPosition>& positions) {
  std::lock_guard lock(mu_);
  for (const auto& c : positions) {
    auto it = index_.find(c.tp);
    if (it != index_.end()) slots_[it->second].committed = c.offset;
  }
}

std::vector<CommitPosition> PartitionOffsetTracker::rewind() {
  std::lock_guard lock(mu_);
  std::vector<CommitPosition> out;
  for (const auto& [tp, slot] : index_) {
    Slot& s = slots_[slot];
    const int64_t target = s.committed >= 0 ? s.committed : s.first_begun;
    if (target < 0) continue;  // nothing read yet: the consumer is where it started
    in_flight_ -= s.in_flight;
    const int64_t committed = s.committed;
    s = Slot{};
    s.tp = tp;
    s.generation = next_generation_++;
    s.committed = committed;
    out.push_back({tp, target});
  }
  drained_.notify_all();
  return out;
}

std::vector<CommitPosition> PartitionOffsetTracker::take_commits() {
  std::lock_guard lock(mu_);
  std::vector<CommitPosition> out;
  for (const auto& [tp, slot] : index_) {
    Slot& s = slots_[slot];
    if (s.position > s.taken) {
      out.push_back({tp, s.position});
      s.taken = s.position;
    }
  }
  return out;
}

std::optional<int64_t> PartitionOffsetTracker::revoke(const TopicPartition& tp) {
  std::lock_guard lock(mu_);
  auto it = index_.find(tp);
  if (it == index_.end()) return std::nullopt;
  const Slot& s = slots_[it->second];
  std::optional<int64_t> pos;
  if (s.position > s.taken) pos = s.position;
  release(it->second);
  index_.erase(it);
  return pos;
}

void PartitionOffsetTracker::lost(const TopicPartition& tp) {
  std::lock_guard lock(mu_);
  auto it = index_.find(tp);
  if (it == index_.end()) return;
  release(it->second);
  index_.erase(it);
}

void PartitionOffsetTracker::release(uint32_t slot) {
  Slot& s = slots_[slot];
  in_flight_ -= s.in_flight;
  s = Slot{};  // generation 0: every outstanding ticket is stale now
  free_.push_back(slot);
  drained_.notify_all();
}

bool PartitionOffsetTracker::wait_drained(const std::vector<TopicPartition>& tps,
                                          std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return drained_.wait_until(lock, deadline, [&] {
    return std::all_of(tps.begin(), tps.end(), [&](const TopicPartition& tp) {
      const Slot* s = find(tp);
      return s == nullptr || s->in_flight == 0;
    });
  });
}

const PartitionOffsetTracker::Slot* PartitionOffsetTracker::find(const TopicPartition& tp) const {
  auto it = index_.find(tp);
  return it == index_.end() ? nullptr : &slots_[it->second];
}

std::optional<int64_t> PartitionOffsetTracker::position(const TopicPartition& tp) const {
  std::lock_guard lock(mu_);
  const Slot* s = find(tp);
  if (s == nullptr || s->position < 0) return std::nullopt;
  return s->position;
}

size_t PartitionOffsetTracker::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

size_t PartitionOffsetTracker::in_flight(const TopicPartition& tp) const {
  std::lock_guard lock(mu_);
  const Slot* s = find(tp);
  return s == nullptr ? 0 : s->in_flight;
}

bool PartitionOffsetTracker::assigned(const TopicPartition& tp) const {
  std::lock_guard lock(mu_);
  return index_.contains(tp);
}

std::vector<TopicPartition> PartitionOffsetTracker::assignment() const {
  std::lock_guard lock(mu_);
  std::vector<TopicPartition> out;
  out.reserve(index_.size());
  for (const auto& [tp, slot] : index_) out.push_back(tp);
  return out;
}

}  // namespace newsflow::kafka
