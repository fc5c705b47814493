#include "vm_harness.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ktstr::vmtest {
namespace fs = std::filesystem;

Run run_ktstr(const std::vector<std::string>& args, std::chrono::seconds limit) {
  std::vector<std::string> argv = {KTSTR_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_capture(argv, limit);
  Run out;
  out.code = r.status.signal ? 128 + r.status.signal : r.status.code;
  out.out = r.out;
  out.err = r.err;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

bool vm_available(std::string* why) {
  if (!find_in_path("qemu-system-x86_64") && !fs::exists("/dev/kvm")) {
    *why = "neither QEMU nor /dev/kvm is available";
    return false;
  }
  auto r = run_capture({KTSTR_BINARY, "kernel", "path"}, std::chrono::seconds(60));
  if (!r.status.ok()) {
    ADD_FAILURE() << "no guest kernel (run scripts/bootstrap.sh): " << r.err;
    *why = "no kernel";
    return false;
  }
  return true;
}

bool fixture_built(std::string* why) {
  auto fixture = std::filesystem::path(KTSTR_BINARY).parent_path() / "schedulers" / "scx_ktstr_fixture";
  if (std::filesystem::exists(fixture)) return true;
  *why = "the fixture scheduler was not built (" + fixture.string() +
         "); the BPF toolchain is missing: run scripts/bootstrap-bpf.sh and reconfigure";
  return false;
}

bool process_exists(int pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

nlohmann::json single_result(const Run& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("results") || j["results"].size() != 1) {
    ADD_FAILURE() << "unexpected output:\n" << r.out << r.err;
    return nlohmann::json::object();
  }
  return j["results"][0];
}

}  // namespace ktstr::vmtest
