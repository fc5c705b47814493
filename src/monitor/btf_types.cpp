#include "monitor/btf_types.hpp"

#include <bpf/btf.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <span>
#include <tuple>

#include "elf/elf_file.hpp"
#include "util/error.hpp"

namespace ktstr::monitor {
namespace fs = std::filesystem;

namespace {

struct CacheKey {
  std::string path;
  off_t size;
  int64_t mtime_ns;
  bool operator<(const CacheKey& o) const {
    return std::tie(path, size, mtime_ns) < std::tie(o.path, o.size, o.mtime_ns);
  }
};

std::string str(std::string_view s) { return std::string(s); }

// Nesting no real type gets near; bounds the walks below when a corrupt
// BTF makes a type contain or point to itself (libbpf's checks allow it).
constexpr int kMaxDepth = 32;

// Checks the header against the bytes it came with, so a truncated or
// scribbled-on BTF is named precisely (libbpf only says EINVAL).
void check_btf_header(std::span<const uint8_t> b) {
  if (b.size() < sizeof(btf_header)) fail("BTF is truncated ({} bytes, its header needs {})", b.size(), sizeof(btf_header));
  btf_header h;
  std::memcpy(&h, b.data(), sizeof h);
  if (h.magic != BTF_MAGIC) fail("bad BTF magic {:#06x} (expected {:#06x})", h.magic, BTF_MAGIC);
  if (h.version != BTF_VERSION) fail("unsupported BTF version {} (expected {})", h.version, BTF_VERSION);
  if (h.hdr_len < sizeof(btf_header) || h.hdr_len > b.size())
    fail("BTF header length {} does not fit the {}-byte BTF", h.hdr_len, b.size());
  uint64_t data = b.size() - h.hdr_len;
  if (uint64_t{h.type_off} + h.type_len > data)
    fail("BTF type section (offset {}, {} bytes) runs past the {} bytes of data (truncated?)", h.type_off, h.type_len, data);
  if (uint64_t{h.str_off} + h.str_len > data)
    fail("BTF string section (offset {}, {} bytes) runs past the {} bytes of data (truncated?)", h.str_off, h.str_len,
         data);
}

struct btf* parse_btf(std::span<const uint8_t> b) {
  check_btf_header(b);
  struct btf* p = btf__new(b.data(), static_cast<uint32_t>(b.size()));
  if (!p) fail("BTF types are corrupt ({} bytes): libbpf rejects them ({})", b.size(), std::strerror(errno));
  return p;
}

// Descends into `type_id` looking for `name`; anonymous struct/union members
// are searched recursively, as C name lookup does.
bool find_in(const struct btf* b, uint32_t type_id, std::string_view name, uint64_t base_bits,
             uint64_t* bits, uint32_t* member_type, bool* bitfield, int depth = 0) {
  const btf_type* t = btf__type_by_id(b, type_id);
  if (!t || !btf_is_composite(t) || depth > kMaxDepth) return false;
  const btf_member* m = btf_members(t);
  for (uint16_t i = 0; i < btf_vlen(t); ++i, ++m) {
    uint64_t off = base_bits + btf_member_bit_offset(t, i);
    const char* mname = btf__name_by_offset(b, m->name_off);
    if (mname && name == mname) {
      *bits = off;
      *member_type = m->type;
      *bitfield = btf_member_bitfield_size(t, i) != 0;
      return true;
    }
    if (!mname || !*mname) {
      int32_t inner = btf__resolve_type(b, m->type);
      if (inner > 0 && find_in(b, static_cast<uint32_t>(inner), name, off, bits, member_type, bitfield, depth + 1))
        return true;
    }
  }
  return false;
}

}  // namespace

std::shared_ptr<const BtfTypes> BtfTypes::load(const fs::path& vmlinux) {
  static std::mutex mu;
  static std::map<CacheKey, std::shared_ptr<const BtfTypes>> cache;
  struct stat st {};
  if (::stat(vmlinux.c_str(), &st) != 0) fail_errno("stat " + vmlinux.string());
  CacheKey key{fs::absolute(vmlinux).lexically_normal().string(), st.st_size,
               int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec};
  std::lock_guard lock(mu);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  // The one ELF reader finds .BTF; libbpf parses the types from its bytes.
  auto elf = elf::ElfFile::open(vmlinux);
  const elf::Section* sec = elf.find(".BTF");
  if (!sec)
    fail("cannot read BTF from {}: it has no .BTF section (the kernel needs CONFIG_DEBUG_INFO_BTF=y and an "
         "uncompressed vmlinux)",
         vmlinux.string());
  struct btf* b = nullptr;
  try {
    b = parse_btf(elf.contents(*sec));
  } catch (const Error& e) {
    fail("cannot read BTF from {}: {}", vmlinux.string(), e.what());
  }
  std::shared_ptr<const BtfTypes> p(new BtfTypes(b));
  cache[key] = p;
  return p;
}

std::shared_ptr<const BtfTypes> BtfTypes::from_raw(const void* data, size_t size) {
  std::span<const uint8_t> bytes(static_cast<const uint8_t*>(data), size);
  struct btf* b = nullptr;
  try {
    b = parse_btf(bytes);
  } catch (const Error& e) {
    fail("invalid raw BTF: {}", e.what());
  }
  return std::shared_ptr<const BtfTypes>(new BtfTypes(b));
}

BtfTypes::~BtfTypes() { btf__free(btf_); }

int32_t BtfTypes::find_composite(std::string_view name) const {
  std::string n = str(name);
  for (uint32_t kind : {uint32_t{BTF_KIND_STRUCT}, uint32_t{BTF_KIND_UNION}}) {
    int32_t id = btf__find_by_name_kind(btf_, n.c_str(), kind);
    if (id > 0) return id;
  }
  int32_t td = btf__find_by_name_kind(btf_, n.c_str(), BTF_KIND_TYPEDEF);
  if (td > 0) {
    int32_t r = btf__resolve_type(btf_, static_cast<uint32_t>(td));
    if (r > 0 && btf_is_composite(btf__type_by_id(btf_, static_cast<uint32_t>(r)))) return r;
  }
  return -1;
}

bool BtfTypes::has_type(std::string_view type_name) const { return find_composite(type_name) > 0; }

uint64_t BtfTypes::size_of(std::string_view type_name) const {
  int32_t id = find_composite(type_name);
  if (id <= 0) fail("kernel BTF has no struct or union named '{}'", type_name);
  return btf__type_by_id(btf_, static_cast<uint32_t>(id))->size;
}

std::optional<BtfMember> BtfTypes::try_member(std::string_view path) const {
  try {
    return member(path);
  } catch (const Error&) {
    return std::nullopt;
  }
}

BtfMember BtfTypes::member(std::string_view path) const {
  size_t dot = path.find('.');
  if (dot == std::string_view::npos || dot == 0)
    fail("BTF member path '{}' must be TYPE.MEMBER[.MEMBER...]", path);
  std::string_view type_name = path.substr(0, dot);
  int32_t id = find_composite(type_name);
  if (id <= 0) fail("kernel BTF has no struct or union named '{}' (looking up '{}')", type_name, path);
  uint32_t cur = static_cast<uint32_t>(id);
  uint64_t bits = 0;
  std::string_view rest = path.substr(dot + 1);
  std::string walked(type_name);
  while (true) {
    size_t next = rest.find('.');
    std::string_view name = rest.substr(0, next);
    if (name.empty()) fail("empty member name in BTF path '{}'", path);
    uint64_t off = 0;
    uint32_t mtype = 0;
    bool bitfield = false;
    if (!find_in(btf_, cur, name, 0, &off, &mtype, &bitfield))
      fail("kernel BTF: '{}' has no member '{}' (looking up '{}')", walked, name, path);
    if (bitfield || off % 8) fail("kernel BTF: '{}.{}' is a bitfield; only byte-aligned members are supported", walked, name);
    bits += off;
    walked += "." + str(name);
    int32_t resolved = btf__resolve_type(btf_, mtype);
    if (resolved <= 0) fail("kernel BTF: cannot resolve the type of '{}'", walked);
    if (next == std::string_view::npos) {
      BtfMember m;
      m.offset = bits / 8;
      m.type_id = static_cast<uint32_t>(resolved);
      int64_t sz = btf__resolve_size(btf_, static_cast<uint32_t>(resolved));
      m.size = sz > 0 ? static_cast<uint64_t>(sz) : 0;
      const btf_type* t = btf__type_by_id(btf_, m.type_id);
      if (btf_is_array(t)) m.array_len = btf_array(t)->nelems;
      return m;
    }
    cur = static_cast<uint32_t>(resolved);
    rest = rest.substr(next + 1);
  }
}

std::vector<std::pair<std::string, BtfMember>> BtfTypes::members(std::string_view type_name) const {
  std::vector<std::pair<std::string, BtfMember>> out;
  int32_t id = find_composite(type_name);
  if (id <= 0) return out;
  const btf_type* t = btf__type_by_id(btf_, static_cast<uint32_t>(id));
  const btf_member* m = btf_members(t);
  for (uint16_t i = 0; i < btf_vlen(t); ++i, ++m) {
    const char* name = btf__name_by_offset(btf_, m->name_off);
    uint32_t bits = btf_member_bit_offset(t, i);
    if (!name || !*name || btf_member_bitfield_size(t, i) || bits % 8) continue;
    int32_t resolved = btf__resolve_type(btf_, m->type);
    if (resolved <= 0) continue;
    BtfMember bm;
    bm.offset = bits / 8;
    bm.type_id = static_cast<uint32_t>(resolved);
    int64_t sz = btf__resolve_size(btf_, bm.type_id);
    bm.size = sz > 0 ? static_cast<uint64_t>(sz) : 0;
    const btf_type* mt = btf__type_by_id(btf_, bm.type_id);
    if (btf_is_array(mt)) bm.array_len = btf_array(mt)->nelems;
    out.emplace_back(name, bm);
  }
  return out;
}

// Every enumerator of `enum name` (ENUM or ENUM64) with its value.
std::vector<std::pair<std::string, int64_t>> BtfTypes::enumerators(std::string_view enum_name) const {
  std::vector<std::pair<std::string, int64_t>> out;
  std::string n = str(enum_name);
  for (uint32_t kind : {uint32_t{BTF_KIND_ENUM}, uint32_t{BTF_KIND_ENUM64}}) {
    int32_t id = btf__find_by_name_kind(btf_, n.c_str(), kind);
    if (id <= 0) continue;
    const btf_type* t = btf__type_by_id(btf_, static_cast<uint32_t>(id));
    for (uint16_t i = 0; i < btf_vlen(t); ++i) {
      if (btf_is_enum(t)) {
        const struct btf_enum* e = btf_enum(t) + i;
        out.emplace_back(btf__name_by_offset(btf_, e->name_off), e->val);
      } else {
        const struct btf_enum64* e = btf_enum64(t) + i;
        out.emplace_back(btf__name_by_offset(btf_, e->name_off), static_cast<int64_t>(btf_enum64_value(e)));
      }
    }
  }
  return out;
}

std::optional<int64_t> BtfTypes::enum_value(std::string_view enum_name, std::string_view enumerator) const {
  for (const auto& [name, value] : enumerators(enum_name))
    if (name == enumerator) return value;
  return std::nullopt;
}

std::optional<std::string> BtfTypes::enum_name(std::string_view enum_name, int64_t value) const {
  for (const auto& [name, v] : enumerators(enum_name))
    if (v == value) return name;
  return std::nullopt;
}

std::vector<BtfTypes::SecVar> BtfTypes::datasec_vars(uint32_t datasec_id) const {
  std::vector<SecVar> out;
  const btf_type* t = btf__type_by_id(btf_, datasec_id);
  if (!t || !btf_is_datasec(t)) return out;
  const btf_var_secinfo* vi = btf_var_secinfos(t);
  for (uint16_t i = 0; i < btf_vlen(t); ++i, ++vi) {
    const btf_type* v = btf__type_by_id(btf_, vi->type);
    if (!v || !btf_is_var(v)) continue;
    SecVar sv;
    sv.name = btf__name_by_offset(btf_, v->name_off);
    sv.offset = vi->offset;
    sv.size = vi->size;
    sv.type_id = v->type;
    out.push_back(std::move(sv));
  }
  return out;
}

std::optional<BtfTypes::Scalar> BtfTypes::scalar(uint32_t type_id) const {
  int32_t r = btf__resolve_type(btf_, type_id);
  if (r <= 0) return std::nullopt;
  const btf_type* t = btf__type_by_id(btf_, static_cast<uint32_t>(r));
  Scalar s;
  if (btf_is_int(t)) {
    uint8_t enc = btf_int_encoding(t);
    s.size = t->size;
    s.is_signed = enc & BTF_INT_SIGNED;
    s.is_bool = enc & BTF_INT_BOOL;
    s.is_char = enc & BTF_INT_CHAR;
    if (btf_int_offset(t) || btf_int_bits(t) != t->size * 8) return std::nullopt;
    return s;
  }
  if (btf_is_any_enum(t)) {
    s.size = t->size;
    s.is_signed = btf_kflag(t);
    return s;
  }
  return std::nullopt;
}

std::string BtfTypes::type_name(uint32_t type_id) const { return type_name_at(type_id, 0); }

std::string BtfTypes::type_name_at(uint32_t type_id, int depth) const {
  int32_t r = btf__resolve_type(btf_, type_id);
  if (r <= 0 || depth > kMaxDepth) return "?";
  const btf_type* t = btf__type_by_id(btf_, static_cast<uint32_t>(r));
  const char* n = btf__name_by_offset(btf_, t->name_off);
  std::string name = n ? n : "";
  if (btf_is_array(t)) {
    const struct btf_array* a = btf_array(t);
    return type_name_at(a->type, depth + 1) + "[" + std::to_string(a->nelems) + "]";
  }
  if (btf_is_ptr(t)) return type_name_at(t->type, depth + 1) + "*";
  if (btf_is_struct(t)) return "struct " + (name.empty() ? "<anon>" : name);
  if (btf_is_union(t)) return "union " + (name.empty() ? "<anon>" : name);
  if (btf_is_any_enum(t)) return "enum " + (name.empty() ? "<anon>" : name);
  // Keep the typedef name the program used (u64, s32) where there is one.
  const btf_type* orig = btf__type_by_id(btf_, type_id);
  for (int i = 0; orig && i < kMaxDepth && (btf_is_const(orig) || btf_is_volatile(orig) || btf_is_restrict(orig)); ++i)
    orig = btf__type_by_id(btf_, orig->type);
  if (orig && btf_is_typedef(orig)) return btf__name_by_offset(btf_, orig->name_off);
  return name.empty() ? "?" : name;
}

std::optional<BtfTypes::Var> BtfTypes::var(std::string_view name) const {
  std::string n = str(name);
  int32_t id = btf__find_by_name_kind(btf_, n.c_str(), BTF_KIND_VAR);
  if (id <= 0) return std::nullopt;
  const btf_type* v = btf__type_by_id(btf_, static_cast<uint32_t>(id));
  int32_t tid = btf__resolve_type(btf_, v->type);
  if (tid <= 0) return std::nullopt;
  Var out;
  int64_t sz = btf__resolve_size(btf_, static_cast<uint32_t>(tid));
  out.size = sz > 0 ? static_cast<uint64_t>(sz) : 0;
  const btf_type* t = btf__type_by_id(btf_, static_cast<uint32_t>(tid));
  if (btf_is_array(t)) {
    out.array_len = btf_array(t)->nelems;
    int64_t es = btf__resolve_size(btf_, btf_array(t)->type);
    out.elem_size = es > 0 ? static_cast<uint64_t>(es) : 0;
  }
  return out;
}

}  // namespace ktstr::monitor
