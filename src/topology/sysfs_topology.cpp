#include "topology/sysfs_topology.hpp"

#include <algorithm>
#include <charconv>
#include <regex>
#include <sstream>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::topology {
namespace {
namespace fs = std::filesystem;

std::optional<std::string> read_trimmed(const fs::path& p) {
  auto s = try_read_file(p);
  if (!s) return std::nullopt;
  return trim(*s);
}

int32_t read_int(const fs::path& p) {
  auto s = read_trimmed(p);
  int32_t v = -1;
  if (!s || std::from_chars(s->data(), s->data() + s->size(), v).ec != std::errc()) return -1;
  return v;
}

std::optional<CpuList> read_list(const fs::path& p) {
  auto s = read_trimmed(p);
  if (!s) return std::nullopt;
  try {
    return parse_cpu_list(*s);
  } catch (const Error& e) {
    fail("{}: {}", p.string(), e.what());
  }
}

// The last-level cache is the highest-level cache that holds data (the
// kernel numbers index* arbitrarily; index3 is L3 only by convention).
void read_llc(const fs::path& cpu_dir, ObservedCpu& c) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cpu_dir / "cache", ec)) {
    if (e.path().filename().string().rfind("index", 0) != 0) continue;
    if (read_trimmed(e.path() / "type").value_or("") == "Instruction") continue;
    int32_t level = read_int(e.path() / "level");
    if (level <= 0 || static_cast<uint32_t>(level) <= c.llc_level) continue;
    if (auto l = read_list(e.path() / "shared_cpu_list")) {
      c.llc = *l;
      c.llc_level = static_cast<uint32_t>(level);
    }
  }
}

ObservedCpu read_cpu(const fs::path& cpu_root, uint32_t id) {
  fs::path dir = cpu_root / ("cpu" + std::to_string(id));
  ObservedCpu c;
  c.id = id;
  c.package = read_int(dir / "topology/physical_package_id");
  c.die = read_int(dir / "topology/die_id");
  c.core_id = read_int(dir / "topology/core_id");
  c.smt_siblings = read_list(dir / "topology/thread_siblings_list").value_or(CpuList{id});
  read_llc(dir, c);
  return c;
}

uint64_t read_mem_total_kb(const fs::path& meminfo) {
  // "Node 0 MemTotal:       470380 kB"
  std::istringstream in(try_read_file(meminfo).value_or(""));
  std::string line;
  while (std::getline(in, line)) {
    auto pos = line.find("MemTotal:");
    if (pos == std::string::npos) continue;
    return std::stoull(line.substr(pos + 9));
  }
  return 0;
}

std::vector<uint32_t> read_distances(const fs::path& p) {
  std::istringstream in(read_trimmed(p).value_or(""));
  std::vector<uint32_t> out;
  uint32_t d;
  while (in >> d) out.push_back(d);
  return out;
}

std::vector<ObservedNode> read_nodes(const fs::path& node_root) {
  static const std::regex name(R"(^node(\d+)$)");
  std::vector<ObservedNode> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(node_root, ec)) {
    std::smatch m;
    std::string fn = e.path().filename().string();
    if (!std::regex_match(fn, m, name)) continue;
    ObservedNode n;
    n.id = static_cast<uint32_t>(std::stoul(m[1].str()));
    n.cpus = read_list(e.path() / "cpulist").value_or(CpuList{});
    n.distances = read_distances(e.path() / "distance");
    n.memory_kb = read_mem_total_kb(e.path() / "meminfo");
    out.push_back(std::move(n));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

}  // namespace

const ObservedCpu* ObservedTopology::cpu(uint32_t id) const {
  for (const auto& c : cpus)
    if (c.id == id) return &c;
  return nullptr;
}

const ObservedNode* ObservedTopology::node(uint32_t id) const {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

ObservedTopology read_sysfs_topology(const fs::path& root) {
  fs::path cpu_root = root / "devices/system/cpu";
  ObservedTopology o;
  auto online = read_list(cpu_root / "online");
  if (!online) fail("cannot read {}: is sysfs mounted at {}?", (cpu_root / "online").string(), root.string());
  o.online = *online;
  o.possible = read_list(cpu_root / "possible").value_or(o.online);
  for (uint32_t id : o.online) o.cpus.push_back(read_cpu(cpu_root, id));

  o.nodes = read_nodes(root / "devices/system/node");
  if (o.nodes.empty()) {  // kernel without CONFIG_NUMA: everything is node 0
    ObservedNode n;
    n.cpus = o.online;
    n.distances = {kLocalDistance};
    o.nodes.push_back(std::move(n));
  }
  for (auto& c : o.cpus) {
    for (const auto& n : o.nodes)
      if (std::binary_search(n.cpus.begin(), n.cpus.end(), c.id)) c.node = static_cast<int32_t>(n.id);
    if (!c.llc.empty() && std::find(o.llcs.begin(), o.llcs.end(), c.llc) == o.llcs.end())
      o.llcs.push_back(c.llc);
  }
  std::sort(o.llcs.begin(), o.llcs.end());
  return o;
}

}  // namespace ktstr::topology
