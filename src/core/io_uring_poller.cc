#include "core/io_uring_poller.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace yoke {
namespace {

// Poll completions carry poll(2) bits, handlers expect epoll(7) bits: on Linux they are the
// same numbers, so the result is passed through unchanged.
static_assert(POLLIN == EPOLLIN && POLLOUT == EPOLLOUT && POLLRDHUP == EPOLLRDHUP &&
              POLLERR == EPOLLERR && POLLHUP == EPOLLHUP);

// Submission queue: registrations, re-arms and cancels of one iteration; more are submitted in
// several steps. Completion queue: one per ready socket per iteration. When it overflows, the
// kernel ends the multishot polls that cannot post (IORING_CQE_F_MORE cleared) and they are
// re-armed, so its size is a matter of speed, not of correctness.
constexpr unsigned kSubmissionEntries = 512;
constexpr unsigned kCompletionEntries = 8192;

// user_data of cancel requests: their completions (only failures, IOSQE_CQE_SKIP_SUCCESS) mean
// the poll had already ended, and are dropped. No slot has index 0xffffffff.
constexpr std::uint64_t kIgnored = ~std::uint64_t{0};

constexpr std::uint32_t kSocketEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP;

std::uint64_t key_of(std::uint32_t index, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32) | index;
}
std::uint32_t index_of(std::uint64_t key) { return static_cast<std::uint32_t>(key); }
std::uint32_t generation_of(std::uint64_t key) { return static_cast<std::uint32_t>(key >> 32); }

// io_uring_enable_rings() is declared by liburing 2.3 but missing from its exported symbols
// (Debian 12's liburing.so.2), so the register call is made directly (io_uring_register(2)).
bool enable_ring(const io_uring& ring) {
  return syscall(__NR_io_uring_register, ring.ring_fd, IORING_REGISTER_ENABLE_RINGS, nullptr, 0) ==
         0;
}

}  // namespace

std::unique_ptr<Poller> IoUringPoller::create(std::string& error) {
  std::unique_ptr<IoUringPoller> poller(new IoUringPoller());
  io_uring_params params{};
  params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER |
                 IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_R_DISABLED;
  params.cq_entries = kCompletionEntries;
  int result = io_uring_queue_init_params(kSubmissionEntries, &poller->ring_, &params);
  if (result < 0) {
    error = std::string("io_uring_queue_init_params: ") + std::strerror(-result);
    return nullptr;
  }
  poller->ring_ready_ = true;
  return poller;
}

IoUringPoller::~IoUringPoller() {
  // Closing the ring cancels every poll still armed and drops its file references.
  if (ring_ready_) io_uring_queue_exit(&ring_);
}

bool IoUringPoller::watch(int fd, IoHandler* handler) { return add(fd, handler, false); }

bool IoUringPoller::watch_readable(int fd, IoHandler* handler) { return add(fd, handler, true); }

bool IoUringPoller::add(int fd, IoHandler* handler, bool level) {
  if (fd < 0) {
    errno = EBADF;
    return false;
  }
  auto position = static_cast<std::size_t>(fd);
  if (position >= slot_of_fd_.size())
    slot_of_fd_.resize(std::max(position + 1, 2 * slot_of_fd_.size()), -1);
  if (slot_of_fd_[position] >= 0) {
    errno = EEXIST;  // as EPOLL_CTL_ADD on a registered fd
    return false;
  }
  std::uint32_t index = 0;
  if (free_slots_.empty()) {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    index = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& slot = slots_[index];
  slot.handler = handler;
  slot.fd = fd;
  slot.level = level;
  slot_of_fd_[position] = static_cast<std::int32_t>(index);
  to_arm_.push_back(key_of(index, slot.generation));
  return true;
}

void IoUringPoller::unwatch(int fd) {
  auto position = static_cast<std::size_t>(fd);
  if (fd < 0 || position >= slot_of_fd_.size() || slot_of_fd_[position] < 0) return;
  auto index = static_cast<std::uint32_t>(slot_of_fd_[position]);
  slot_of_fd_[position] = -1;
  Slot& slot = slots_[index];
  // The kernel holds the file until the poll is cancelled: close(fd) alone would leave the
  // socket open.
  if (slot.in_kernel) to_cancel_.push_back(key_of(index, slot.generation));
  slot = Slot{nullptr, -1, slot.generation + 1, false, false};
  free_slots_.push_back(index);
}

void IoUringPoller::wait(int timeout_ms) {
  if (!enabled_) {
    // On the loop's thread: it becomes the ring's single issuer (IORING_SETUP_R_DISABLED).
    enabled_ = enable_ring(ring_);
  }
  queue_submissions();
  if (timeout_ms == 0 || io_uring_cq_ready(&ring_) > 0) {
    // Submits and runs deferred completions without blocking.
    io_uring_submit_and_get_events(&ring_);
  } else {
    __kernel_timespec timeout{};
    timeout.tv_sec = timeout_ms / 1000;
    timeout.tv_nsec = static_cast<long long>(timeout_ms % 1000) * 1000000;
    io_uring_cqe* first = nullptr;
    // -ETIME (timer due) and -EINTR need no action: the loop goes round.
    io_uring_submit_and_wait_timeout(&ring_, &first, 1, timeout_ms < 0 ? nullptr : &timeout,
                                     nullptr);
  }
  fetch();
}

// Turns remembered registrations into submission queue entries. A registration unwatched
// before its turn is skipped; one that finds no entry waits for the next wait().
void IoUringPoller::queue_submissions() {
  std::size_t done = 0;
  while (done < to_arm_.size() && queue_arm(to_arm_[done])) ++done;
  to_arm_.erase(to_arm_.begin(), to_arm_.begin() + static_cast<std::ptrdiff_t>(done));
  done = 0;
  while (done < to_cancel_.size() && queue_cancel(to_cancel_[done])) ++done;
  to_cancel_.erase(to_cancel_.begin(), to_cancel_.begin() + static_cast<std::ptrdiff_t>(done));
}

bool IoUringPoller::queue_arm(std::uint64_t key) {
  Slot& slot = slots_[index_of(key)];
  if (slot.handler == nullptr || slot.generation != generation_of(key)) return true;
  io_uring_sqe* sqe = next_sqe();
  if (sqe == nullptr) return false;
  if (slot.level) {
    io_uring_prep_poll_add(sqe, slot.fd, EPOLLIN);
  } else {
    io_uring_prep_poll_multishot(sqe, slot.fd, kSocketEvents);
  }
  io_uring_sqe_set_data64(sqe, key);
  slot.in_kernel = true;
  return true;
}

// IORING_OP_ASYNC_CANCEL rather than IORING_OP_POLL_REMOVE: a poll removal fails with
// -EALREADY while a wake-up of that poll is being processed, and would leave it armed
// (io_uring/poll.c, io_poll_disarm); a cancel marks the request and always ends it.
bool IoUringPoller::queue_cancel(std::uint64_t key) {
  io_uring_sqe* sqe = next_sqe();
  if (sqe == nullptr) return false;
  io_uring_prep_cancel64(sqe, key, 0);
  io_uring_sqe_set_data64(sqe, kIgnored);
  sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
  return true;
}

io_uring_sqe* IoUringPoller::next_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe != nullptr) return sqe;
  // The queue is full: push it to the kernel and take a fresh entry.
  if (io_uring_submit(&ring_) <= 0) return nullptr;
  return io_uring_get_sqe(&ring_);
}

void IoUringPoller::fetch() {
  std::array<io_uring_cqe*, kMaxCompletions> cqes{};
  unsigned count = io_uring_peek_batch_cqe(&ring_, cqes.data(), kMaxCompletions);
  for (unsigned i = 0; i < count; ++i) {
    completions_[i] = Completion{cqes[i]->user_data, cqes[i]->res, cqes[i]->flags};
  }
  io_uring_cq_advance(&ring_, count);
  completion_count_ = count;
}

void IoUringPoller::dispatch() {
  for (unsigned i = 0; i < completion_count_; ++i) complete(completions_[i]);
  completion_count_ = 0;
}

void IoUringPoller::complete(const Completion& completion) {
  if (completion.user_data == kIgnored) return;
  std::uint32_t index = index_of(completion.user_data);
  if (index >= slots_.size()) return;
  Slot& slot = slots_[index];
  // Unwatched since (maybe earlier in this very batch): the handler may be gone.
  if (slot.handler == nullptr || slot.generation != generation_of(completion.user_data)) return;
  IoHandler* handler = slot.handler;
  bool ended = (completion.flags & IORING_CQE_F_MORE) == 0;
  if (completion.result < 0 && completion.result != -ECANCELED) {
    // The kernel could not poll this fd (no memory, or an fd closed before unwatch): let the
    // handler try its I/O and meet the error, or its timeout.
    slot.in_kernel = false;
    return handler->on_io(EPOLLERR);
  }
  if (ended) {
    // One-shot (level) polls always end here; a multishot one ended by the kernel. Queued
    // before on_io: if the handler unwatches, queue_arm skips the stale key.
    slot.in_kernel = false;
    to_arm_.push_back(completion.user_data);
  }
  if (completion.result > 0) handler->on_io(static_cast<std::uint32_t>(completion.result));
}

}  // namespace yoke
