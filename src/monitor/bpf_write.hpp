#pragma once
// Host-side actions on the scheduler's BPF objects during a run: writes of
// map variables requested on the command line (fault switches in a
// scheduler's .bss), and periodic snapshots of the loaded programs
// (verified instruction counts, run-time stats) for the result.
//
// A write spec is MAP:VAR=VALUE[@SECONDS]: MAP is a map name or a unique
// suffix of one (".bss" finds "fixture.bss"), VAR a variable of its
// DATASEC value type, VALUE an integer; it is applied once the map exists
// plus SECONDS (default 1).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "monitor/bpf_objects.hpp"
#include "monitor/guest_kernel.hpp"

namespace ktstr::monitor {

struct BpfWriteSpec {
  std::string map, var;
  int64_t value = 0;
  double delay_s = 1.0;
  std::string text;  // as given
  // Throws ktstr::Error with the expected syntax.
  static BpfWriteSpec parse(const std::string& text);
};

class BpfWriter {
 public:
  BpfWriter(std::vector<BpfWriteSpec> writes, unsigned cpus) : specs_(std::move(writes)), cpus_(cpus) {}
  // On every monitor tick while the guest kernel is attached.
  void tick(const GuestKernel& k, double t);

  struct Done {
    std::string spec;
    double t = 0;
    bool ok = false;
    std::string detail;  // "fixture.bss:host_poke 0 -> 42" or the error
  };
  const std::vector<Done>& done() const { return done_; }
  // Every requested write with its outcome, including those never applied
  // (the map never appeared, or the run ended first) as failures.
  std::vector<Done> outcome() const;
  const std::vector<BpfProgInfo>& progs() const { return progs_; }
  const std::vector<BpfMapInfo>& maps() const { return maps_; }
  // {"programs": [...], "maps": [...], "variables": {"fixture.bss":
  //  {"nr_enqueued": 123, ...}}, "writes": [...]}
  nlohmann::json to_json() const;

 private:
  struct Pending {
    BpfWriteSpec spec;
    std::optional<double> seen;  // when the map first appeared
    bool finished = false;
    int attempts = 0;
  };
  std::vector<BpfWriteSpec> specs_;
  std::vector<Pending> pending_;
  unsigned cpus_;
  bool init_ = false;
  double last_snapshot_ = -1e9;
  std::vector<Done> done_;
  std::vector<BpfProgInfo> progs_;
  std::vector<BpfMapInfo> maps_;
  // Scalar variables of the scheduler's .bss/.data/.rodata maps, typed by
  // the map's BTF (parsed once per map id), as last read.
  std::map<uint32_t, std::vector<BpfVar>> var_layouts_;
  nlohmann::json vars_ = nlohmann::json::object();
  std::string error_;
  void read_vars(const BpfObjects& objs);
};

}  // namespace ktstr::monitor
