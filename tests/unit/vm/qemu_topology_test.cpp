// Topology -> QEMU options, and the guest RAM layout measured from e820.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "topology/parse.hpp"
#include "util/error.hpp"
#include "vm/qemu/qemu_cmdline.hpp"
#include "vm/layout.hpp"
#include "vm/qemu/qemu_topology.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::vm::qemu;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using topology::parse_topology;

namespace {
using vm::layout::kGiB;
using vm::layout::kMiB;
}

TEST(QemuTopology, SingleNodeStaysOnMicrovmWithLlcsAsSockets) {
  auto q = qemu_topology_args(parse_topology("odd-3llc"), 576);
  EXPECT_EQ(q.machine, Machine::Microvm);
  EXPECT_EQ(q.machine_arg, "microvm,memory-backend=ram0");
  EXPECT_THAT(q.args, ElementsAre("-smp", "cpus=9,sockets=3,cores=3,threads=1"));
  ASSERT_EQ(q.backends.size(), 1u);
  EXPECT_EQ(q.backends[0].id, "ram0");
  EXPECT_EQ(q.backends[0].size_mb, 576u);
  EXPECT_FALSE(q.backends[0].node);
  EXPECT_THAT(memory_object_args(q, {7}),
              ElementsAre("-object", "memory-backend-file,id=ram0,size=576M,mem-path=/proc/self/fd/7,share=on"));
}

TEST(QemuTopology, NumaUsesPcWithOneBackendPerNodeAndBothDistanceDirections) {
  auto q = qemu_topology_args(parse_topology("2n4l2c1t"), 512);
  EXPECT_EQ(q.machine, Machine::Pc);
  EXPECT_EQ(q.machine_arg, "pc");
  EXPECT_THAT(q.args, ElementsAre("-smp", "cpus=8,sockets=4,cores=2,threads=1",                     //
                                  "-numa", "node,nodeid=0,memdev=ram0,cpus=0-3",                    //
                                  "-numa", "node,nodeid=1,memdev=ram1,cpus=4-7",                    //
                                  "-numa", "dist,src=0,dst=1,val=20", "-numa", "dist,src=1,dst=0,val=20"));
  ASSERT_EQ(q.backends.size(), 2u);
  EXPECT_EQ(q.backends[1].id, "ram1");
  EXPECT_EQ(q.backends[1].size_mb, 256u);
  EXPECT_EQ(q.backends[1].node, 1u);
  auto objs = memory_object_args(q, {5, 9});
  EXPECT_EQ(objs[3], "memory-backend-file,id=ram1,size=256M,mem-path=/proc/self/fd/9,share=on");
  EXPECT_KTSTR_ERROR(memory_object_args(q, {5}), "pc guest memory backends need 2 memfds, got 1");
}

TEST(QemuTopology, UnevenMemoryOnlyNodeAndCustomDistances) {
  auto t = parse_topology("3n3l2c1t:1l256m,2l,0l128m");
  t.distances = {{10, 21, 31}, {21, 10, 17}, {31, 17, 10}};
  auto q = qemu_topology_args(t, 768);
  EXPECT_THAT(q.args, ::testing::Contains("node,nodeid=1,memdev=ram1,cpus=2-5"));
  EXPECT_THAT(q.args, ::testing::Contains("node,nodeid=2,memdev=ram2"));  // no CPUs
  EXPECT_THAT(q.args, ::testing::Contains("dist,src=2,dst=0,val=31"));
  EXPECT_THAT(q.args, ::testing::Contains("dist,src=1,dst=2,val=17"));
  EXPECT_EQ(q.backends[1].size_mb, 384u);
}

TEST(QemuTopology, ApicIdsFollowPowerOfTwoFields) {
  EXPECT_EQ(max_apic_id(parse_topology("1n2l2c1t")), 3u);
  EXPECT_EQ(max_apic_id(parse_topology("odd-3llc")), 10u);  // 2<<2 | 2
  EXPECT_EQ(max_apic_id(parse_topology("near-max-llc")), 239u);
  EXPECT_EQ(max_apic_id(parse_topology("max-cpu")), 433u);
  EXPECT_EQ(max_apic_id(parse_topology("max-cpu-nosmt")), 433u);
}

TEST(QemuTopology, RefusesWhatItCannotPresent) {
  EXPECT_THAT([] { qemu_topology_args(parse_topology("max-cpu"), 16128); },
              ::testing::ThrowsMessage<Error>(HasSubstr("APIC IDs up to 433")));
  EXPECT_NO_THROW(qemu_topology_args(parse_topology("near-max-llc"), 15360));
  QemuLimits small{.max_cpus = 8};
  EXPECT_THAT([&] { qemu_topology_args(parse_topology("1n4l4c1t"), 1024, small); },
              ::testing::ThrowsMessage<Error>(HasSubstr("at most 8")));
  EXPECT_THAT([] { qemu_topology_args(parse_topology("numa4-8llc"), 128); },
              ::testing::ThrowsMessage<Error>(HasSubstr("per node")));
}

TEST(RamLayout, MicrovmSplitsAtThreeGiB) {
  RamLayout l{Machine::Microvm, {4 * kGiB}};
  EXPECT_EQ(l.low_bytes(), 3 * kGiB);
  EXPECT_EQ(l.ram_offset(0x1000), 0x1000u);
  EXPECT_FALSE(l.ram_offset(3 * kGiB));  // the hole
  EXPECT_EQ(l.ram_offset(4 * kGiB + 5), 3 * kGiB + 5);
  EXPECT_FALSE(l.ram_offset(5 * kGiB));
  EXPECT_EQ(RamLayout({Machine::Microvm, {3328 * kMiB}}).low_bytes(), 3 * kGiB);  // e820 measured
  EXPECT_EQ(l.firmware_reserved_top_bytes(), 0u);
}

TEST(RamLayout, PcKeepsUpToThreeAndAHalfGiBLowAndConcatenatesNodes) {
  EXPECT_EQ(RamLayout({Machine::Pc, {3328 * kMiB}}).low_bytes(), 3328 * kMiB);
  EXPECT_EQ(RamLayout({Machine::Pc, {3584 * kMiB}}).low_bytes(), 3 * kGiB);
  // Measured: 2 × 2 GiB nodes; guest writes at these addresses were found
  // at these memfd offsets.
  RamLayout l{Machine::Pc, {2 * kGiB, 2 * kGiB}};
  auto a = l.locate(0x10000000);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->backend, 0u);
  EXPECT_EQ(a->offset, 0x10000000u);
  auto b = l.locate(0xa0000000);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->backend, 1u);
  EXPECT_EQ(b->offset, 0x20000000u);
  auto c = l.locate(0x100001000);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->backend, 1u);
  EXPECT_EQ(c->offset, 0x40001000u);
  EXPECT_FALSE(l.locate(0xd0000000));
  EXPECT_EQ(l.firmware_reserved_top_bytes(), 128u * 1024);
}

TEST(RamLayout, FromArgs) {
  auto l = ram_layout(qemu_topology_args(parse_topology("2n2l2c1t"), 512));
  EXPECT_EQ(l.machine, Machine::Pc);
  EXPECT_THAT(l.backend_bytes, ElementsAre(256 * kMiB, 256 * kMiB));
  EXPECT_EQ(l.total_bytes(), 512 * kMiB);
}

TEST(QemuTopology, NumaArgvUsesOneMemfdPerNode) {
  vm::VmSpec s;
  s.kernel = "/k/vmlinux";
  s.topology = parse_topology("numa2-4llc");
  s.memory_mb = 1024;
  vm::qemu::QemuInputs in{"qemu", vm::Accel::Tcg, {5}, 6, 7, 8};
  EXPECT_THAT([&] { vm::qemu::qemu_argv(s, in); },
              ::testing::ThrowsMessage<Error>(HasSubstr("needs 2 guest memory backends but 1 memfds")));
  in.memory_fds = {5, 9};
  auto argv = vm::qemu::qemu_argv(s, in);
  std::string all;
  for (auto& a : argv) all += a + " ";
  EXPECT_THAT(all, HasSubstr("mem-path=/proc/self/fd/5"));
  EXPECT_THAT(all, HasSubstr("mem-path=/proc/self/fd/9"));
  EXPECT_THAT(all, HasSubstr("-numa"));
}
