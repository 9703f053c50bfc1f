#include "yoke/core/buffer.h"

#include <new>

namespace yoke {

// A buffer and its storage are one allocation: the Buffer header followed by the bytes.
Buffer* BufferPool::acquire() {
  if (!free_.empty()) {
    Buffer* buffer = free_.back();
    free_.pop_back();
    buffer->clear();
    return buffer;
  }
  char* memory = static_cast<char*>(::operator new(sizeof(Buffer) + buffer_size_));
  return new (memory) Buffer(memory + sizeof(Buffer), buffer_size_);
}

void BufferPool::release(Buffer* buffer) {
  if (buffer == nullptr) return;
  if (free_.size() < max_free_) {
    free_.push_back(buffer);
    return;
  }
  buffer->~Buffer();
  ::operator delete(static_cast<void*>(buffer));
}

BufferPool::~BufferPool() {
  for (Buffer* buffer : free_) {
    buffer->~Buffer();
    ::operator delete(static_cast<void*>(buffer));
  }
}

}  // namespace yoke
