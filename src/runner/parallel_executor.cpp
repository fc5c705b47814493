#include "runner/parallel_executor.hpp"

#include <algorithm>

#include "util/error.hpp"

namespace ktstr::runner {

ParallelExecutor::ParallelExecutor(size_t jobs, Hooks hooks) : jobs_(std::max<size_t>(jobs, 1)), hooks_(std::move(hooks)) {}

ParallelExecutor::~ParallelExecutor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

size_t ParallelExecutor::submit(std::string name, Task task) {
  size_t index;
  {
    std::lock_guard lock(mu_);
    index = slots_.size();
    slots_.push_back(Slot{std::move(name), std::move(task)});
    // Threads start lazily: never more than jobs, never more than tasks.
    if (threads_.size() < jobs_) threads_.emplace_back([this] { worker(); });
  }
  cv_.notify_all();
  return index;
}

void ParallelExecutor::worker() {
  while (true) {
    size_t i;
    Task task;
    std::string name;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || next_ < slots_.size(); });
      if (stopping_) return;
      i = next_++;
      task = std::move(slots_[i].task);
      name = slots_[i].name;
    }
    if (hooks_.started) hooks_.started(i, name);
    std::optional<ScenarioVerdict> result;
    std::exception_ptr error;
    try {
      result = task();
    } catch (...) {
      error = std::current_exception();
    }
    if (hooks_.finished) hooks_.finished(i, result ? &*result : nullptr);
    {
      std::lock_guard lock(mu_);
      slots_[i].done = true;
      slots_[i].result = std::move(result);
      slots_[i].error = error;
    }
    cv_.notify_all();
  }
}

ScenarioVerdict ParallelExecutor::wait(size_t index) {
  std::unique_lock lock(mu_);
  if (index >= slots_.size()) fail("no task {} (only {} submitted)", index, slots_.size());
  cv_.wait(lock, [&] { return slots_[index].done; });
  if (slots_[index].error) std::rethrow_exception(slots_[index].error);
  return *slots_[index].result;
}

}  // namespace ktstr::runner
