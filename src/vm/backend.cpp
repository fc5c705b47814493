#include "vm/backend.hpp"

#include "vm/qemu/qemu_backend.hpp"

namespace ktstr::vm {

// The QEMU backend serves both TCG and KVM hosts; the native KVM VMM will
// take over on real KVM hosts once it exists.
std::unique_ptr<VmBackend> make_default_backend() { return std::make_unique<qemu::QemuBackend>(); }

}  // namespace ktstr::vm
