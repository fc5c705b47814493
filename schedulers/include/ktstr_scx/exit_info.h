/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit information a ktstr scheduler copies out of the kernel's
 * struct scx_exit_info in its ops.exit callback, shared between the BPF side
 * (a global in .bss, written once) and the loader (reads it through the
 * skeleton's memory-mapped .bss).
 *
 * Written by ktstr; the kernel's tools/sched_ext does the same job with its
 * own "user exit info" header.
 */
#ifndef KTSTR_SCX_EXIT_INFO_H
#define KTSTR_SCX_EXIT_INFO_H

#ifdef __bpf__
#define KTSTR_S32 s32
#define KTSTR_S64 s64
#else
#include <stdint.h>
#define KTSTR_S32 int32_t
#define KTSTR_S64 int64_t
#endif

#define KTSTR_EXIT_REASON_LEN 128
#define KTSTR_EXIT_MSG_LEN 1024
#define KTSTR_EXIT_DUMP_LEN 8192

struct ktstr_exit_info {
	/* enum scx_exit_kind; 0 (SCX_EXIT_NONE) until ops.exit ran. Written
	 * last, with a full barrier, so a non-zero kind means the rest is set. */
	KTSTR_S32 kind;
	KTSTR_S32 exit_cpu;
	KTSTR_S64 exit_code;
	char reason[KTSTR_EXIT_REASON_LEN];
	char msg[KTSTR_EXIT_MSG_LEN];
	/* The kernel's debug dump (only present for error exits). */
	char dump[KTSTR_EXIT_DUMP_LEN];
};

#undef KTSTR_S32
#undef KTSTR_S64

/* Values of enum scx_exit_kind (include/linux/sched/ext.h; stable ABI). */
#define KTSTR_EXIT_NONE 0
#define KTSTR_EXIT_DONE 1
#define KTSTR_EXIT_UNREG 64
#define KTSTR_EXIT_UNREG_BPF 65
#define KTSTR_EXIT_UNREG_KERN 66
#define KTSTR_EXIT_SYSRQ 67
#define KTSTR_EXIT_ERROR 1024
#define KTSTR_EXIT_ERROR_BPF 1025
#define KTSTR_EXIT_ERROR_STALL 1026

#endif /* KTSTR_SCX_EXIT_INFO_H */
