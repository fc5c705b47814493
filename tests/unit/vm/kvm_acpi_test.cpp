// ACPI tables: checksums, links, MADT/SRAT/SLIT contents per topology, and
// a round trip through Debian's iasl (disassemble, recompile, compare).
#include <gtest/gtest.h>

#include "vm/layout.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include <unistd.h>

#include "topology/apic_ids.hpp"
#include "topology/parse.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "vm/kvm/x86/acpi/sdt.hpp"
#include "vm/kvm/x86/acpi/tables.hpp"

using namespace ktstr;
using namespace ktstr::vm::kvm;
namespace fs = std::filesystem;
using ktstr::vm::layout::kGiB;
using ktstr::vm::layout::kMiB;

namespace {

template <typename T>
T at(const std::vector<uint8_t>& b, size_t off) {
  T v{};
  if (off + sizeof v <= b.size()) std::memcpy(&v, b.data() + off, sizeof v);
  return v;
}

uint8_t sum(const std::vector<uint8_t>& b) {
  uint8_t s = 0;
  for (uint8_t x : b) s = static_cast<uint8_t>(s + x);
  return s;
}

void expect_valid_sdt(const std::vector<uint8_t>& t, const char* sig) {
  ASSERT_GE(t.size(), acpi::kHeaderSize);
  EXPECT_EQ(std::string(t.begin(), t.begin() + 4), sig);
  EXPECT_EQ(at<uint32_t>(t, 4), t.size()) << sig << " length field";
  EXPECT_EQ(sum(t), 0) << sig << " checksum";
}

// (type, offset) of each MADT/SRAT subtable after `first`.
std::vector<std::pair<uint8_t, size_t>> subtables(const std::vector<uint8_t>& t, size_t first) {
  std::vector<std::pair<uint8_t, size_t>> out;
  for (size_t off = first; off + 2 <= t.size() && t[off + 1] > 0; off += t[off + 1]) out.push_back({t[off], off});
  return out;
}

std::vector<acpi::NodeRange> numa_ranges(const topology::Topology& t, uint64_t ram) {
  std::vector<uint64_t> nodes(t.numa_nodes, ram / t.numa_nodes);
  return acpi::node_ranges(nodes, std::min<uint64_t>(ram, 3 * kGiB));
}

}  // namespace

TEST(KvmAcpi, EveryTableHasAValidHeaderAndChecksum) {
  auto t = topology::parse_topology("2n4l2c1t");
  expect_valid_sdt(acpi::fadt(0xe0040, 0xe0080), "FACP");
  expect_valid_sdt(acpi::dsdt(), "DSDT");
  expect_valid_sdt(acpi::madt(t), "APIC");
  expect_valid_sdt(acpi::srat(t, numa_ranges(t, kGiB)), "SRAT");
  expect_valid_sdt(acpi::slit(t), "SLIT");
  expect_valid_sdt(acpi::xsdt({1, 2}), "XSDT");
  EXPECT_EQ(acpi::fadt(0, 0).size(), 276u) << "FADT revision 6";
  auto r = acpi::rsdp(0xe0100);
  ASSERT_EQ(r.size(), 36u);
  EXPECT_EQ(std::string(r.begin(), r.begin() + 8), "RSD PTR ");
  EXPECT_EQ(sum(std::vector<uint8_t>(r.begin(), r.begin() + 20)), 0) << "ACPI 1.0 checksum";
  EXPECT_EQ(sum(r), 0) << "extended checksum";
  EXPECT_EQ(at<uint64_t>(r, 24), 0xe0100u);
  EXPECT_EQ(acpi::facs().size(), 64u);
}

TEST(KvmAcpi, MadtListsEveryCpuInModelOrderWithModelApicIds) {
  auto t = topology::parse_topology("1n3l3c1t");
  auto m = acpi::madt(t);
  EXPECT_EQ(at<uint32_t>(m, 36), 0xfee00000u);
  std::vector<uint32_t> ids, uids;
  int ioapics = 0, overrides = 0;
  for (auto [type, off] : subtables(m, 44)) {
    if (type == 0) {
      uids.push_back(m[off + 2]);
      ids.push_back(m[off + 3]);
      EXPECT_EQ(at<uint32_t>(m, off + 4), 1u) << "enabled";
    }
    if (type == 1) {
      ++ioapics;
      EXPECT_EQ(at<uint32_t>(m, off + 4), 0xfec00000u);
      EXPECT_EQ(at<uint32_t>(m, off + 8), 0u) << "GSI base";
    }
    if (type == 2) {
      ++overrides;
      EXPECT_EQ(m[off + 3], 9) << "only the SCI is overridden; IRQ 0 stays on pin 0 (KVM's PIT routing)";
    }
  }
  EXPECT_EQ(ids, (std::vector<uint32_t>{0, 1, 2, 4, 5, 6, 8, 9, 10}));
  EXPECT_EQ(uids, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(ioapics, 1);
  EXPECT_EQ(overrides, 1);
}

TEST(KvmAcpi, SratPutsCpusAndMemoryOnTheirNodes) {
  auto t = topology::parse_topology("2n4l2c1t");
  auto s = acpi::srat(t, numa_ranges(t, 4 * kGiB));
  std::map<uint32_t, uint32_t> node_of_apic;
  std::vector<std::tuple<uint32_t, uint64_t, uint64_t>> mem;
  for (auto [type, off] : subtables(s, 48)) {
    if (type == 0) node_of_apic[s[off + 3]] = s[off + 2];
    if (type == 1) mem.push_back({at<uint32_t>(s, off + 2), at<uint64_t>(s, off + 8), at<uint64_t>(s, off + 16)});
  }
  ASSERT_EQ(node_of_apic.size(), 8u);
  for (uint32_t cpu = 0; cpu < 8; ++cpu) EXPECT_EQ(node_of_apic[topology::apic_id(t, cpu)], t.node_of(cpu));
  // 2 x 2 GiB with 3 GiB below the hole: node 1 straddles it.
  std::vector<std::tuple<uint32_t, uint64_t, uint64_t>> want = {
      {0, 0, 2 * kGiB}, {1, 2 * kGiB, kGiB}, {1, 4 * kGiB, kGiB}};
  EXPECT_EQ(mem, want);
}

TEST(KvmAcpi, SlitIsTheModelsDistanceMatrix) {
  auto t = topology::parse_topology("2n4l2c1t");
  auto s = acpi::slit(t);
  EXPECT_EQ(at<uint64_t>(s, 36), 2u);
  EXPECT_EQ(std::vector<uint8_t>(s.begin() + 44, s.end()), (std::vector<uint8_t>{10, 20, 20, 10}));
}

TEST(KvmAcpi, ImageLinksRsdpXsdtFadtDsdt) {
  auto t = topology::parse_topology("2n4l2c1t");
  uint64_t base = 0xe0000;
  auto img = acpi::build_tables(t, numa_ranges(t, kGiB), base);
  EXPECT_EQ(img.rsdp_gpa, base);
  auto table_at = [&](uint64_t gpa) {
    size_t off = gpa - base;
    uint32_t len = at<uint32_t>(img.bytes, off + 4);
    return std::vector<uint8_t>(img.bytes.begin() + off, img.bytes.begin() + off + len);
  };
  std::vector<uint8_t> rsdp(img.bytes.begin(), img.bytes.begin() + 36);
  EXPECT_EQ(sum(rsdp), 0);
  auto xsdt = table_at(at<uint64_t>(rsdp, 24));
  expect_valid_sdt(xsdt, "XSDT");
  std::vector<std::string> sigs;
  for (size_t off = 36; off < xsdt.size(); off += 8) {
    auto tbl = table_at(at<uint64_t>(xsdt, off));
    sigs.emplace_back(tbl.begin(), tbl.begin() + 4);
    expect_valid_sdt(tbl, sigs.back().c_str());
    if (sigs.back() == "FACP") {
      auto dsdt = table_at(at<uint64_t>(tbl, 140));
      expect_valid_sdt(dsdt, "DSDT");
      EXPECT_EQ(at<uint32_t>(tbl, 40), at<uint64_t>(tbl, 140)) << "DSDT and X_DSDT agree";
      uint64_t facs = at<uint64_t>(tbl, 132);
      EXPECT_EQ(facs % 64, 0u) << "FACS 64-byte aligned";
      EXPECT_EQ(std::string(img.bytes.begin() + (facs - base), img.bytes.begin() + (facs - base) + 4), "FACS");
    }
  }
  EXPECT_EQ(sigs, (std::vector<std::string>{"FACP", "APIC", "SRAT", "SLIT"}));
  auto single = acpi::build_tables(topology::parse_topology("1n2l2c1t"), {}, base);
  EXPECT_LT(single.bytes.size(), img.bytes.size()) << "no SRAT/SLIT without NUMA";
}

TEST(KvmAcpi, DsdtDeclaresS5WithTheSleepTypeThePowerDeviceExpects) {
  auto d = acpi::dsdt();
  std::vector<uint8_t> want = {0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00};
  EXPECT_EQ(std::vector<uint8_t>(d.begin() + 36, d.end()), want);
}

namespace {

// Writes `bytes` to dir/name.dat, disassembles it with iasl, recompiles the
// disassembly and returns the recompiled bytes; fills *dsl with the text.
std::vector<uint8_t> iasl_round_trip(const fs::path& dir, const std::string& name, const std::vector<uint8_t>& bytes,
                                     std::string* dsl, std::string* log) {
  fs::path dat = dir / (name + ".dat");
  write_file_atomic(dat, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  auto d = run_capture({"iasl", "-p", (dir / name).string(), "-d", dat.string()}, std::chrono::seconds(30));
  *log = d.out + d.err;
  if (!d.status.ok()) return {};
  *dsl = read_file(dir / (name + ".dsl"));
  auto c = run_capture({"iasl", "-p", (dir / (name + "-re")).string(), (dir / (name + ".dsl")).string()},
                       std::chrono::seconds(30));
  *log += c.out + c.err;
  if (!c.status.ok()) return {};
  std::string aml = read_file(dir / (name + "-re.aml"));
  return std::vector<uint8_t>(aml.begin(), aml.end());
}

// Same table apart from what iasl stamps itself: the creator id and
// revision (bytes 28-35) and therefore the checksum (byte 9).
void expect_same_table(std::vector<uint8_t> a, std::vector<uint8_t> b, const std::string& name) {
  ASSERT_EQ(a.size(), b.size()) << name;
  for (auto* t : {&a, &b}) {
    (*t)[9] = 0;
    std::fill(t->begin() + 28, t->begin() + 36, 0);
  }
  EXPECT_EQ(a, b) << name << " changed in the iasl round trip";
}

}  // namespace

TEST(KvmAcpi, IaslDisassemblesAndRecompilesEveryTableToTheSameBytes) {
  if (!find_in_path("iasl")) GTEST_SKIP() << "iasl (Debian acpica-tools) not installed; scripts/bootstrap.sh installs it";
  fs::path dir = fs::temp_directory_path() / ("ktstr-iasl-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto t = topology::parse_topology("2n4l2c1t");
  struct Case {
    std::string name;
    std::vector<uint8_t> bytes;
    std::vector<std::string> must_show;  // in iasl's disassembly
  };
  std::vector<Case> cases = {
      {"facp", acpi::fadt(0xe0040, 0xe0080), {"PM1A Control Block Address : 00000604", "SCI Interrupt : 0009"}},
      {"dsdt", acpi::dsdt(), {"Name (_S5, Package (0x04)", "0x05,"}},
      {"apic", acpi::madt(t), {"Local Apic ID : 06", "I/O Apic ID : 00"}},
      {"srat", acpi::srat(t, numa_ranges(t, 2 * kGiB)), {"Proximity Domain : 00000001", "Length : 0000000040000000"}},
      {"slit", acpi::slit(t), {"Localities : 0000000000000002", "Locality   0 : 0A 14"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::string dsl, log;
    auto back = iasl_round_trip(dir, c.name, c.bytes, &dsl, &log);
    ASSERT_FALSE(back.empty()) << log;
    EXPECT_EQ(dsl.find("Incorrect checksum"), std::string::npos) << dsl;
    EXPECT_NE(log.find("Compilation successful. 0 Errors, 0 Warnings"), std::string::npos) << log;
    for (const auto& s : c.must_show) EXPECT_NE(dsl.find(s), std::string::npos) << s << "\n" << dsl;
    expect_same_table(c.bytes, back, c.name);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}
