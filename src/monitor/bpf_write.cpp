#include "monitor/bpf_write.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "util/error.hpp"
#include "util/log.hpp"

namespace ktstr::monitor {
namespace {

// Snapshots of the program list: often enough to catch a scheduler that
// lives a few seconds, rarely enough to cost nothing.
constexpr double kSnapshotEvery = 0.5;
constexpr int kMaxAttempts = 20;

}  // namespace

BpfWriteSpec BpfWriteSpec::parse(const std::string& text) {
  auto bad = [&](const char* why) {
    fail("--bpf-write '{}': {}; expected MAP:VAR=VALUE[@SECONDS], e.g. .bss:host_poke=42@1.5", text, why);
  };
  BpfWriteSpec s;
  s.text = text;
  size_t colon = text.find(':');
  size_t eq = text.find('=', colon == std::string::npos ? 0 : colon);
  if (colon == std::string::npos || colon == 0) bad("no MAP: part");
  if (eq == std::string::npos || eq == colon + 1) bad("no VAR= part");
  s.map = text.substr(0, colon);
  s.var = text.substr(colon + 1, eq - colon - 1);
  std::string rest = text.substr(eq + 1);
  size_t at = rest.find('@');
  std::string value = rest.substr(0, at);
  if (value.empty()) bad("no VALUE");
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(value.c_str(), &end, 0);
  if (errno || *end) bad("VALUE is not an integer");
  s.value = v;
  if (at != std::string::npos) {
    std::string d = rest.substr(at + 1);
    errno = 0;
    double secs = std::strtod(d.c_str(), &end);
    if (d.empty() || errno || *end || secs < 0 || secs > 3600) bad("SECONDS must be a number in 0..3600");
    s.delay_s = secs;
  }
  return s;
}

void BpfWriter::tick(const GuestKernel& k, double t) {
  if (!init_) {
    for (auto& s : specs_) pending_.push_back({s});
    init_ = true;
  }
  bool work = false;
  for (const auto& p : pending_) work |= !p.finished;
  bool snapshot = t - last_snapshot_ >= kSnapshotEvery;
  if (!work && !snapshot) return;
  BpfObjects objs(k, cpus_);
  if (auto r = objs.ready(); !r) {
    if (error_.empty()) log::debug("bpf: {}", r.error());
    error_ = r.error();
    return;
  }
  if (snapshot) {
    last_snapshot_ = t;
    // Keep the last non-empty view: after the scheduler unloads, the
    // lists are empty and say nothing about it.
    auto progs = objs.progs();
    if (progs && !progs->empty()) progs_ = *progs;
    auto maps = objs.maps();
    if (maps && !maps->empty()) {
      maps_ = *maps;
      read_vars(objs);
    }
  }
  for (auto& p : pending_) {
    if (p.finished) continue;
    auto m = objs.find_map(p.spec.map);
    if (!m) {
      // Not loaded yet: wait (the error is reported if it never comes).
      if (m.error().find("ambiguous") != std::string::npos) {
        p.finished = true;
        done_.push_back({p.spec.text, t, false, m.error()});
      }
      continue;
    }
    if (!p.seen) p.seen = t;
    if (t - *p.seen < p.spec.delay_s) continue;
    auto before = objs.read_var(*m, p.spec.var);
    auto w = before ? objs.write_var(*m, p.spec.var, p.spec.value) : Expected<Ok>(Unexpected{before.error()});
    if (!w && ++p.attempts < kMaxAttempts && w.error().find("no variable") == std::string::npos &&
        w.error().find("does not fit") == std::string::npos && w.error().find("not an integer") == std::string::npos)
      continue;  // transient (map being set up); retry next tick
    p.finished = true;
    auto after = w ? objs.read_var(*m, p.spec.var) : Expected<int64_t>(Unexpected{w.error()});
    done_.push_back({p.spec.text, t, w.ok(),
                     w ? fmt::format("{}:{} {} -> {} (read back {})", m->name, p.spec.var, *before, p.spec.value,
                                     after ? std::to_string(*after) : after.error())
                       : w.error()});
    log::debug("bpf write {}: {}", p.spec.text, done_.back().detail);
  }
}

void BpfWriter::read_vars(const BpfObjects& objs) {
  for (const auto& m : maps_) {
    bool datasec = m.type == kMapArray && m.max_entries == 1 && m.btf && m.value_size <= (1u << 20) &&
                   (m.name.ends_with(".bss") || m.name.ends_with(".data") || m.name.ends_with(".rodata"));
    if (!datasec) continue;
    auto it = var_layouts_.find(m.id);
    if (it == var_layouts_.end()) {
      auto vars = objs.datasec_vars(m);
      it = var_layouts_.emplace(m.id, vars ? *vars : std::vector<BpfVar>{}).first;
    }
    if (it->second.empty()) continue;
    auto bytes = objs.read_array(m, 0);
    if (!bytes) continue;
    nlohmann::json vals = nlohmann::json::object();
    for (const auto& v : it->second) {
      if (!v.scalar || v.scalar->size != v.size || v.size > 8 || v.offset + v.size > bytes->size()) continue;
      uint64_t raw = 0;
      std::memcpy(&raw, bytes->data() + v.offset, v.size);
      if (v.scalar->is_bool) vals[v.name] = raw != 0;
      else if (v.scalar->is_signed && v.size < 8 && (raw >> (v.size * 8 - 1)) & 1)
        vals[v.name] = static_cast<int64_t>(raw | (~uint64_t{0} << (v.size * 8)));
      else if (v.scalar->is_signed) vals[v.name] = static_cast<int64_t>(raw);
      else vals[v.name] = raw;
    }
    vars_[m.name] = vals;
  }
}

std::vector<BpfWriter::Done> BpfWriter::outcome() const {
  std::vector<Done> out = done_;
  for (const auto& p : pending_)
    if (!p.finished)
      out.push_back({p.spec.text, 0, false,
                     p.seen ? "not applied before the run ended (the scheduler went away first)"
                            : fmt::format("map '{}' never appeared in the guest", p.spec.map)});
  // Specs never even looked at: the guest kernel was never attached.
  if (!init_)
    for (const auto& s : specs_) out.push_back({s.text, 0, false, "the guest kernel was never found in RAM"});
  return out;
}

nlohmann::json BpfWriter::to_json() const {
  nlohmann::json j{{"programs", progs_}, {"maps", maps_}, {"variables", vars_}};
  nlohmann::json w = nlohmann::json::array();
  for (const auto& d : outcome()) w.push_back({{"spec", d.spec}, {"t", d.t}, {"ok", d.ok}, {"detail", d.detail}});
  j["writes"] = w;
  if (!error_.empty() && progs_.empty()) j["error"] = error_;
  return j;
}

}  // namespace ktstr::monitor
