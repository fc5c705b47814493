#pragma once
// What a worker does in one outer iteration (PRODUCT.md §2 "Work types").
// One flat parameter struct rather than a variant: scenarios spell work as
// data (`WorkType::bursty(20, 50)` or designated initializers) and a
// command-line override only has to swap the kind.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ktstr::workload {

class WorkerContext;

enum class WorkKind {
  CpuSpin,          // 1024 spin units
  YieldHeavy,       // 1 unit + sched_yield
  Mixed,            // 1024 spin + sched_yield
  IoSync,           // rewrite a 64 KiB file in 16 x 4 KiB writes, fdatasync, sleep 100 us
  Bursty,           // spin burst_ms, sleep sleep_ms
  PipeIo,           // pairs: spin, send a byte to the partner, wait for its byte
  FutexPingPong,    // pairs: hand a shared futex word back and forth
  CachePressure,    // strided read-modify-write over cache_kib
  CacheYield,       // CachePressure + sched_yield
  CachePipe,        // CachePressure + PipeIo exchange (pairs)
  FutexFanOut,      // groups of 1 messenger + fan_out receivers
  FanOutCompute,    // FutexFanOut doing matrix multiplies per round; the messenger sleeps think_us between rounds
  RequestResponse,  // schbench-like: 1 messenger posts a request to each of fan_out workers over pipes, they compute and reply
  Messaging,        // hackbench-like: msg_fds senders write msg_bytes messages to each of msg_fds receivers over pipes
  Sequence,         // phases (spin/sleep/yield/io) in a loop
  ForkExit,         // fork + _exit + wait
  NiceSweep,        // cycle the nice value
  AffinityChurn,    // pin self to a random allowed CPU each iteration
  PolicyChurn,      // cycle OTHER/BATCH/IDLE/FIFO/RR
  PageFaultChurn,   // touch pages of a region, then MADV_DONTNEED it
  MutexContention,  // contenders share a process-shared mutex
  Custom,           // user function, one call per iteration
};

struct SequencePhase {
  enum class Kind { Spin, Sleep, Yield, Io };
  Kind kind = Kind::Spin;
  uint32_t ms = 10;
};

// Called once per iteration inside the worker process; returns the work
// units it completed. Runs after fork, so it may capture anything by value.
using CustomWork = std::function<uint64_t(WorkerContext&)>;

// Messaging's largest message: PIPE_BUF, so every message is one atomic write.
inline constexpr uint32_t kMaxMessageBytes = 4096;

struct WorkType {
  WorkKind kind = WorkKind::CpuSpin;

  // Parameters; each kind reads only its own.
  uint32_t spin_units = 1024;      // CpuSpin, Mixed, PipeIo, FutexPingPong, churn types
  uint32_t burst_ms = 50;          // Bursty
  uint32_t sleep_ms = 100;         // Bursty
  uint32_t cache_kib = 32;         // Cache*
  uint32_t stride = 64;            // Cache*
  uint32_t io_file_kib = 64;       // IoSync
  uint32_t io_write_kib = 4;       // IoSync
  uint32_t io_sleep_us = 100;      // IoSync
  uint32_t fan_out = 4;            // FutexFanOut, FanOutCompute, RequestResponse
  uint32_t matrix_kib = 256;       // FanOutCompute, RequestResponse: the three square matrices' total size
  uint32_t compute_ops = 5;        // FanOutCompute, RequestResponse: multiplies per wake-up (request)
  uint32_t think_us = 100;         // FanOutCompute, RequestResponse: messenger's sleep between rounds
  uint32_t msg_fds = 2;            // Messaging: senders (and receivers) per group
  uint32_t msg_bytes = 100;        // Messaging: message size (hackbench's 100 bytes), <= PIPE_BUF
  uint32_t contenders = 4;         // MutexContention
  uint32_t hold_units = 256;       // MutexContention: spin while holding
  uint32_t outside_units = 1024;   // MutexContention: spin outside the lock
  uint32_t region_kib = 4096;      // PageFaultChurn
  uint32_t touches = 256;          // PageFaultChurn
  int32_t nice_min = -20;          // NiceSweep: the sweep's range (negative
  int32_t nice_max = 19;           //   values need CAP_SYS_NICE; refused ones are skipped)
  std::vector<SequencePhase> phases;  // Sequence; empty = default_phases()
  std::string custom_name;         // Custom
  CustomWork custom;               // Custom

  static WorkType of(WorkKind k) { return WorkType{.kind = k}; }
  static WorkType bursty(uint32_t burst_ms, uint32_t sleep_ms);
  static WorkType cache_pressure(uint32_t kib, uint32_t stride);
  static WorkType futex_fan_out(uint32_t fan_out);
  static WorkType fan_out_compute(uint32_t fan_out, uint32_t matrix_kib, uint32_t ops, uint32_t think_us);
  static WorkType request_response(uint32_t workers, uint32_t matrix_kib, uint32_t ops, uint32_t think_us);
  static WorkType messaging(uint32_t fds, uint32_t bytes);
  static WorkType mutex_contention(uint32_t contenders, uint32_t hold, uint32_t outside);
  static WorkType page_fault_churn(uint32_t region_kib, uint32_t touches);
  static WorkType sequence(std::vector<SequencePhase> phases);
  static WorkType make_custom(std::string name, CustomWork fn);

  // Accepts "CpuSpin", "cpuspin", "cpu_spin", "cpu-spin"; optional positional
  // parameters in parentheses for parameterised kinds: "Bursty(20,50)",
  // "CachePressure(64,128)", "FutexFanOut(8)", "FanOutCompute(4,256,5,100)",
  // "RequestResponse(4,256,5,100)", "Messaging(2,100)", "MutexContention(4,256,1024)",
  // "PageFaultChurn(4096,256)". Throws ktstr::Error listing the valid names.
  static WorkType parse(std::string_view text);

  // CamelCase name ("CpuSpin"; Custom reports its custom_name).
  std::string name() const;
  // Workers that cooperate (pairs, fan-out groups, mutex contenders); a Work
  // group's worker count must be a positive multiple of this.
  size_t group_size() const;
  // Throws ktstr::Error when `workers` is 0 or not a multiple of group_size(),
  // or when parameters are out of range.
  void validate(size_t workers) const;
  // Does the kind sleep or wait on purpose (so wake latencies are expected)?
  bool blocks_voluntarily() const;

  static std::vector<SequencePhase> default_phases();
};

std::string_view kind_name(WorkKind k);
// All parseable names, CamelCase, in declaration order (Custom excluded).
std::vector<std::string_view> work_kind_names();

}  // namespace ktstr::workload
