// Harness overhead: ktstr's wall time from command start to result for a
// trivial `shell --exec true`, next to a bare QEMU boot of the same kernel
// with a minimal static /init, plus each guest's own uptime when its init
// started. Prints per-run figures and medians with the ratio.
//   ktstr_bench [RUNS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "initramfs/cpio_writer.hpp"
#include "kernel/kernel_resolve.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "vm/qemu/qemu_backend.hpp"

using namespace ktstr;
using Clock = std::chrono::steady_clock;

namespace {

struct Sample {
  double wall = 0;
  double uptime = -1;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double match_double(const std::string& text, const std::regex& re) {
  std::smatch m;
  return std::regex_search(text, m, re) ? std::stod(m[1].str()) : -1;
}

Sample run_ktstr() {
  auto t0 = Clock::now();
  auto r = run_capture({KTSTR_BINARY, "-v", "shell", "--exec", "true"}, std::chrono::minutes(3));
  Sample s{std::chrono::duration<double>(Clock::now() - t0).count(), -1};
  if (!r.status.ok()) std::fprintf(stderr, "ktstr run failed: %s\n%s", r.status.describe().c_str(), r.err.c_str());
  s.uptime = match_double(r.err, std::regex(R"(guest init at uptime ([0-9.]+) s)"));
  return s;
}

Sample run_bare(const std::string& qemu, const std::string& vmlinux, const std::string& initrd) {
  // The reference command line from ENVIRONMENT.md: the same machine, CPUs,
  // memory and clock hints, none of ktstr's channel or second UART.
  std::vector<std::string> argv = {qemu, "-M", "microvm", "-accel", "tcg,thread=single", "-cpu", "max",
                                   "-m", "256M", "-smp", "2", "-nographic", "-no-reboot", "-nodefaults",
                                   "-serial", "stdio", "-kernel", vmlinux, "-initrd", initrd, "-append",
                                   "console=ttyS0 panic=-1 quiet tsc_early_khz=2600000 tsc=reliable"};
  auto t0 = Clock::now();
  auto r = run_capture(argv, std::chrono::minutes(3));
  Sample s{std::chrono::duration<double>(Clock::now() - t0).count(), -1};
  s.uptime = match_double(r.out, std::regex(R"(MIN-INIT uptime=([0-9.]+))"));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  auto kernel = kernel::resolve_kernel(std::nullopt);
  std::string qemu = vm::qemu::find_qemu();

  std::string cpio;
  {
    initramfs::CpioWriter w(initramfs::string_sink(cpio));
    w.add_directory("/proc");
    w.add_directory("/dev");
    w.add_char_device("/dev/console", 5, 1);
    w.add_file_from_host("/init", MIN_INIT_BINARY, 0755);
    w.finish();
  }
  std::string initrd = "/tmp/ktstr-bench-min-init.cpio";
  write_file_atomic(initrd, cpio);

  std::printf("kernel %s, %d runs each (interleaved)\n", kernel.version.c_str(), runs);
  std::printf("%-4s %16s %16s %16s %16s\n", "run", "ktstr wall s", "ktstr uptime s", "bare wall s",
              "bare uptime s");
  std::vector<double> kw, ku, bw, bu;
  run_ktstr();  // warm the initramfs cache; a cold build is not the steady state
  for (int i = 0; i < runs; ++i) {
    Sample k = run_ktstr();
    Sample b = run_bare(qemu, kernel.vmlinux.string(), initrd);
    kw.push_back(k.wall);
    ku.push_back(k.uptime);
    bw.push_back(b.wall);
    bu.push_back(b.uptime);
    std::printf("%-4d %16.2f %16.2f %16.2f %16.2f\n", i + 1, k.wall, k.uptime, b.wall, b.uptime);
  }
  std::remove(initrd.c_str());
  double kmw = median(kw), bmw = median(bw);
  std::printf("median ktstr %.2f s (guest init at %.2f s) vs bare QEMU %.2f s (init at %.2f s)\n", kmw,
              median(ku), bmw, median(bu));
  std::printf("ratio ktstr/bare wall: %.2fx  (harness overhead %+.2f s)\n", kmw / bmw, kmw - bmw);
  return 0;
}
