#include "cli/cli.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "cli/command.hpp"
#include "ktstr/version.hpp"
#include "guest/init_main.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"

namespace ktstr::cli {

int main(int argc, char** argv) {
  // PID 1 means we are the init of a ktstr guest.
  if (::getpid() == 1) guest::init_main();

  CLI::App app{"ktstr: boot real kernels in VMs to test Linux schedulers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ktstr " KTSTR_VERSION_STRING);
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "Show accelerator choice, QEMU command line, guest console");
  app.add_flag("-q,--quiet", quiet, "Only print results and errors");
  bool no_snapshot = false;
  app.add_flag("--no-snapshot", no_snapshot,
               "Cold-boot every VM instead of restoring a snapshot of a booted guest [KTSTR_SNAPSHOT=0]");

  Action selected;
  add_kernel_command(app, selected);
  add_run_command(app, selected);
  add_list_command(app, selected);
  add_schedulers_command(app, selected);
  add_shell_command(app, selected);
  add_topo_command(app, selected);
  add_verifier_command(app, selected);
  add_nested_rig_command(app, selected);
  add_kselftest_command(app, selected);
  add_cleanup_command(app, selected);
  add_report_command(app, selected);
  add_stats_command(app, selected);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitPass : kExitUsage;
  }
  log::set_level(verbose ? log::Level::verbose : quiet ? log::Level::quiet : log::Level::normal);
  // Through the environment so every path that boots a VM (and child
  // processes of parallel runs) sees it (runner/guest_run.hpp).
  if (no_snapshot) ::setenv("KTSTR_SNAPSHOT", "0", 1);
  install_interrupt_handlers();
  try {
    return selected ? selected() : kExitUsage;
  } catch (const Interrupted& e) {
    std::fprintf(stderr, "ktstr: %s; VM and temporary files cleaned up\n", e.what());
    return 128 + e.signal();
  } catch (const Error& e) {
    std::fprintf(stderr, "ktstr: error: %s\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ktstr: internal error: %s\n", e.what());
    return kExitUsage;
  }
}

}  // namespace ktstr::cli
