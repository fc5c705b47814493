#include "scheduler/scheduler_ref.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string_view>

#include <fmt/ranges.h>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::scheduler {
namespace fs = std::filesystem;

std::vector<fs::path> scheduler_search_dirs() {
  std::vector<fs::path> dirs;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    dirs.push_back(self.parent_path());
    dirs.push_back(self.parent_path() / "schedulers");
  }
  if (const char* d = std::getenv("KTSTR_SCHEDULER_DIR"); d && *d) dirs.emplace_back(d);
  dirs.push_back(cache_root() / "schedulers");
  return dirs;
}

namespace {
// The guest execs the scheduler directly; a script or garbage would only
// fail there, after a boot, as "scheduler died before attaching".
void require_elf(const std::string& spec, const fs::path& binary) {
  char magic[4] = {};
  std::ifstream in(binary, std::ios::binary);
  in.read(magic, sizeof magic);
  if (in.gcount() != 4 || std::string_view(magic, 4) != "\x7f" "ELF")
    fail("--scheduler {}: {} is not an ELF executable", spec, binary.string());
}
}  // namespace

SchedulerRef resolve_scheduler(const std::string& spec) {
  if (spec.empty()) fail("--scheduler needs a path or a name");
  SchedulerRef ref;
  ref.name = spec;
  auto usable = [](const fs::path& p) { return fs::is_regular_file(p) && ::access(p.c_str(), X_OK) == 0; };
  if (spec.find('/') != std::string::npos) {
    if (!usable(spec)) fail("--scheduler {}: not an executable file", spec);
    ref.binary = fs::absolute(spec);
    require_elf(spec, ref.binary);
    return ref;
  }
  std::vector<std::string> names = {spec, "scx_" + spec};
  if (spec == "fixture") names.insert(names.begin(), "scx_ktstr_fixture");
  std::string searched;
  for (const auto& dir : scheduler_search_dirs()) {
    for (const auto& n : names) {
      if (usable(dir / n)) {
        ref.binary = dir / n;
        require_elf(spec, ref.binary);
        return ref;
      }
    }
    searched += "\n  " + dir.string();
  }
  fail("scheduler '{}' not found; looked for {} in:{}\n(build ktstr's fixture with scripts/bootstrap.sh, "
       "the kernel's examples with scripts/build-kernel-schedulers.sh, or pass a path)",
       spec, fmt::join(names, " / "), searched);
}

SchedulerRef scheduler_ref_for(const SchedulerDef& def, const Profile& profile,
                               const std::vector<std::string>& extra_args) {
  SchedulerRef r = resolve_scheduler(def.binary.empty() ? def.name : def.binary);
  r.name = def.name;
  r.args = profile_args(def, profile);
  r.args.insert(r.args.end(), extra_args.begin(), extra_args.end());
  r.kernel_cmdline = def.kernel_cmdline;
  r.reserved_cpus = def.reserved_cpus;
  for (const auto& sc : def.sysctls) r.sysctls.emplace_back(sc.proc_path(), sc.value);
  return r;
}

}  // namespace ktstr::scheduler
