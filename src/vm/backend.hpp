#pragma once
// A VM backend boots a VmSpec to completion and classifies how it ended.
#include <memory>

#include "channel/message.hpp"
#include "vm/vm_control.hpp"
#include "vm/vm_spec.hpp"

namespace ktstr::vm {

// Hooks for whoever wants to watch a running VM (progress output, the
// host-side monitor). Called on the backend's thread.
class VmObserver {
 public:
  virtual ~VmObserver() = default;
  // The control stays valid until run() returns.
  virtual void on_start(VmControl&) {}
  virtual void on_message(const channel::Message&) {}
  // Roughly every 100 ms while the guest runs.
  virtual void on_tick(VmControl&) {}
};

class VmBackend {
 public:
  virtual ~VmBackend() = default;
  virtual const char* name() const = 0;
  // Throws Error for setup problems (missing QEMU, bad spec) and Interrupted
  // on Ctrl-C; everything the guest does is reported in the outcome.
  virtual VmOutcome run(const VmSpec& spec, VmObserver* observer) = 0;
};

std::unique_ptr<VmBackend> make_default_backend();

}  // namespace ktstr::vm
