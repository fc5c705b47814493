#include "workload/group_link.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <new>

#include "util/error.hpp"

namespace ktstr::workload {
namespace {

bool uses_pipes(WorkKind k) {
  return k == WorkKind::PipeIo || k == WorkKind::CachePipe || k == WorkKind::RequestResponse ||
         k == WorkKind::Messaging;
}

void init_shared_mutex(pthread_mutex_t* m) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  // Robust: a contender killed while holding the lock must not wedge the
  // others; the next locker gets EOWNERDEAD and repairs it.
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  int rc = pthread_mutex_init(m, &a);
  pthread_mutexattr_destroy(&a);
  if (rc != 0) {
    errno = rc;
    fail_errno("pthread_mutex_init (process-shared)");
  }
}

}  // namespace

GroupResources::GroupResources(const WorkType& work, size_t workers)
    : kind_(work.kind),
      msg_fds_(work.msg_fds),
      is_mutex_(work.kind == WorkKind::MutexContention),
      group_size_(work.group_size()) {
  groups_ = workers / group_size_;
  if (group_size_ > 1 && groups_ > 0) {
    size_t len = groups_ * sizeof(GroupShared);
    void* p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) fail_errno("mmap shared worker state");
    shared_ = Mapping(p, len);
    auto* g = reinterpret_cast<GroupShared*>(p);
    for (size_t i = 0; i < groups_; ++i) {
      new (&g[i]) GroupShared();
      if (is_mutex_) init_shared_mutex(&g[i].mutex);
    }
  }
  if (uses_pipes(work.kind)) {
    inbox_.resize(workers);
    for (auto& box : inbox_) {
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0) fail_errno("pipe for worker pair");
      box[0].reset(fds[0]);
      box[1].reset(fds[1]);
    }
  }
}

GroupResources::~GroupResources() {
  if (is_mutex_ && shared_.valid()) {
    auto* g = reinterpret_cast<GroupShared*>(shared_.data());
    for (size_t i = 0; i < groups_; ++i) pthread_mutex_destroy(&g[i].mutex);
  }
}

GroupLink GroupResources::link(size_t index) const {
  GroupLink l;
  l.size = group_size_;
  l.group = index / group_size_;
  l.role = index % group_size_;
  if (shared_.valid()) l.shared = reinterpret_cast<GroupShared*>(shared_.data()) + l.group;
  if (!inbox_.empty() && inbox_[index][0].valid() && kind_ == WorkKind::RequestResponse) {
    const size_t base = l.group * group_size_;
    l.inbox_fd = inbox_[index][0].get();
    if (l.role == 0)
      for (size_t r = 1; r < group_size_; ++r) l.out_fds.push_back(inbox_[base + r][1].get());
    else
      l.out_fds.push_back(inbox_[base][1].get());
  } else if (!inbox_.empty() && inbox_[index][0].valid() && kind_ == WorkKind::Messaging) {
    // Roles [0, msg_fds) send, [msg_fds, 2 msg_fds) receive.
    const size_t base = l.group * group_size_;
    if (l.role < msg_fds_)
      for (size_t r = msg_fds_; r < group_size_; ++r) l.out_fds.push_back(inbox_[base + r][1].get());
    else
      l.inbox_fd = inbox_[index][0].get();
  } else if (!inbox_.empty() && inbox_[index][0].valid()) {
    size_t partner = l.group * group_size_ + (1 - l.role);
    l.inbox_fd = inbox_[index][0].get();
    l.outbox_fd = inbox_[partner][1].get();
  }
  return l;
}

std::vector<int> GroupResources::child_fds(size_t index) const {
  GroupLink l = link(index);
  std::vector<int> out;
  if (l.inbox_fd >= 0) out.push_back(l.inbox_fd);
  if (l.outbox_fd >= 0) out.push_back(l.outbox_fd);
  out.insert(out.end(), l.out_fds.begin(), l.out_fds.end());
  return out;
}

void GroupResources::close_pipes() {
  for (auto& box : inbox_) {
    box[0].reset();
    box[1].reset();
  }
}

}  // namespace ktstr::workload
