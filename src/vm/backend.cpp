#include "vm/backend.hpp"

#include "vm/vmm_choice.hpp"

namespace ktstr::vm {

std::unique_ptr<VmBackend> make_default_backend() { return make_backend(choose_vmm(default_vmm())); }

}  // namespace ktstr::vm
