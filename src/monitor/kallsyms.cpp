#include "monitor/kallsyms.hpp"

#include <sys/stat.h>

#include <array>
#include <cstring>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

#include "elf/elf_file.hpp"
#include "util/error.hpp"

namespace ktstr::monitor {
namespace {

constexpr uint64_t kMaxSyms = 1u << 24;  // seqs_of_names holds 24-bit indexes

uint32_t u32_at(std::span<const uint8_t> b, uint64_t off) {
  uint32_t v;
  std::memcpy(&v, b.data() + off, 4);
  return v;
}

uint64_t align4(uint64_t x) { return (x + 3) & ~uint64_t{3}; }

struct Tables {
  uint64_t token_table = 0;  // offsets into .rodata
  uint64_t token_index = 0;
  uint64_t offsets = 0;
  uint64_t markers = 0;
  uint64_t names = 0;
  uint32_t num_syms = 0;
  std::array<std::string, 256> tokens;
};

// Verifies a token table starting at `tt`; fills tokens and returns the
// offset of the token index that must follow it.
std::optional<uint64_t> check_token_table(std::span<const uint8_t> ro, uint64_t tt, Tables* t) {
  uint64_t p = tt;
  for (int i = 0; i < 256; ++i) {
    const void* nul = p < ro.size() ? std::memchr(ro.data() + p, 0, std::min<uint64_t>(ro.size() - p, 256)) : nullptr;
    if (!nul) return std::nullopt;
    uint64_t end = static_cast<const uint8_t*>(nul) - ro.data();
    t->tokens[i].assign(reinterpret_cast<const char*>(ro.data() + p), end - p);
    p = end + 1;
  }
  uint64_t ti = align4(p);
  if (ti + 512 > ro.size()) return std::nullopt;
  uint64_t expect = 0;
  for (int i = 0; i < 256; ++i) {
    uint16_t v;
    std::memcpy(&v, ro.data() + ti + 2 * i, 2);
    if (v != expect) return std::nullopt;
    expect += t->tokens[i].size() + 1;
  }
  return ti;
}

bool find_token_table(std::span<const uint8_t> ro, Tables* t) {
  static constexpr uint8_t kDigits[] = {'0', 0, '1', 0, '2', 0, '3', 0, '4', 0,
                                        '5', 0, '6', 0, '7', 0, '8', 0, '9', 0};
  const uint8_t* hay = ro.data();
  size_t pos = 0;
  while (pos + sizeof kDigits <= ro.size()) {
    auto* hit = static_cast<const uint8_t*>(::memmem(hay + pos, ro.size() - pos, kDigits, sizeof kDigits));
    if (!hit) return false;
    uint64_t h = hit - hay;
    pos = h + 1;
    // Strings 0x30.. start at the hit; count forward to the table end, read
    // the index there, and let index[0x30] tell where the table starts.
    uint64_t p = h;
    bool ok = true;
    for (int i = 0x30; i < 256 && ok; ++i) {
      const void* nul = std::memchr(hay + p, 0, std::min<uint64_t>(ro.size() - p, 256));
      if (!nul) ok = false;
      else p = static_cast<const uint8_t*>(nul) - hay + 1;
    }
    if (!ok || align4(p) + 512 > ro.size()) continue;
    uint16_t idx30;
    std::memcpy(&idx30, hay + align4(p) + 2 * 0x30, 2);
    if (idx30 > h) continue;
    uint64_t tt = h - idx30;
    if (tt % 4) continue;  // the label is .balign 4
    if (auto ti = check_token_table(ro, tt, t)) {
      t->token_table = tt;
      t->token_index = *ti;
      t->offsets = *ti + 512;
      return true;
    }
  }
  return false;
}

// Markers precede the token table: ascending u32s, the first being 0.
bool find_markers(std::span<const uint8_t> ro, Tables* t, std::vector<uint32_t>* markers) {
  if (t->token_table < 4) return false;
  uint64_t p = t->token_table - 4;
  std::vector<uint32_t> rev;
  uint32_t prev = UINT32_MAX;
  while (true) {
    uint32_t v = u32_at(ro, p);
    if (v >= prev) return false;
    rev.push_back(v);
    prev = v;
    if (v == 0) break;
    if (p < 4 || rev.size() > kMaxSyms / 256) return false;
    p -= 4;
  }
  markers->assign(rev.rbegin(), rev.rend());
  t->markers = p;
  return true;
}

// Walks `n` names from `start`; returns the end offset, or nullopt when a
// marker disagrees or the walk passes `limit`.
std::optional<uint64_t> walk_names(std::span<const uint8_t> ro, uint64_t start, uint32_t n,
                                   const std::vector<uint32_t>& markers, uint64_t limit) {
  uint64_t q = start;
  for (uint32_t k = 0; k < n; ++k) {
    if (k % 256 == 0 && q - start != markers[k / 256]) return std::nullopt;
    if (q + 2 > limit) return std::nullopt;
    uint32_t len = ro[q];
    if (len & 0x80) {
      len = (len & 0x7f) | (uint32_t{ro[q + 1]} << 7);
      q += 2;
    } else {
      q += 1;
    }
    q += len;
    if (q > limit) return std::nullopt;
  }
  return q;
}

// kallsyms_num_syms sits right before kallsyms_names, which ends (up to
// alignment) where the markers begin.
bool find_names(std::span<const uint8_t> ro, Tables* t, const std::vector<uint32_t>& markers) {
  uint64_t m = markers.size();
  uint64_t lo = (m - 1) * 256, hi = m * 256;
  uint64_t min_len = markers.back();
  if (t->markers < min_len + 8) return false;
  for (uint64_t s = (t->markers - min_len) & ~uint64_t{3}; s >= 4; s -= 4) {
    uint32_t n = u32_at(ro, s - 4);
    if (n > lo && n <= hi) {
      auto end = walk_names(ro, s, n, markers, t->markers);
      if (end && *end + 4 > t->markers) {
        t->names = s;
        t->num_syms = n;
        return true;
      }
    }
    if (t->markers - s > (64u << 20)) break;
  }
  return false;
}

std::string expand(std::span<const uint8_t> ro, uint64_t* q, const Tables& t) {
  uint32_t len = ro[*q];
  if (len & 0x80) {
    len = (len & 0x7f) | (uint32_t{ro[*q + 1]} << 7);
    *q += 2;
  } else {
    *q += 1;
  }
  std::string s;
  for (uint32_t i = 0; i < len; ++i) s += t.tokens[ro[*q + i]];
  *q += len;
  return s;
}

}  // namespace

void SymbolTable::add(std::string name, uint64_t addr, char type) {
  auto [it, fresh] = syms_.try_emplace(std::move(name), KernelSymbol{addr, type, 0});
  it->second.count++;
  (void)fresh;
}

const KernelSymbol* SymbolTable::find(std::string_view name) const {
  auto it = syms_.find(std::string(name));
  return it == syms_.end() ? nullptr : &it->second;
}

std::optional<uint64_t> SymbolTable::address(std::string_view name) const {
  const KernelSymbol* s = find(name);
  if (!s || s->count != 1) return std::nullopt;
  return s->addr;
}

uint64_t SymbolTable::require(std::string_view name) const {
  const KernelSymbol* s = find(name);
  if (!s) fail("kernel symbol '{}' not found in the image's kallsyms", name);
  if (s->count != 1) fail("kernel symbol '{}' is ambiguous ({} symbols share the name)", name, s->count);
  return s->addr;
}

SymbolTable SymbolTable::decode(const elf::ElfFile& elf) {
  const elf::Section* sec = elf.find(".rodata");
  if (!sec) fail("vmlinux has no .rodata section; cannot decode kallsyms");
  auto ro = elf.contents(*sec);
  Tables t;
  std::vector<uint32_t> markers;
  if (!find_token_table(ro, &t)) fail("kallsyms token table not found in .rodata (kernel without CONFIG_KALLSYMS?)");
  if (!find_markers(ro, &t, &markers)) fail("kallsyms markers not found before the token table (unsupported layout)");
  if (!find_names(ro, &t, markers)) fail("kallsyms names/num_syms not found (unsupported layout)");
  if (t.offsets + uint64_t{t.num_syms} * 4 > ro.size()) fail("kallsyms offsets run past .rodata");

  SymbolTable out;
  out.syms_.reserve(t.num_syms);
  uint64_t q = t.names;
  for (uint32_t i = 0; i < t.num_syms; ++i) {
    std::string s = expand(ro, &q, t);
    if (s.size() < 2) continue;
    int32_t rel;
    std::memcpy(&rel, ro.data() + t.offsets + 4 * i, 4);
    uint64_t entry = sec->addr + t.offsets + 4 * i;
    out.add(s.substr(1), entry + static_cast<uint64_t>(static_cast<int64_t>(rel)), s[0]);
  }
  // The tables must name themselves where we found them; anything else
  // means a different layout (e.g. pre-6.14 base-relative offsets).
  auto self = out.address("kallsyms_offsets");
  auto names = out.address("kallsyms_names");
  if (self != sec->addr + t.offsets || names != sec->addr + t.names)
    fail("decoded kallsyms do not describe themselves (unsupported kallsyms layout: only the 6.14+ "
         "PC-relative format is supported)");
  return out;
}

std::shared_ptr<const SymbolTable> SymbolTable::load(const std::filesystem::path& vmlinux) {
  static std::mutex mu;
  static std::map<std::tuple<std::string, off_t, int64_t>, std::shared_ptr<const SymbolTable>> cache;
  struct stat st {};
  if (::stat(vmlinux.c_str(), &st) != 0) fail_errno("stat " + vmlinux.string());
  auto key = std::make_tuple(std::filesystem::absolute(vmlinux).lexically_normal().string(), st.st_size,
                             int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec);
  std::lock_guard lock(mu);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  elf::ElfFile elf = elf::ElfFile::open(vmlinux);
  std::shared_ptr<const SymbolTable> p;
  try {
    p = std::make_shared<const SymbolTable>(decode(elf));
  } catch (const Error& e) {
    fail("{}: {}", vmlinux.string(), e.what());
  }
  cache[key] = p;
  return p;
}

}  // namespace ktstr::monitor
