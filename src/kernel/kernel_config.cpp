#include "kernel/kernel_config.hpp"

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::kernel {
namespace {

std::string full_name(std::string_view name) {
  return name.rfind("CONFIG_", 0) == 0 ? std::string(name) : "CONFIG_" + std::string(name);
}

bool valid_name(std::string_view n) {
  if (n.size() <= 7) return false;
  for (char c : n)
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

std::string unquote(std::string_view v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
  std::string out;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] == '\\' && i + 2 < v.size()) ++i;  // Kconfig escapes \" and \\ only
    out += v[i];
  }
  return out;
}

}  // namespace

KernelConfig KernelConfig::parse(std::string_view text) {
  KernelConfig cfg;
  for (const auto& raw : split(text, '\n')) {
    std::string line = trim(raw);
    if (line.rfind("CONFIG_", 0) == 0) {
      auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string name = line.substr(0, eq);
      if (valid_name(name)) cfg.values_[name] = unquote(std::string_view(line).substr(eq + 1));
    } else if (line.rfind("# CONFIG_", 0) == 0 && line.size() > 13 &&
               line.compare(line.size() - 11, 11, " is not set") == 0) {
      // An explicit "not set" overrides an earlier assignment, as in Kconfig.
      cfg.values_.erase(line.substr(2, line.size() - 13));
    }
  }
  return cfg;
}

std::optional<std::string> KernelConfig::get(std::string_view name) const {
  auto it = values_.find(full_name(name));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

const std::vector<ConfigRequirement>& required_options() {
  static const std::vector<ConfigRequirement> reqs = {
      {"CONFIG_SCHED_CLASS_EXT", "y", "sched_ext itself: without it no BPF scheduler can be loaded"},
      {"CONFIG_BPF_SYSCALL", "y", "the bpf() syscall, needed to load schedulers and read their maps"},
      {"CONFIG_DEBUG_INFO_BTF", "y",
       "kernel BTF, needed by schedulers (CO-RE, struct_ops) and by the host monitor to find struct layouts"},
      {"CONFIG_CGROUPS", "y", "cgroups, used to place test workloads"},
      {"CONFIG_CPUSETS", "y", "cpuset cgroups, used by scenarios that pin workloads to CPUs"},
      {"CONFIG_BLK_DEV_INITRD", "y", "initramfs support: the guest's userspace (ktstr itself) boots from one"},
      {"CONFIG_DEVMEM", "y", "/dev/mem, through which the guest maps the results channel it shares with the host"},
      {"CONFIG_SERIAL_8250_CONSOLE", "y", "the serial console, where kernel logs and crash dumps come out"},
      {"CONFIG_PVH", "y", "the PVH entry point QEMU uses to boot the uncompressed vmlinux directly"},
  };
  return reqs;
}

std::vector<ConfigRequirement> missing_requirements(const KernelConfig& cfg) {
  std::vector<ConfigRequirement> out;
  for (const auto& r : required_options())
    if (cfg.get(r.option) != r.value) out.push_back(r);
  return out;
}

void check_requirements(const KernelConfig& cfg, std::string_view what) {
  auto missing = missing_requirements(cfg);
  if (missing.empty()) return;
  std::string lines;
  for (const auto& r : missing) {
    auto actual = cfg.get(r.option);
    lines += fmt::format("\n  {}={} (currently {}): {}", r.option, r.value, actual ? *actual : "not set", r.why);
  }
  fail("kernel {} lacks {} option{} ktstr needs:{}\nUse a kernel built with {}, e.g. `ktstr kernel fetch`.", what,
       missing.size(), missing.size() == 1 ? "" : "s", lines, missing.size() == 1 ? "it" : "them");
}

}  // namespace ktstr::kernel
