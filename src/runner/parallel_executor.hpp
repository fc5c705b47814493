#pragma once
// Runs up to N VMs at once. Each task (one test variant: boot, run, verdict)
// runs on a worker thread; tasks start in submission order as slots free up
// and their results are collected by index, so whoever reports them can
// keep a stable order whatever order they finish in. A task that throws
// (bad input, Ctrl-C) hands its exception to whoever waits for it. The
// destructor starts nothing new and joins the running tasks (after Ctrl-C
// they end quickly: every VM loop polls the interrupt).
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runner/scenario_run.hpp"

namespace ktstr::runner {

class ParallelExecutor {
 public:
  using Task = std::function<ScenarioVerdict()>;
  struct Hooks {
    // Called on the task's thread, without the executor's lock held.
    std::function<void(size_t index, const std::string& name)> started;
    std::function<void(size_t index, const ScenarioVerdict* v)> finished;  // v null when it threw
  };

  explicit ParallelExecutor(size_t jobs, Hooks hooks = {});
  ~ParallelExecutor();
  ParallelExecutor(const ParallelExecutor&) = delete;
  ParallelExecutor& operator=(const ParallelExecutor&) = delete;

  size_t jobs() const { return jobs_; }
  // Queues a task; returns its index (0, 1, ...).
  size_t submit(std::string name, Task task);
  // Blocks until task `index` has finished; rethrows its exception.
  ScenarioVerdict wait(size_t index);

 private:
  struct Slot {
    std::string name;
    Task task;
    bool done = false;
    std::optional<ScenarioVerdict> result;
    std::exception_ptr error;
  };
  void worker();

  size_t jobs_;
  Hooks hooks_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Slot> slots_;
  size_t next_ = 0;  // next slot to start
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ktstr::runner
