#pragma once
// How cooperating workers (pairs, fan-out groups, mutex contenders) reach
// each other. The parent creates everything before forking: a MAP_SHARED
// region with one GroupShared per group, and for pipe types one "inbox"
// pipe per worker. Each child keeps only its own fds; the parent closes its
// copies once all workers exist, so a dead partner shows up as EOF/EPIPE.
#include <pthread.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "util/fd.hpp"
#include "util/mapping.hpp"
#include "workload/work_type.hpp"

namespace ktstr::workload {

// One cache line-aligned block per group, in memory shared by its workers.
struct alignas(64) GroupShared {
  uint32_t word = 0;     // FutexPingPong: whose turn; FutexFanOut: generation
  uint32_t ack = 0;      // FutexFanOut: receivers done with this generation
  uint64_t stamp_ns = 0; // monotonic time of the last hand-off / broadcast
  uint64_t ack_stamp_ns = 0;  // FutexFanOut: when the last receiver acked
  pthread_mutex_t mutex; // MutexContention (process-shared, robust)
};

struct GroupLink {
  size_t group = 0;      // which group of the WorkerGroup
  size_t role = 0;       // position within the group (0 = messenger for fan-out)
  size_t size = 1;       // group size
  GroupShared* shared = nullptr;  // nullptr for solo work types
  int inbox_fd = -1;     // pipe types: read end of my inbox
  int outbox_fd = -1;    // pipe types: write end of my partner's inbox
  // RequestResponse / Messaging: write ends of every inbox I send to (the
  // messenger's to its workers, a worker's to its messenger, a sender's to
  // every receiver of its group).
  std::vector<int> out_fds;
};

class GroupResources {
 public:
  GroupResources(const WorkType& work, size_t workers);
  ~GroupResources();
  GroupResources(GroupResources&&) = default;
  GroupResources& operator=(GroupResources&&) = default;

  GroupLink link(size_t index) const;
  // The fds worker `index` must keep open across its fd cleanup.
  std::vector<int> child_fds(size_t index) const;
  // Parent side, after every worker is forked.
  void close_pipes();

 private:
  WorkKind kind_;
  size_t msg_fds_ = 0;
  bool is_mutex_ = false;
  size_t group_size_ = 1;
  size_t groups_ = 0;
  Mapping shared_;
  std::vector<std::array<Fd, 2>> inbox_;  // per worker: [0] read, [1] write
};

}  // namespace ktstr::workload
