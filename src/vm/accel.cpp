#include "vm/accel.hpp"

#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/files.hpp"

namespace ktstr::vm {

AccelChoice choose_accel() {
  if (const char* env = std::getenv("KTSTR_ACCEL"); env && *env) {
    std::string v = env;
    if (v == "kvm") return {Accel::Kvm, "forced by KTSTR_ACCEL=kvm"};
    if (v == "tcg") return {Accel::Tcg, "forced by KTSTR_ACCEL=tcg"};
    fail("KTSTR_ACCEL must be 'kvm' or 'tcg', got '{}'", v);
  }
  if (std::filesystem::exists("/sys/module/kvm_pvm"))
    return {Accel::Tcg,
            "/dev/kvm is the kvm_pvm software-emulation module (cannot run a stock kernel); "
            "using QEMU TCG"};
  if (!std::filesystem::exists("/dev/kvm")) return {Accel::Tcg, "no /dev/kvm; using QEMU TCG"};
  Fd kvm(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
  if (!kvm) {
    int e = errno;
    if (e == EACCES || e == EPERM)
      return {Accel::Tcg, "no permission to open /dev/kvm (add yourself to group kvm); using QEMU TCG"};
    return {Accel::Tcg, std::string("cannot open /dev/kvm: ") + std::strerror(e) + "; using QEMU TCG"};
  }
  int api = ::ioctl(kvm.get(), KVM_GET_API_VERSION, 0);
  if (api != KVM_API_VERSION) return {Accel::Tcg, "unexpected KVM API version; using QEMU TCG"};
  return {Accel::Kvm, "hardware KVM"};
}

bool host_cpu_is_emulated() {
  static const bool emulated = [] {
    auto info = try_read_file("/proc/cpuinfo");
    return info && info->find("QEMU TCG CPU") != std::string::npos;
  }();
  return emulated;
}

}  // namespace ktstr::vm
