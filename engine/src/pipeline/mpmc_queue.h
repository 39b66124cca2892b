// Private: a bounded multi-producer multi-consumer queue without locks
// (Dmitry Vyukov's sequence-numbered ring).  Each cell carries a sequence
// number that says whose turn it is; producers and consumers claim positions
// with one compare-and-swap and never wait for each other except on the cell
// they claimed.
//
// Capacity is fixed at construction (rounded up to a power of two), so memory
// is bounded whatever the load: TryPush fails when the ring is full.
#ifndef KEYSTORM_ENGINE_SRC_PIPELINE_MPMC_QUEUE_H_
#define KEYSTORM_ENGINE_SRC_PIPELINE_MPMC_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace keystorm::pipeline {

template <typename T>
class MpmcQueue {
 public:
  explicit MpmcQueue(size_t min_capacity) {
    size_t capacity = 2;
    while (capacity < min_capacity) capacity <<= 1;
    mask_ = capacity - 1;
    cells_ = std::make_unique<Cell[]>(capacity);
    for (size_t i = 0; i < capacity; ++i) cells_[i].sequence.store(i, std::memory_order_relaxed);
  }
  MpmcQueue(const MpmcQueue&) = delete;
  MpmcQueue& operator=(const MpmcQueue&) = delete;

  size_t capacity() const { return mask_ + 1; }

  // Moves `value` in; false (value untouched) if the ring is full.
  bool TryPush(T& value) {
    size_t pos = enqueue_pos_.load(std::memory_order_relaxed);
    Cell* cell;
    while (true) {
      cell = &cells_[pos & mask_];
      size_t seq = cell->sequence.load(std::memory_order_acquire);
      intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos);
      if (diff == 0) {
        if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) break;
      } else if (diff < 0) {
        return false;  // full
      } else {
        pos = enqueue_pos_.load(std::memory_order_relaxed);
      }
    }
    cell->value = std::move(value);
    cell->sequence.store(pos + 1, std::memory_order_release);
    return true;
  }

  // Moves the oldest value out; false if the ring is empty.
  bool TryPop(T* out) {
    size_t pos = dequeue_pos_.load(std::memory_order_relaxed);
    Cell* cell;
    while (true) {
      cell = &cells_[pos & mask_];
      size_t seq = cell->sequence.load(std::memory_order_acquire);
      intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos + 1);
      if (diff == 0) {
        if (dequeue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) break;
      } else if (diff < 0) {
        return false;  // empty
      } else {
        pos = dequeue_pos_.load(std::memory_order_relaxed);
      }
    }
    *out = std::move(cell->value);
    cell->sequence.store(pos + mask_ + 1, std::memory_order_release);
    return true;
  }

 private:
  struct Cell {
    std::atomic<size_t> sequence;
    T value;
  };
  static constexpr size_t kLine = 64;
  std::unique_ptr<Cell[]> cells_;
  size_t mask_ = 0;
  alignas(kLine) std::atomic<size_t> enqueue_pos_{0};
  alignas(kLine) std::atomic<size_t> dequeue_pos_{0};
};

}  // namespace keystorm::pipeline

#endif  // KEYSTORM_ENGINE_SRC_PIPELINE_MPMC_QUEUE_H_
