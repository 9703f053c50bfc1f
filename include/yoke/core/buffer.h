#pragma once
// A fixed-capacity byte buffer with a read and a write position, and the per-worker pool
// that lends them. Idle connections hold no buffer (nginx frees its buffers on idle
// keep-alive connections too), so memory follows active work, not open connections.
#include <cstddef>
#include <cstring>
#include <string_view>
#include <vector>

namespace yoke {

class Buffer {
 public:
  Buffer(char* storage, std::size_t capacity) : data_(storage), capacity_(capacity) {}

  std::string_view readable() const { return {data_ + start_, end_ - start_}; }
  std::size_t size() const { return end_ - start_; }
  bool empty() const { return start_ == end_; }
  char* write_position() { return data_ + end_; }
  std::size_t writable() const { return capacity_ - end_; }
  std::size_t capacity() const { return capacity_; }

  void consume(std::size_t count) {
    start_ += count;
    if (start_ == end_) start_ = end_ = 0;
  }
  void commit(std::size_t count) { end_ += count; }
  // Moves unread bytes to the front so that writable() is as large as possible.
  void compact() {
    if (start_ == 0) return;
    std::memmove(data_, data_ + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
  }
  // Appends as much of bytes as fits; returns how many were appended.
  std::size_t append(std::string_view bytes) {
    if (bytes.size() > writable()) compact();
    std::size_t count = bytes.size() < writable() ? bytes.size() : writable();
    std::memcpy(data_ + end_, bytes.data(), count);
    end_ += count;
    return count;
  }
  void clear() { start_ = end_ = 0; }
  // Drops bytes appended after the readable size was `size` (undoes appends).
  void truncate(std::size_t size) { end_ = start_ + size; }

 private:
  char* data_;
  std::size_t capacity_;
  std::size_t start_ = 0;
  std::size_t end_ = 0;
};

// Lends buffers of one size to one worker's connections. Not thread-safe: one per worker.
class BufferPool {
 public:
  explicit BufferPool(std::size_t buffer_size, std::size_t max_free = 256)
      : buffer_size_(buffer_size), max_free_(max_free) {}
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;
  ~BufferPool();

  Buffer* acquire();
  // Returns buffer to the pool (or frees it when the pool already keeps max_free).
  void release(Buffer* buffer);
  std::size_t buffer_size() const { return buffer_size_; }

 private:
  std::size_t buffer_size_;
  std::size_t max_free_;
  std::vector<Buffer*> free_;
};

}  // namespace yoke
