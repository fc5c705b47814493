#pragma once
// Backend-neutral description of one VM and of how it ended. Nothing here
// knows about scenarios or schedulers.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "channel/message.hpp"

namespace ktstr::vm {

// The vCPU shape the backend must present. The full topology model (LLCs,
// NUMA memory, distances) lives elsewhere and lowers to this.
struct VmTopology {
  uint32_t numa_nodes = 1;
  uint32_t llcs = 1;
  uint32_t cores_per_llc = 2;
  uint32_t threads_per_core = 1;
  uint32_t cpus() const { return llcs * cores_per_llc * threads_per_core; }
};

struct VmSpec {
  std::filesystem::path kernel;      // uncompressed vmlinux with a PVH entry note
  int initrd_fd = -1;                // initramfs (concatenated cpio segments)
  std::string extra_cmdline;         // appended to the kernel command line
  VmTopology topology;
  uint64_t memory_mb = 256;
  std::chrono::milliseconds timeout{60000};
  bool interactive = false;          // guest console on the host terminal
  bool stream_output = true;         // echo the guest's init port live to stdout
};

enum class ExitKind {
  Clean,         // guest init reported an exit code and powered off
  Panic,         // guest kernel panicked
  Timeout,       // killed at the deadline
  NoResult,      // VM ended without the guest reporting an exit code
  BackendError,  // QEMU failed to start or died on its own
  Interrupted,   // the user pressed Ctrl-C / ktstr got SIGTERM
};
const char* to_string(ExitKind k);

struct VmOutcome {
  ExitKind kind = ExitKind::NoResult;
  std::optional<int> guest_exit_code;        // from the channel (or sentinel)
  std::string detail;                        // one-line explanation
  std::string console;                       // kernel console (ttyS0), bounded tail
  std::string init_output;                   // non-protocol text from the init port
  std::string backend_stderr;                // what QEMU printed
  std::vector<channel::Message> messages;    // everything the guest published
  std::vector<std::string> channel_errors;   // corrupt/lost records
  std::optional<double> guest_init_uptime_s; // guest uptime when init started
  double wall_seconds = 0;                   // backend start to VM exit
};

// Last `lines` lines of `text`.
std::string tail_lines(const std::string& text, size_t lines);

}  // namespace ktstr::vm
