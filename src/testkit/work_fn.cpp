// KTSTR_WORK: user work functions behind the workload module's Custom type.
#include "ktstr/test/work_fn.hpp"

#include <cstdio>
#include <cstdlib>

#include "util/error.hpp"
#include "workload/custom_work.hpp"
#include "workload/worker_context.hpp"

namespace ktstr {
namespace {

class WorkerAdapter final : public Worker {
 public:
  explicit WorkerAdapter(workload::WorkerContext& c) : c_(c) {}
  size_t index() const override { return c_.index(); }
  void spin(uint64_t units) override { c_.spin(units); }
  void add_units(uint64_t units) override { c_.add_units(units); }
  void yield() override { c_.yield(); }
  void sleep_for(std::chrono::nanoseconds d) override { c_.sleep_ns(static_cast<uint64_t>(std::max<int64_t>(d.count(), 0))); }
  bool stop_requested() const override { return c_.stop_requested(); }
  uint64_t random() override { return c_.rng()(); }

 private:
  workload::WorkerContext& c_;
};

}  // namespace

void register_work(std::string name, WorkFunction fn) {
  try {
    workload::register_custom_work(std::move(name), [fn = std::move(fn)](workload::WorkerContext& c) -> uint64_t {
      WorkerAdapter w(c);
      fn(w);
      return 0;  // units are counted by spin()/add_units()
    });
  } catch (const Error& e) {
    // Static initialisation: no caller to throw to.
    std::fprintf(stderr, "ktstr: KTSTR_WORK: %s\n", e.what());
    std::exit(2);
  }
}

}  // namespace ktstr
