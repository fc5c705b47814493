#pragma once
// Several VmObservers behind the one pointer a backend takes, called in order.
#include <vector>

#include "vm/backend.hpp"

namespace ktstr::monitor {

class ObserverChain final : public vm::VmObserver {
 public:
  void add(vm::VmObserver* o) {
    if (o) list_.push_back(o);
  }
  bool empty() const { return list_.empty(); }
  void on_start(vm::VmControl& m) override {
    for (auto* o : list_) o->on_start(m);
  }
  void on_message(const channel::Message& msg) override {
    for (auto* o : list_) o->on_message(msg);
  }
  void on_tick(vm::VmControl& m) override {
    for (auto* o : list_) o->on_tick(m);
  }

 private:
  std::vector<vm::VmObserver*> list_;
};

}  // namespace ktstr::monitor
