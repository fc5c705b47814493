#pragma once
// Custom work (PRODUCT.md §2 "Custom (user function)"): a function a worker
// process calls once per iteration, registered under a name that scenarios
// use like a built-in type:
//
//   KTSTR_WORK(spin_then_nap) {
//     worker.spin(2048);
//     worker.sleep_for(std::chrono::microseconds(200));
//   }
//   ... CgroupDef::named("cg").with_work(Work::of("spin_then_nap")) ...
//
// The function runs in a forked worker process inside the guest; work units
// count through spin() and add_units(), gaps and wake latencies through the
// framework's own probe exactly as for built-in types.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace ktstr {

class Worker {
 public:
  virtual ~Worker() = default;
  virtual size_t index() const = 0;  // position in its Work group
  // `units` spin units of compute (one unit ~ a few ns natively), counted as work.
  virtual void spin(uint64_t units) = 0;
  virtual void add_units(uint64_t units) = 0;
  // Voluntary blocking: excluded from the gap check.
  virtual void yield() = 0;
  virtual void sleep_for(std::chrono::nanoseconds d) = 0;
  virtual bool stop_requested() const = 0;
  virtual uint64_t random() = 0;  // per-worker deterministic stream
};

using WorkFunction = std::function<void(Worker&)>;

// Registers `fn` under `name` (KTSTR_WORK does this during static
// initialisation). An empty or taken name (built-in types included) ends the
// program with exit 2 and a message: there is no caller to report it to.
void register_work(std::string name, WorkFunction fn);

}  // namespace ktstr

#define KTSTR_WORK_CAT2_(a, b) a##b
#define KTSTR_WORK_CAT_(a, b) KTSTR_WORK_CAT2_(a, b)
#define KTSTR_WORK(name)                                                               \
  static void KTSTR_WORK_CAT_(ktstr_work_fn_, name)(::ktstr::Worker & worker);         \
  [[maybe_unused]] static const bool KTSTR_WORK_CAT_(ktstr_work_reg_, name) =          \
      (::ktstr::register_work(#name, &KTSTR_WORK_CAT_(ktstr_work_fn_, name)), true);  \
  static void KTSTR_WORK_CAT_(ktstr_work_fn_, name)([[maybe_unused]] ::ktstr::Worker & worker)
