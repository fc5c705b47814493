#!/usr/bin/env python3
"""Writes a tiny PVH "kernel": an ELF whose first instruction powers the VM
off, to time VM creation -> first guest instruction -> exit for any VMM.

Its code (32-bit protected mode, loaded at 1 MiB):
    mov $0x604, %dx; mov $0x3400, %ax; out %ax, %dx   ACPI PM1a_CNT: SLP_TYP=5 | SLP_EN
    ud2                                              no IDT: triple fault
ktstr's own VMM powers off at the write; QEMU (no device there) ends at the
triple fault (-no-reboot). Usage: tiny_pvh_kernel.py OUT
"""
import struct
import sys

LOAD = 0x100000
code = bytes.fromhex("66ba0406" "66b80034" "66ef" "0f0b")
note = struct.pack("<III", 4, 4, 18) + b"Xen\0" + struct.pack("<I", LOAD)
ehdr_size, phdr_size = 64, 56
note_off = ehdr_size + 2 * phdr_size
code_off = 0x1000
ehdr = (b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
        + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, LOAD, ehdr_size, 0, 0, ehdr_size, phdr_size, 2, 64, 0, 0))
load = struct.pack("<IIQQQQQQ", 1, 5, code_off, LOAD, LOAD, len(code), len(code), 0x1000)
pnote = struct.pack("<IIQQQQQQ", 4, 4, note_off, 0, 0, len(note), len(note), 4)
image = bytearray(code_off + len(code))
image[0:len(ehdr)] = ehdr
image[ehdr_size:ehdr_size + phdr_size] = load
image[ehdr_size + phdr_size:note_off] = pnote
image[note_off:note_off + len(note)] = note
image[code_off:] = code
with open(sys.argv[1], "wb") as f:
    f.write(image)
