#pragma once
// The io_uring(7) backend: readiness from poll requests instead of epoll_wait, with the same
// edge-triggered contract for handlers (see Poller).
//
// - watch(): one multishot poll per socket (IORING_POLL_ADD_MULTI). io_uring polls are edge-
//   triggered unless IORING_POLL_ADD_LEVEL is given: a completion is posted when the socket is
//   ready at arming time and on each later wake-up of its wait queue (io_uring/poll.c,
//   io_poll_parse_events adds EPOLLET), which is what epoll's EPOLLET reports too.
// - watch_readable(): a one-shot poll, re-armed after each completion is handled. A one-shot
//   poll on a ready file completes at once, so a listener with connections left in its backlog
//   is reported again next iteration: level-triggered, as epoll gives it.
// - Registrations are only remembered; wait() writes them to the submission queue and then
//   submits and waits in one io_uring_enter (io_uring_submit_and_wait_timeout).
// - A multishot poll may end on its own (completion without IORING_CQE_F_MORE: the completion
//   queue overflowed, or -ECANCELED): it is re-armed while its fd is still watched
//   (io_uring_prep_poll_multishot(3)).
// - The ring is created with IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN (Linux
//   6.1): completions are produced only when the loop asks for them, with no interrupt of the
//   running thread (io_uring_setup(2)). It starts disabled (IORING_SETUP_R_DISABLED) and is
//   enabled by the first wait(), so the loop's thread becomes its single issuer even when the
//   loop was built on another thread.
//
// Late completions: unwatch() cancels the poll (IORING_OP_ASYNC_CANCEL), but its last
// completion (-ECANCELED, or readiness posted before the cancel ran) arrives in a later
// iteration, when the handler may be gone and the fd number reused. Every watch therefore takes
// a slot in a table and its user_data is (slot generation << 32 | slot index); unwatch()
// bumps the slot's generation at once, so any completion of an old registration no longer
// matches its slot and is dropped before it could reach a handler.
#include <liburing.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "yoke/core/poller.h"

namespace yoke {

class IoUringPoller final : public Poller {
 public:
  // Null with error set if the kernel refuses the ring (io_uring disabled, too old, no memory).
  static std::unique_ptr<Poller> create(std::string& error);
  ~IoUringPoller() override;
  IoUringPoller(const IoUringPoller&) = delete;
  IoUringPoller& operator=(const IoUringPoller&) = delete;

  bool watch(int fd, IoHandler* handler) override;
  bool watch_readable(int fd, IoHandler* handler) override;
  void unwatch(int fd) override;
  void wait(int timeout_ms) override;
  void dispatch() override;
  PollerKind kind() const override { return PollerKind::kIoUring; }

 private:
  // Completions handled per iteration at most, as epoll's maxevents; the rest wait in the ring.
  static constexpr unsigned kMaxCompletions = 512;

  struct Slot {
    IoHandler* handler = nullptr;  // null: free
    int fd = -1;
    std::uint32_t generation = 0;
    bool level = false;      // watch_readable: one-shot poll re-armed after each completion
    bool in_kernel = false;  // a poll request of this generation is live in the kernel
  };
  struct Completion {
    std::uint64_t user_data;
    std::int32_t result;
    std::uint32_t flags;
  };

  IoUringPoller() = default;
  bool add(int fd, IoHandler* handler, bool level);
  void queue_submissions();
  bool queue_arm(std::uint64_t key);
  bool queue_cancel(std::uint64_t key);
  io_uring_sqe* next_sqe();
  void fetch();
  void complete(const Completion& completion);

  io_uring ring_{};
  bool ring_ready_ = false;  // io_uring_queue_init_params succeeded
  bool enabled_ = false;     // IORING_REGISTER_ENABLE_RINGS done on the loop's thread
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::int32_t> slot_of_fd_;  // fd → slot index, -1 when not watched
  // Requests made since the last wait(), as user_data keys. Only wait() turns them into
  // submission queue entries, so no other method ever needs to enter the kernel (or could,
  // from the wrong thread or before the ring is enabled).
  std::vector<std::uint64_t> to_arm_;
  std::vector<std::uint64_t> to_cancel_;
  std::array<Completion, kMaxCompletions> completions_{};
  unsigned completion_count_ = 0;
};

}  // namespace yoke
