#include "monitor/bpf_objects.hpp"

#include <cstring>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "util/error.hpp"

namespace ktstr::monitor {

struct BpfObjects::Layout {
  uint64_t map_idr = 0, prog_idr = 0;  // link-time
  uint64_t idr_rt = 0, idr_base = 0;
  XarrayLayout xa;
  // struct bpf_map
  uint64_t m_type = 0, m_key = 0, m_value = 0, m_max = 0, m_flags = 0, m_id = 0, m_btf = 0, m_btf_value = 0,
           m_name = 0, m_name_len = 16;
  // struct bpf_array
  uint64_t a_elem_size = 0, a_value = 0;
  // struct bpf_htab, struct bucket, struct htab_elem
  uint64_t h_buckets = 0, h_n_buckets = 0, bucket_size = 0, bucket_first = 0, elem_node = 0, node_next = 0,
           elem_key = 0;
  // struct btf
  uint64_t btf_data = 0, btf_size = 0;
  // struct bpf_prog, bpf_prog_aux, bpf_prog_stats
  uint64_t p_type = 0, p_len = 0, p_stats = 0, p_aux = 0;
  uint64_t aux_id = 0, aux_verified = 0, aux_name = 0;
  uint64_t st_cnt = 0, st_nsecs = 0;
  bool has_stats = false;
  std::string error;
};

namespace {

std::shared_ptr<const BpfObjects::Layout> resolve_layout(const KernelImage& img);

}  // namespace

void to_json(nlohmann::json& j, const BpfMapInfo& m) {
  j = {{"id", m.id},           {"name", m.name},         {"type", m.type_name}, {"key_size", m.key_size},
       {"value_size", m.value_size}, {"max_entries", m.max_entries}, {"flags", m.flags}};
}

void to_json(nlohmann::json& j, const BpfProgInfo& p) {
  j = {{"id", p.id},   {"name", p.name}, {"type", p.type_name}, {"verified_insns", p.verified_insns},
       {"xlated_insns", p.xlated_insns}, {"run_cnt", p.run_cnt}, {"run_time_ns", p.run_time_ns}};
}

BpfObjects::BpfObjects(const GuestKernel& k, unsigned cpus) : k_(k), cpus_(cpus) {
  l_ = resolve_layout(k.image());
}

Expected<Ok> BpfObjects::ready() const {
  if (!l_->error.empty()) return Unexpected{l_->error};
  if (!k_.attached()) return unexpected("guest kernel not attached yet");
  return Ok{};
}

namespace {

// Looked up once per kernel: BTF name lookups are linear scans.
std::shared_ptr<const BpfObjects::Layout> resolve_layout(const KernelImage& img) {
  static std::mutex mu;
  static std::map<const BtfTypes*, std::shared_ptr<const BpfObjects::Layout>> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(img.btf.get()); it != cache.end()) return it->second;
  auto l = std::make_shared<BpfObjects::Layout>();
  const BtfTypes& b = *img.btf;
  try {
    l->map_idr = img.symbols->require("map_idr");
    l->prog_idr = img.symbols->require("prog_idr");
    l->idr_rt = b.offset_of("idr.idr_rt");
    l->idr_base = b.offset_of("idr.idr_base");
    auto xa = XarrayLayout::resolve(b);
    if (!xa) fail("{}", xa.error());
    l->xa = *xa;
    l->m_type = b.offset_of("bpf_map.map_type");
    l->m_key = b.offset_of("bpf_map.key_size");
    l->m_value = b.offset_of("bpf_map.value_size");
    l->m_max = b.offset_of("bpf_map.max_entries");
    l->m_flags = b.offset_of("bpf_map.map_flags");
    l->m_id = b.offset_of("bpf_map.id");
    l->m_btf = b.offset_of("bpf_map.btf");
    l->m_btf_value = b.offset_of("bpf_map.btf_value_type_id");
    auto name = b.member("bpf_map.name");
    l->m_name = name.offset;
    l->m_name_len = name.size ? name.size : 16;
    l->a_elem_size = b.offset_of("bpf_array.elem_size");
    l->a_value = b.offset_of("bpf_array.value");
    l->h_buckets = b.offset_of("bpf_htab.buckets");
    l->h_n_buckets = b.offset_of("bpf_htab.n_buckets");
    l->bucket_size = b.size_of("bucket");
    l->bucket_first = b.offset_of("bucket.head") + b.offset_of("hlist_nulls_head.first");
    l->elem_node = b.offset_of("htab_elem.hash_node");
    l->node_next = b.offset_of("hlist_nulls_node.next");
    l->elem_key = b.offset_of("htab_elem.key");
    l->btf_data = b.offset_of("btf.data");
    l->btf_size = b.offset_of("btf.data_size");
    l->p_type = b.offset_of("bpf_prog.type");
    l->p_len = b.offset_of("bpf_prog.len");
    l->p_aux = b.offset_of("bpf_prog.aux");
    l->aux_id = b.offset_of("bpf_prog_aux.id");
    l->aux_verified = b.offset_of("bpf_prog_aux.verified_insns");
    l->aux_name = b.offset_of("bpf_prog_aux.name");
    if (auto st = b.try_member("bpf_prog.stats")) {
      auto cnt = b.try_member("bpf_prog_stats.cnt");
      auto ns = b.try_member("bpf_prog_stats.nsecs");
      if (cnt && ns) {
        l->p_stats = st->offset;
        l->st_cnt = cnt->offset;
        l->st_nsecs = ns->offset;
        l->has_stats = true;
      }
    }
  } catch (const Error& e) {
    l->error = std::string("BPF introspection unavailable: ") + e.what();
  }
  cache[img.btf.get()] = l;
  return l;
}

std::string cstr(const std::vector<uint8_t>& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), strnlen(reinterpret_cast<const char*>(b.data()), b.size()));
}

}  // namespace

Expected<std::vector<BpfMapInfo>> BpfObjects::maps() const {
  if (auto r = ready(); !r) return Unexpected{r.error()};
  const Layout& l = *l_;
  std::vector<BpfMapInfo> out;
  std::string err;
  uint64_t idr = l.map_idr + k_.kaslr_offset();
  auto base = k_.read<uint32_t>(idr + l.idr_base);
  auto r = xa_for_each(k_, l.xa, idr + l.idr_rt, [&](uint64_t index, uint64_t p) {
    BpfMapInfo m;
    m.addr = p;
    auto id = k_.read<uint32_t>(p + l.m_id);
    auto type = k_.read<uint32_t>(p + l.m_type);
    if (!id || !type) {
      err = !id ? id.error() : type.error();
      return true;  // skip an unreadable entry (being freed)
    }
    m.id = *id;
    (void)index;
    (void)base;
    m.type = *type;
    m.key_size = k_.read<uint32_t>(p + l.m_key).value_or(0);
    m.value_size = k_.read<uint32_t>(p + l.m_value).value_or(0);
    m.max_entries = k_.read<uint32_t>(p + l.m_max).value_or(0);
    m.flags = k_.read<uint32_t>(p + l.m_flags).value_or(0);
    m.btf = k_.read<uint64_t>(p + l.m_btf).value_or(0);
    m.btf_value_type_id = k_.read<uint32_t>(p + l.m_btf_value).value_or(0);
    if (auto n = k_.read_bytes(p + l.m_name, l.m_name_len)) m.name = cstr(*n);
    m.type_name = k_.btf().enum_name("bpf_map_type", m.type).value_or(std::to_string(m.type));
    out.push_back(std::move(m));
    return true;
  });
  if (!r) return Unexpected{r.error()};
  return out;
}

Expected<std::vector<BpfProgInfo>> BpfObjects::progs() const {
  if (auto r = ready(); !r) return Unexpected{r.error()};
  const Layout& l = *l_;
  std::vector<BpfProgInfo> out;
  uint64_t idr = l.prog_idr + k_.kaslr_offset();
  auto r = xa_for_each(k_, l.xa, idr + l.idr_rt, [&](uint64_t, uint64_t p) {
    BpfProgInfo pi;
    pi.addr = p;
    auto aux = k_.read<uint64_t>(p + l.p_aux);
    auto type = k_.read<uint32_t>(p + l.p_type);
    if (!aux || !type || !*aux) return true;
    auto id = k_.read<uint32_t>(*aux + l.aux_id);
    if (!id) return true;
    pi.id = *id;
    pi.type = *type;
    pi.type_name = k_.btf().enum_name("bpf_prog_type", pi.type).value_or(std::to_string(pi.type));
    pi.xlated_insns = k_.read<uint32_t>(p + l.p_len).value_or(0);
    pi.verified_insns = k_.read<uint32_t>(*aux + l.aux_verified).value_or(0);
    if (auto n = k_.read_bytes(*aux + l.aux_name, 16)) pi.name = cstr(*n);
    if (l.has_stats) {
      if (auto st = k_.read<uint64_t>(p + l.p_stats); st && *st) {
        for (unsigned cpu = 0; cpu < cpus_; ++cpu) {
          auto at = k_.per_cpu(*st, cpu);
          if (!at) break;
          pi.run_cnt += k_.read<uint64_t>(*at + l.st_cnt).value_or(0);
          pi.run_time_ns += k_.read<uint64_t>(*at + l.st_nsecs).value_or(0);
        }
      }
    }
    out.push_back(std::move(pi));
    return true;
  });
  if (!r) return Unexpected{r.error()};
  return out;
}

Expected<BpfMapInfo> BpfObjects::find_map(const std::string& name) const {
  auto all = maps();
  if (!all) return Unexpected{all.error()};
  std::vector<const BpfMapInfo*> exact, suffix;
  for (const auto& m : *all) {
    if (m.name == name) exact.push_back(&m);
    else if (m.name.size() > name.size() && m.name.compare(m.name.size() - name.size(), name.size(), name) == 0)
      suffix.push_back(&m);
  }
  const auto& pick = exact.empty() ? suffix : exact;
  if (pick.size() == 1) return *pick.front();
  std::string names;
  for (const auto& m : *all) names += (names.empty() ? "" : ", ") + m.name;
  if (pick.empty()) return unexpected("no BPF map named '{}' in the guest (maps: {})", name, names.empty() ? "none" : names);
  return unexpected("BPF map name '{}' is ambiguous (maps: {})", name, names);
}

Expected<uint64_t> BpfObjects::array_elem(const BpfMapInfo& m, uint32_t key, unsigned cpu) const {
  if (m.type != kMapArray && m.type != kMapPercpuArray)
    return unexpected("map '{}' is a {}, not an array", m.name, m.type_name);
  if (key >= m.max_entries) return unexpected("key {} is out of range for map '{}' ({} entries)", key, m.name, m.max_entries);
  auto elem = k_.read<uint32_t>(m.addr + l_->a_elem_size);
  if (!elem) return Unexpected{elem.error()};
  if (m.type == kMapArray) return m.addr + l_->a_value + uint64_t{key} * *elem;
  if (cpu >= cpus_) return unexpected("CPU {} does not exist", cpu);
  auto pptr = k_.read<uint64_t>(m.addr + l_->a_value + uint64_t{key} * 8);
  if (!pptr) return Unexpected{pptr.error()};
  return k_.per_cpu(*pptr, cpu);
}

Expected<std::vector<uint8_t>> BpfObjects::read_array(const BpfMapInfo& m, uint32_t key, unsigned cpu) const {
  auto at = array_elem(m, key, cpu);
  if (!at) return Unexpected{at.error()};
  return k_.read_bytes(*at, m.value_size);
}

Expected<Ok> BpfObjects::write_array(const BpfMapInfo& m, uint32_t key, uint64_t offset,
                                     const std::vector<uint8_t>& bytes, unsigned cpu) const {
  if (offset > m.value_size || bytes.size() > m.value_size - offset)
    return unexpected("write of {} bytes at offset {} overruns map '{}' values ({} bytes)", bytes.size(), offset,
                      m.name, m.value_size);
  auto at = array_elem(m, key, cpu);
  if (!at) return Unexpected{at.error()};
  // Scalars go in one store, as the BPF program's own loads expect.
  switch (bytes.size()) {
    case 1: return k_.write<uint8_t>(*at + offset, bytes[0]);
    case 2: { uint16_t v; std::memcpy(&v, bytes.data(), 2); if ((*at + offset) % 2 == 0) return k_.write(*at + offset, v); break; }
    case 4: { uint32_t v; std::memcpy(&v, bytes.data(), 4); if ((*at + offset) % 4 == 0) return k_.write(*at + offset, v); break; }
    case 8: { uint64_t v; std::memcpy(&v, bytes.data(), 8); if ((*at + offset) % 8 == 0) return k_.write(*at + offset, v); break; }
  }
  std::string err;
  if (!k_.space().write(*at + offset, bytes.data(), bytes.size(), &err)) return Unexpected{err};
  return Ok{};
}

Expected<std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>>> BpfObjects::read_hash(
    const BpfMapInfo& m, size_t limit) const {
  if (m.type != kMapHash && m.type != kMapPercpuHash && m.type != kMapLruHash && m.type != kMapLruPercpuHash)
    return unexpected("map '{}' is a {}, not a hash map", m.name, m.type_name);
  const Layout& l = *l_;
  auto buckets = k_.read<uint64_t>(m.addr + l.h_buckets);
  auto n = k_.read<uint32_t>(m.addr + l.h_n_buckets);
  if (!buckets || !n) return Unexpected{!buckets ? buckets.error() : n.error()};
  if (*n > (1u << 24)) return unexpected("hash map '{}' claims {} buckets", m.name, *n);
  const bool percpu = m.type == kMapPercpuHash || m.type == kMapLruPercpuHash;
  const uint64_t value_off = l.elem_key + ((m.key_size + 7) & ~7u);
  std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> out;
  uint64_t steps = 0;
  for (uint32_t b = 0; b < *n && out.size() < limit; ++b) {
    auto node = k_.read<uint64_t>(*buckets + uint64_t{b} * l.bucket_size + l.bucket_first);
    if (!node) return Unexpected{node.error()};
    // hlist_nulls: a pointer with bit 0 set ends the chain.
    for (uint64_t e = *node; !(e & 1) && e && out.size() < limit; ++steps) {
      if (steps > 4 * (uint64_t{m.max_entries} + *n)) return unexpected("hash map '{}': chain loops", m.name);
      uint64_t elem = e - l.elem_node;  // chains link &elem->hash_node
      auto key = k_.read_bytes(elem + l.elem_key, m.key_size);
      std::optional<std::vector<uint8_t>> value;
      if (percpu) {
        auto pptr = k_.read<uint64_t>(elem + value_off);
        if (pptr) {
          auto at = k_.per_cpu(*pptr, 0);
          if (at) {
            auto v = k_.read_bytes(*at, m.value_size);
            if (v) value = *v;
          }
        }
      } else if (auto v = k_.read_bytes(elem + value_off, m.value_size)) {
        value = *v;
      }
      if (key && value) out.emplace_back(*key, *value);
      auto next = k_.read<uint64_t>(e + l.node_next);
      if (!next) return Unexpected{next.error()};
      e = *next;
    }
  }
  return out;
}

Expected<std::shared_ptr<const BtfTypes>> BpfObjects::map_btf(const BpfMapInfo& m) const {
  if (!m.btf) return unexpected("map '{}' has no BTF", m.name);
  auto data = k_.read<uint64_t>(m.btf + l_->btf_data);
  auto size = k_.read<uint32_t>(m.btf + l_->btf_size);
  if (!data || !size) return Unexpected{!data ? data.error() : size.error()};
  auto bytes = k_.read_bytes(*data, *size);
  if (!bytes) return Unexpected{bytes.error()};
  try {
    return BtfTypes::from_raw(bytes->data(), bytes->size());
  } catch (const Error& e) {
    return unexpected("map '{}': {}", m.name, e.what());
  }
}

Expected<std::vector<BpfVar>> BpfObjects::datasec_vars(const BpfMapInfo& m) const {
  auto btf = map_btf(m);
  if (!btf) return Unexpected{btf.error()};
  std::vector<BpfVar> out;
  for (auto& v : (*btf)->datasec_vars(m.btf_value_type_id))
    out.push_back({v.name, (*btf)->type_name(v.type_id), v.offset, v.size, (*btf)->scalar(v.type_id)});
  if (out.empty()) return unexpected("map '{}' has no typed variables (its value is not a DATASEC)", m.name);
  return out;
}

Expected<BpfVar> BpfObjects::find_var(const BpfMapInfo& m, const std::string& var) const {
  auto vars = datasec_vars(m);
  if (!vars) return Unexpected{vars.error()};
  for (const auto& v : *vars)
    if (v.name == var) {
      if (!v.scalar || v.scalar->size != v.size || v.size > 8)
        return unexpected("{}.{} is a {}, not an integer", m.name, var, v.type);
      return v;
    }
  std::string names;
  for (const auto& v : *vars) names += (names.empty() ? "" : ", ") + v.name;
  return unexpected("map '{}' has no variable '{}' (it has: {})", m.name, var, names);
}

Expected<int64_t> BpfObjects::read_var(const BpfMapInfo& m, const std::string& var) const {
  auto v = find_var(m, var);
  if (!v) return Unexpected{v.error()};
  auto bytes = read_array(m, 0);
  if (!bytes) return Unexpected{bytes.error()};
  uint64_t raw = 0;
  std::memcpy(&raw, bytes->data() + v->offset, v->size);
  if (v->scalar->is_signed && v->size < 8 && (raw >> (v->size * 8 - 1)) & 1) raw |= ~uint64_t{0} << (v->size * 8);
  return static_cast<int64_t>(raw);
}

Expected<Ok> BpfObjects::write_var(const BpfMapInfo& m, const std::string& var, int64_t value) const {
  auto v = find_var(m, var);
  if (!v) return Unexpected{v.error()};
  if (v->size < 8) {
    int64_t lo = v->scalar->is_signed ? -(int64_t{1} << (v->size * 8 - 1)) : 0;
    int64_t hi = v->scalar->is_signed ? (int64_t{1} << (v->size * 8 - 1)) - 1 : (int64_t{1} << (v->size * 8)) - 1;
    if (value < lo || value > hi)
      return unexpected("{} does not fit {}.{} ({})", value, m.name, var, v->type);
  }
  std::vector<uint8_t> bytes(v->size);
  std::memcpy(bytes.data(), &value, v->size);
  return write_array(m, 0, v->offset, bytes);
}

}  // namespace ktstr::monitor
