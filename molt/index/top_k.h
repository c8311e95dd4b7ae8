// TopK: the k best (score, id) pairs seen so far, for every search in molt.
// Order: higher score first; equal scores by lower id first, so results are deterministic.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace molt::index {

struct Hit {
  std::int64_t id = 0;  // a row in the searched set (or a document key, by context)
  float score = 0.0f;
};

// True when a ranks before b.
inline bool ranks_before(const Hit& a, const Hit& b) {
  return a.score > b.score || (a.score == b.score && a.id < b.id);
}

class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) { heap_.reserve(k); }

  // The score a new hit must reach to possibly enter (lowest kept), or -inf when not full.
  bool full() const { return heap_.size() == k_; }
  const Hit& worst() const { return heap_.front(); }

  void push(Hit h) {
    if (k_ == 0) return;
    if (heap_.size() < k_) {
      heap_.push_back(h);
      std::push_heap(heap_.begin(), heap_.end(), ranks_before);
    } else if (ranks_before(h, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), ranks_before);
      heap_.back() = h;
      std::push_heap(heap_.begin(), heap_.end(), ranks_before);
    }
  }

  // The kept hits, best first. Leaves the TopK empty.
  std::vector<Hit> take_sorted() {
    std::sort(heap_.begin(), heap_.end(), ranks_before);
    return std::move(heap_);
  }

 private:
  std::size_t k_;
  std::vector<Hit> heap_;  // a heap whose front is the worst kept hit
};

}  // namespace molt::index
