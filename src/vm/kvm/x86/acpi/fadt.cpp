// FADT (revision 6) and FACS. Not hardware-reduced: hardware-reduced ACPI
// makes Linux drop the legacy PIC and with it the identity mapping of ISA
// interrupts the two UARTs use. Instead the fixed hardware is minimal: PM1a
// event and control blocks (devices/acpi_pm.hpp; writing SLP_TYP|SLP_EN
// powers off), SCI on IRQ 9 that never fires, no SMI command port (so the
// machine is always in ACPI mode), no PM timer, no GPEs. Boot flags say
// there is no 8042 keyboard, no VGA and no CMOS RTC, so the kernel does not
// probe them (reboot through the 8042 still works: it is not a probe).
#include "vm/kvm/devices/acpi_pm.hpp"
#include "vm/kvm/memory_map.hpp"
#include "vm/kvm/x86/acpi/sdt.hpp"
#include "vm/kvm/x86/acpi/tables.hpp"

namespace ktstr::vm::kvm::acpi {
namespace {
constexpr uint16_t kBootNoVga = 1 << 2, kBootNoCmosRtc = 1 << 5;
constexpr uint32_t kFlagWbinvd = 1 << 0, kFlagProcC1 = 1 << 2, kFlagPowerButtonIsMethod = 1 << 4,
                   kFlagSleepButtonIsMethod = 1 << 5;
constexpr uint8_t kAccessWord = 2, kAccessDword = 3;
}  // namespace

std::vector<uint8_t> fadt(uint64_t facs_gpa, uint64_t dsdt_gpa) {
  namespace mm = memory_map;
  Table t("FACP", 6);
  // The FACS only through X_FIRMWARE_CTRL: the spec wants one of the two set.
  t.u32(0).u32(static_cast<uint32_t>(dsdt_gpa));
  t.u8(0).u8(0);                                         // reserved, preferred PM profile: unspecified
  t.u16(static_cast<uint16_t>(mm::kSciIrq)).u32(0);      // SCI, no SMI_CMD
  t.u8(0).u8(0).u8(0).u8(0);                             // ACPI_ENABLE/DISABLE, S4BIOS, PSTATE_CNT
  t.u32(mm::kPm1aEvent).u32(0).u32(mm::kPm1aControl).u32(0);  // PM1a/b event, PM1a/b control
  t.u32(0).u32(0).u32(0).u32(0);                         // PM2 control, PM timer, GPE0, GPE1
  t.u8(4).u8(2).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0);     // PM1 event/control lengths, rest absent
  t.u16(101).u16(1001);                                  // C2/C3 latencies above the limits: not supported
  t.u16(0).u16(0);                                       // flush size/stride
  t.u8(0).u8(0).u8(0).u8(0).u8(0);                       // duty offset/width, alarms, century
  t.u16(kBootNoVga | kBootNoCmosRtc).u8(0);
  t.u32(kFlagWbinvd | kFlagProcC1 | kFlagPowerButtonIsMethod | kFlagSleepButtonIsMethod);
  t.gas_none().u8(0);                                    // no reset register
  t.u16(0).u8(5);                                        // ARM boot flags, FADT minor version 6.5
  t.u64(facs_gpa).u64(dsdt_gpa);
  t.gas_io(mm::kPm1aEvent, 32, kAccessDword).gas_none();  // X_PM1a/b event
  t.gas_io(mm::kPm1aControl, 16, kAccessWord).gas_none();  // X_PM1a/b control
  t.gas_none().gas_none().gas_none().gas_none();           // X_PM2, X_PM_TMR, X_GPE0, X_GPE1
  t.gas_none().gas_none();                                 // sleep control/status (hardware-reduced only)
  t.bytes("KTSTRVMM");                                     // hypervisor vendor identity
  return t.finish();
}

std::vector<uint8_t> facs() {
  Table t;
  t.bytes("FACS").u32(64).u32(0);   // length, hardware signature
  t.u32(0).u32(0).u32(0);           // waking vector, global lock, flags
  t.u64(0).u8(2).zeros(3);          // X waking vector, version 2
  t.u32(0).zeros(24);               // OSPM flags, reserved
  return t.data();
}

}  // namespace ktstr::vm::kvm::acpi
