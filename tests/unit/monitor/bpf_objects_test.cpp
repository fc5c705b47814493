// BPF maps and programs found in a synthetic guest memory image: the
// kernel's structs laid out with the real kernel's BTF (from ktstr's kernel
// discovery), the map's own BTF a blob built here with libbpf's writer, so
// the .bss variable lookup, typed reads/writes and the IDR/XArray walk are
// all exercised end to end without a VM.
#include "monitor/bpf_objects.hpp"

#include <bpf/btf.h>
#include <gtest/gtest.h>

#include "fake_guest.hpp"

#include <cstring>

#include "monitor/bpf_write.hpp"
#include "real_kernel.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::monitor;
using ktstr::monitor::test::kDirect;
using ktstr::monitor::test::kImageVa;

namespace {


// A .bss like the fixture's: u64 host_poke at 0, int counter at 8, char name[8] at 12.
std::vector<uint8_t> bss_btf(uint32_t* datasec_id) {
  struct btf* b = btf__new_empty();
  int u64 = btf__add_int(b, "unsigned long long", 8, 0);
  int td = btf__add_typedef(b, "u64", u64);
  int vol = btf__add_volatile(b, td);
  int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
  int ch = btf__add_int(b, "char", 1, BTF_INT_CHAR | BTF_INT_SIGNED);
  int arr = btf__add_array(b, i32, ch, 8);
  int v1 = btf__add_var(b, "host_poke", BTF_VAR_GLOBAL_ALLOCATED, vol);
  int v2 = btf__add_var(b, "counter", BTF_VAR_GLOBAL_ALLOCATED, i32);
  int v3 = btf__add_var(b, "name", BTF_VAR_GLOBAL_ALLOCATED, arr);
  int sec = btf__add_datasec(b, ".bss", 24);
  btf__add_datasec_var_info(b, v1, 0, 8);
  btf__add_datasec_var_info(b, v2, 8, 4);
  btf__add_datasec_var_info(b, v3, 12, 8);
  *datasec_id = static_cast<uint32_t>(sec);
  uint32_t size = 0;
  const void* raw = btf__raw_data(b, &size);
  std::vector<uint8_t> out(static_cast<const uint8_t*>(raw), static_cast<const uint8_t*>(raw) + size);
  btf__free(b);
  return out;
}

struct FakeBpf {
  BufferPhysMemory mem{32ull << 20};
  std::shared_ptr<KernelImage> img = std::make_shared<KernelImage>();
  std::shared_ptr<SymbolTable> syms = std::make_shared<SymbolTable>();
  const BtfTypes* b = nullptr;
  static constexpr uint64_t kMapPa = 0x200000, kBtfPa = 0x210000, kBlobPa = 0x220000, kNodePa = 0x230000,
                            kProgPa = 0x240000, kAuxPa = 0x250000, kStatsPa = 0x260000, kPNodePa = 0x270000;
  uint64_t value_pa = 0;

  template <typename T>
  void put(uint64_t pa, T v) { std::memcpy(mem.bytes().data() + pa, &v, sizeof v); }
  template <typename T>
  T get(uint64_t pa) {
    T v;
    std::memcpy(&v, mem.bytes().data() + pa, sizeof v);
    return v;
  }
  uint64_t sym(const char* name, uint64_t off) {
    syms->add(name, kImageVa + off, 'D');
    return 0x1000000 + off;
  }
  uint64_t off(const char* p) { return b->offset_of(p); }

  explicit FakeBpf(const std::filesystem::path& vmlinux) {
    img->btf = BtfTypes::load(vmlinux);
    b = img->btf.get();
    img->hz = 250;
    img->banner = "Linux version fake-bpf";
    std::memcpy(mem.bytes().data() + sym("linux_banner", 0), img->banner.c_str(), img->banner.size() + 1);
    sym("phys_base", 0x100);
    put(sym("page_offset_base", 0x108), kDirect);
    uint64_t pco = sym("__per_cpu_offset", 0x200);
    uint64_t map_idr = sym("map_idr", 0x1000);
    uint64_t prog_idr = sym("prog_idr", 0x2000);
    img->symbols = syms;

    // map_idr: one node (shift 0) holding map id 1 in slot 1.
    put<uint64_t>(map_idr + off("idr.idr_rt") + off("xarray.xa_head"), kDirect + kNodePa + 2);
    put<uint64_t>(kNodePa + off("xa_node.slots") + 1 * 8, kDirect + kMapPa);
    // The map: a 1-entry array whose value is the .bss.
    uint32_t sec = 0;
    auto blob = bss_btf(&sec);
    std::memcpy(mem.bytes().data() + kBlobPa, blob.data(), blob.size());
    put<uint64_t>(kBtfPa + off("btf.data"), kDirect + kBlobPa);
    put<uint32_t>(kBtfPa + off("btf.data_size"), static_cast<uint32_t>(blob.size()));
    put<uint32_t>(kMapPa + off("bpf_map.map_type"), kMapArray);
    put<uint32_t>(kMapPa + off("bpf_map.key_size"), 4);
    put<uint32_t>(kMapPa + off("bpf_map.value_size"), 24);
    put<uint32_t>(kMapPa + off("bpf_map.max_entries"), 1);
    put<uint32_t>(kMapPa + off("bpf_map.id"), 1);
    put<uint64_t>(kMapPa + off("bpf_map.btf"), kDirect + kBtfPa);
    put<uint32_t>(kMapPa + off("bpf_map.btf_value_type_id"), sec);
    std::memcpy(mem.bytes().data() + kMapPa + off("bpf_map.name"), "fixture.bss", 12);
    put<uint32_t>(kMapPa + off("bpf_array.elem_size"), 24);
    value_pa = kMapPa + off("bpf_array.value");
    put<int32_t>(value_pa + 8, -7);

    // prog_idr: program id 5 with stats on 2 CPUs.
    put<uint64_t>(prog_idr + off("idr.idr_rt") + off("xarray.xa_head"), kDirect + kPNodePa + 2);
    put<uint64_t>(kPNodePa + off("xa_node.slots") + 5 * 8, kDirect + kProgPa);
    put<uint32_t>(kProgPa + off("bpf_prog.type"), kProgStructOps);
    put<uint32_t>(kProgPa + off("bpf_prog.len"), 321);
    put<uint64_t>(kProgPa + off("bpf_prog.aux"), kDirect + kAuxPa);
    put<uint32_t>(kAuxPa + off("bpf_prog_aux.id"), 5);
    put<uint32_t>(kAuxPa + off("bpf_prog_aux.verified_insns"), 1234);
    std::memcpy(mem.bytes().data() + kAuxPa + off("bpf_prog_aux.name"), "fixture_enqueue", 16);
    // stats: a per-CPU pointer S; CPU c's copy at S + __per_cpu_offset[c].
    uint64_t S = kDirect + kStatsPa;
    put<uint64_t>(kProgPa + off("bpf_prog.stats"), S);
    put<uint64_t>(pco + 0, 0);
    put<uint64_t>(pco + 8, 0x1000);
    for (uint64_t c = 0; c < 2; ++c) {
      put<uint64_t>(kStatsPa + c * 0x1000 + off("bpf_prog_stats.cnt"), 100 + c);
      put<uint64_t>(kStatsPa + c * 0x1000 + off("bpf_prog_stats.nsecs"), 5000);
    }
  }
};

}  // namespace

TEST(BpfObjects, EnumeratesMapsAndProgramsThroughTheIdrs) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  FakeBpf f(vmlinux);
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  BpfObjects o(k, 2);
  ASSERT_TRUE(o.ready().ok()) << o.ready().error();
  auto maps = o.maps();
  ASSERT_TRUE(maps.ok()) << maps.error();
  ASSERT_EQ(maps->size(), 1u);
  EXPECT_EQ((*maps)[0].name, "fixture.bss");
  EXPECT_EQ((*maps)[0].type_name, "BPF_MAP_TYPE_ARRAY");
  EXPECT_EQ((*maps)[0].id, 1u);
  auto progs = o.progs();
  ASSERT_TRUE(progs.ok()) << progs.error();
  ASSERT_EQ(progs->size(), 1u);
  EXPECT_EQ((*progs)[0].id, 5u);
  EXPECT_EQ((*progs)[0].name, "fixture_enqueue");
  EXPECT_EQ((*progs)[0].type_name, "BPF_PROG_TYPE_STRUCT_OPS");
  EXPECT_EQ((*progs)[0].verified_insns, 1234u);
  EXPECT_EQ((*progs)[0].xlated_insns, 321u);
  EXPECT_EQ((*progs)[0].run_cnt, 201u);
  EXPECT_EQ((*progs)[0].run_time_ns, 10000u);
}

TEST(BpfObjects, TypedBssReadsAndWritesThroughTheMapsBtf) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  FakeBpf f(vmlinux);
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  BpfObjects o(k, 2);
  auto m = o.find_map(".bss");  // by suffix
  ASSERT_TRUE(m.ok()) << m.error();
  auto vars = o.datasec_vars(*m);
  ASSERT_TRUE(vars.ok()) << vars.error();
  ASSERT_EQ(vars->size(), 3u);
  EXPECT_EQ((*vars)[0].name, "host_poke");
  EXPECT_EQ((*vars)[0].type, "u64");
  EXPECT_EQ((*vars)[2].type, "char[8]");
  EXPECT_EQ(*o.read_var(*m, "counter"), -7);  // sign-extended
  ASSERT_TRUE(o.write_var(*m, "host_poke", 42).ok());
  EXPECT_EQ(f.get<uint64_t>(f.value_pa), 42u);
  EXPECT_EQ(*o.read_var(*m, "host_poke"), 42);
  ASSERT_TRUE(o.write_var(*m, "counter", -1).ok());
  EXPECT_EQ(f.get<int32_t>(f.value_pa + 8), -1);
  EXPECT_EQ(f.get<uint64_t>(f.value_pa), 42u) << "neighbours untouched";
}

TEST(BpfObjects, BadRequestsAreErrorsThatSayWhy) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  FakeBpf f(vmlinux);
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  BpfObjects o(k, 2);
  auto none = o.find_map("nosuch.data");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().find("no BPF map named 'nosuch.data'"), std::string::npos) << none.error();
  EXPECT_NE(none.error().find("fixture.bss"), std::string::npos) << "lists what exists";
  auto m = o.find_map("fixture.bss");
  ASSERT_TRUE(m.ok());
  auto nv = o.write_var(*m, "nosuch", 1);
  ASSERT_FALSE(nv.ok());
  EXPECT_NE(nv.error().find("has no variable 'nosuch' (it has: host_poke, counter, name)"), std::string::npos)
      << nv.error();
  auto big = o.write_var(*m, "counter", int64_t{1} << 40);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().find("does not fit"), std::string::npos);
  auto arr = o.write_var(*m, "name", 1);
  ASSERT_FALSE(arr.ok());
  EXPECT_NE(arr.error().find("not an integer"), std::string::npos);
  EXPECT_FALSE(o.read_array(*m, 1).ok());  // key out of range
  EXPECT_FALSE(o.read_hash(*m).ok());      // not a hash map
  // A garbage BTF pointer: an error, not a crash.
  f.put<uint64_t>(FakeBpf::kBtfPa + f.off("btf.data"), 0xdead000000000000ull);
  EXPECT_FALSE(o.datasec_vars(*m).ok());
}

TEST(BpfObjects, XarrayWalkFollowsNodesAndRejectsLoops) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  FakeBpf f(vmlinux);
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  auto l = XarrayLayout::resolve(*f.img->btf);
  ASSERT_TRUE(l.ok());
  // Two levels: root (shift 6) -> slot 1 -> leaf (shift 0) with entries 3, 9.
  const uint64_t xa = 0x300000, root = 0x301000, leaf = 0x302000;
  f.put<uint64_t>(xa + l->xa_head, kDirect + root + 2);
  f.put<uint8_t>(root + l->node_shift, 6);
  f.put<uint64_t>(root + l->node_slots + 8, kDirect + leaf + 2);
  f.put<uint8_t>(leaf + l->node_shift, 0);
  f.put<uint64_t>(leaf + l->node_slots + 3 * 8, 0xffff888000aaa000ull);
  f.put<uint64_t>(leaf + l->node_slots + 9 * 8, 0xffff888000bbb000ull);
  f.put<uint64_t>(leaf + l->node_slots + 10 * 8, 0x11);  // a value entry: skipped
  std::vector<std::pair<uint64_t, uint64_t>> seen;
  auto r = xa_for_each(k, *l, kDirect + xa, [&](uint64_t i, uint64_t e) {
    seen.emplace_back(i, e);
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, 64u + 3);
  EXPECT_EQ(seen[1].first, 64u + 9);
  // A leaf claiming the root's shift (a loop back to itself) is refused.
  f.put<uint8_t>(leaf + l->node_shift, 6);
  f.put<uint64_t>(leaf + l->node_slots, kDirect + leaf + 2);
  auto bad = xa_for_each(k, *l, kDirect + xa, [](uint64_t, uint64_t) { return true; });
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("impossible shift"), std::string::npos) << bad.error();
}

TEST(BpfWriteSpec, ParsesAndRejectsWithTheSyntax) {
  auto s = BpfWriteSpec::parse(".bss:host_poke=42@2.5");
  EXPECT_EQ(s.map, ".bss");
  EXPECT_EQ(s.var, "host_poke");
  EXPECT_EQ(s.value, 42);
  EXPECT_DOUBLE_EQ(s.delay_s, 2.5);
  EXPECT_EQ(BpfWriteSpec::parse("fixture.bss:x=0x10").value, 16);
  EXPECT_DOUBLE_EQ(BpfWriteSpec::parse("m:x=-3").delay_s, 1.0);
  for (const char* bad : {"host_poke=1", ":x=1", "m:=1", "m:x=", "m:x=abc", "m:x=1@-1", "m:x=1@soon"}) {
    EXPECT_KTSTR_ERROR(BpfWriteSpec::parse(bad), "expected MAP:VAR=VALUE[@SECONDS]");
  }
}

TEST(BpfObjects, PerCpuArraysAndHashMapsAreRead) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  FakeBpf f(vmlinux);
  GuestKernel k(f.img, f.mem);
  ASSERT_TRUE(k.attach().ok());
  BpfObjects o(k, 2);
  // A per-CPU array of 2 u64s: element 1's per-CPU pointer P, CPU c's copy
  // at P + __per_cpu_offset[c] (0 and 0x1000, see FakeBpf).
  const uint64_t pa = 0x280000, data = 0x290000;
  BpfMapInfo pc;
  pc.addr = kDirect + pa;
  pc.type = kMapPercpuArray;
  pc.name = "counters";
  pc.value_size = 8;
  pc.max_entries = 2;
  f.put<uint32_t>(pa + f.off("bpf_array.elem_size"), 8);
  f.put<uint64_t>(pa + f.off("bpf_array.value") + 1 * 8, kDirect + data);
  f.put<uint64_t>(data, 11);
  f.put<uint64_t>(data + 0x1000, 22);
  uint64_t v0 = 0, v1 = 0;
  auto r0 = o.read_array(pc, 1, 0), r1 = o.read_array(pc, 1, 1);
  ASSERT_TRUE(r0.ok() && r1.ok());
  std::memcpy(&v0, r0->data(), 8);
  std::memcpy(&v1, r1->data(), 8);
  EXPECT_EQ(v0, 11u);
  EXPECT_EQ(v1, 22u);
  EXPECT_FALSE(o.read_array(pc, 1, 2).ok()) << "CPU 2 does not exist";
  ASSERT_TRUE(o.write_array(pc, 1, 0, {7, 0, 0, 0, 0, 0, 0, 0}, 1).ok());
  EXPECT_EQ(f.get<uint64_t>(data + 0x1000), 7u);

  // A hash map with 2 buckets: bucket 0 chains two elements, bucket 1 is
  // empty (its nulls marker has bit 0 set).
  const uint64_t h = 0x2a0000, buckets = 0x2b0000, e1 = 0x2c0000, e2 = 0x2c1000;
  BpfMapInfo hm;
  hm.addr = kDirect + h;
  hm.type = kMapHash;
  hm.name = "pids";
  hm.key_size = 4;
  hm.value_size = 8;
  hm.max_entries = 16;
  f.put<uint64_t>(h + f.off("bpf_htab.buckets"), kDirect + buckets);
  f.put<uint32_t>(h + f.off("bpf_htab.n_buckets"), 2);
  uint64_t bsz = f.b->size_of("bucket");
  uint64_t first = f.off("bucket.head") + f.off("hlist_nulls_head.first");
  uint64_t node = f.off("htab_elem.hash_node"), next = f.off("hlist_nulls_node.next");
  uint64_t key = f.off("htab_elem.key");
  f.put<uint64_t>(buckets + first, kDirect + e1 + node);
  f.put<uint64_t>(buckets + bsz + first, 1 | (1 << 1));  // nulls marker
  f.put<uint64_t>(e1 + node + next, kDirect + e2 + node);
  f.put<uint64_t>(e2 + node + next, 1);                  // end of chain
  f.put<uint32_t>(e1 + key, 100);
  f.put<uint64_t>(e1 + key + 8, 1000);  // value after the key rounded to 8
  f.put<uint32_t>(e2 + key, 200);
  f.put<uint64_t>(e2 + key + 8, 2000);
  auto entries = o.read_hash(hm);
  ASSERT_TRUE(entries.ok()) << entries.error();
  ASSERT_EQ(entries->size(), 2u);
  uint32_t k0;
  uint64_t val1;
  std::memcpy(&k0, (*entries)[0].first.data(), 4);
  std::memcpy(&val1, (*entries)[1].second.data(), 8);
  EXPECT_EQ(k0, 100u);
  EXPECT_EQ(val1, 2000u);
  // A chain that loops back on itself ends with an error, not a hang.
  f.put<uint64_t>(e2 + node + next, kDirect + e1 + node);
  auto loop = o.read_hash(hm, 1u << 20);
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.error().find("chain loops"), std::string::npos) << loop.error();
}
