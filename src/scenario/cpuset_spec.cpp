#include "scenario/cpuset_spec.hpp"

#include <cmath>

#include "scenario/spec_text.hpp"
#include "util/error.hpp"

namespace ktstr::scenario {
namespace {

using CpusetKind = CpusetSpec::Kind;

bool is_fraction(double f) { return f >= 0 && f <= 1; }

// ⌊n·f⌋ with slack for binary fractions: 0.29·100 must be 29, not 28.
size_t floor_frac(size_t n, double f) { return static_cast<size_t>(std::floor(static_cast<double>(n) * f + 1e-9)); }

CpuList slice(const CpuList& u, size_t begin, size_t end) {
  return CpuList(u.begin() + static_cast<std::ptrdiff_t>(begin), u.begin() + static_cast<std::ptrdiff_t>(end));
}

// [begin, end) of chunk i of `of` over n CPUs; the last chunk takes the rest.
std::pair<size_t, size_t> chunk_bounds(size_t n, uint32_t i, uint32_t of, size_t chunk) {
  return {i * chunk, i + 1 == of ? n : (i + 1) * chunk};
}

}  // namespace

CpusetSpec CpusetSpec::llc(uint32_t i) { return {.kind = CpusetKind::llc, .index = i}; }
CpusetSpec CpusetSpec::numa(uint32_t node) { return {.kind = CpusetKind::numa, .index = node}; }
CpusetSpec CpusetSpec::range(double lo, double hi) { return {.kind = CpusetKind::range, .lo = lo, .hi = hi}; }
CpusetSpec CpusetSpec::disjoint(uint32_t i, uint32_t of) { return {.kind = CpusetKind::disjoint, .index = i, .of = of}; }
CpusetSpec CpusetSpec::overlap(uint32_t i, uint32_t of, double widen) {
  return {.kind = CpusetKind::overlap, .index = i, .of = of, .widen = widen};
}
CpusetSpec CpusetSpec::exact(CpuList cpus) { return {.kind = CpusetKind::exact, .cpus = normalized(std::move(cpus))}; }

std::optional<std::string> CpusetSpec::check() const {
  const std::string me = to_string();
  switch (kind) {
    case CpusetKind::range:
      if (!is_fraction(lo) || !is_fraction(hi)) return fmt::format("{}: fractions must be within [0, 1]", me);
      if (lo > hi) return fmt::format("{}: start {} is after end {}", me, lo, hi);
      return std::nullopt;
    case CpusetKind::overlap:
      if (!is_fraction(widen)) return fmt::format("{}: widening fraction must be within [0, 1]", me);
      [[fallthrough]];
    case CpusetKind::disjoint:
      if (of == 0) return fmt::format("{}: cannot split into 0 parts", me);
      if (index >= of) return fmt::format("{}: part index {} must be below the part count {}", me, index, of);
      return std::nullopt;
    case CpusetKind::exact:
      if (cpus.empty()) return fmt::format("{}: empty CPU set", me);
      return std::nullopt;
    case CpusetKind::llc:
    case CpusetKind::numa: return std::nullopt;
  }
  return std::nullopt;
}

CpuList CpusetSpec::resolve(const CpuLayout& layout) const {
  if (auto err = check()) fail("cpuset {}", *err);
  const std::string me = to_string();
  const CpuList& u = layout.usable;
  const size_t n = u.size();
  CpuList out;
  switch (kind) {
    case CpusetKind::llc:
      if (index >= layout.llc_cpus.size())
        fail("cpuset {}: LLC index out of range, topology has {} LLC(s)", me, layout.llc_cpus.size());
      out = layout.llc_cpus[index];
      break;
    case CpusetKind::numa:
      if (index >= layout.node_cpus.size())
        fail("cpuset {}: node index out of range, topology has {} NUMA node(s)", me, layout.node_cpus.size());
      out = layout.node_cpus[index];
      break;
    case CpusetKind::range: out = slice(u, floor_frac(n, lo), floor_frac(n, hi)); break;
    case CpusetKind::disjoint:
    case CpusetKind::overlap: {
      const size_t chunk = n / of;
      if (chunk == 0) fail("cpuset {}: {} usable CPU(s) cannot be split into {} parts", me, n, of);
      auto [b, e] = chunk_bounds(n, index, of, chunk);
      if (kind == CpusetKind::overlap) {
        const size_t w = floor_frac(chunk, widen);
        b = b > w ? b - w : 0;
        e = std::min(n, e + w);
      }
      out = slice(u, b, e);
      break;
    }
    case CpusetKind::exact: {
      CpuList missing = cpu_difference(cpus, layout.all());
      if (!missing.empty())
        fail("cpuset {}: CPU(s) {} do not exist (topology has {})", me, format_cpu_list(missing),
             format_cpu_list(layout.all()));
      out = cpus;
      break;
    }
  }
  if (out.empty()) fail("cpuset {} resolves to no CPU on {} usable CPU(s)", me, n);
  return normalized(std::move(out));
}

std::string CpusetSpec::to_string() const {
  switch (kind) {
    case CpusetKind::llc: return fmt::format("llc({})", index);
    case CpusetKind::numa: return fmt::format("numa({})", index);
    case CpusetKind::range: return fmt::format("range({},{})", lo, hi);
    case CpusetKind::disjoint: return fmt::format("disjoint({},{})", index, of);
    case CpusetKind::overlap: return fmt::format("overlap({},{},{})", index, of, widen);
    case CpusetKind::exact: return fmt::format("exact({})", format_cpu_list(cpus));
  }
  return "?";
}

CpusetSpec CpusetSpec::parse(std::string_view text) {
  SpecText t = SpecText::parse(text, "cpuset");
  if (t.name == "exact") return exact(t.cpu_list());
  if (t.name == "llc") {
    t.arity(1);
    return llc(t.u32(0));
  }
  if (t.name == "numa") {
    t.arity(1);
    return numa(t.u32(0));
  }
  if (t.name == "range") {
    t.arity(2);
    return range(t.num(0), t.num(1));
  }
  if (t.name == "disjoint") {
    t.arity(2);
    return disjoint(t.u32(0), t.u32(1));
  }
  if (t.name == "overlap") {
    t.arity(3);
    return overlap(t.u32(0), t.u32(1), t.num(2));
  }
  fail("bad cpuset '{}': expected llc(i), numa(n), range(a,b), disjoint(i,of), overlap(i,of,f) or exact(cpus)", text);
}

}  // namespace ktstr::scenario
