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
#include "topology/topology.hpp"

namespace ktstr::vm {

// The shape the backend must present is the topology model itself
// (topology/topology.hpp); the QEMU backend lowers it in qemu_topology.cpp.
using VmTopology = topology::Topology;

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
  VcpuCrash,     // a vCPU thread of the own VMM crashed ("vCPU N crashed: <reason>")
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
  std::string backend;                       // "qemu" or "kvm" (the own VMM)
  // Own VMM: a vCPU thread died on a signal or std::terminate and is parked
  // in its crash handler; the process must report and exit (README).
  bool abandoned_threads = false;
  std::optional<double> first_entry_s;        // own VMM: VM creation -> boot vCPU's first KVM_RUN
  std::optional<double> exit_report_to_end_s; // guest reported its exit code -> VM gone
};

// Last `lines` lines of `text`.
std::string tail_lines(const std::string& text, size_t lines);

}  // namespace ktstr::vm
