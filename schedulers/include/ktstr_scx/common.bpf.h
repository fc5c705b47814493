/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few sched_ext declarations ktstr's own BPF schedulers need, on top of a
 * vmlinux.h generated from the guest kernel's BTF (bpftool btf dump ... format
 * c). Debian's libbpf-dev does not ship the kernel's scx/ helper headers, so
 * this is a small, self-written stand-in: kfunc prototypes (checked against
 * the 7.2 kernel's BTF), the struct_ops program macros and the
 * scx_bpf_error()/scx_bpf_exit() wrappers over the *_bstr kfuncs.
 */
#ifndef KTSTR_SCX_COMMON_BPF_H
#define KTSTR_SCX_COMMON_BPF_H

/*
 * bpftool >= 7.4 also emits kfunc prototypes into vmlinux.h; we declare the
 * ones we use ourselves so the code does not depend on the bpftool version.
 */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#define BPF_NO_KFUNC_PROTOTYPES
#endif
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "exit_info.h"

/* A struct_ops callback of sched_ext_ops; @name is also the program name. */
#define BPF_STRUCT_OPS(name, args...) \
	SEC("struct_ops/" #name) BPF_PROG(name, ##args)
/* Same, for callbacks the kernel calls where sleeping is allowed (init). */
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) \
	SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

/* The ops table: .struct_ops.link makes libbpf create a bpf_link on attach. */
#define KTSTR_SCX_OPS(name) SEC(".struct_ops.link") struct sched_ext_ops name

/* sched_ext kfuncs (kernel/sched/ext.c, ext_idle.c), 7.x names. */
extern s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym;
extern void scx_bpf_destroy_dsq(u64 dsq_id) __ksym __weak;
extern s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
				  bool *is_idle) __ksym;
extern void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice,
			       u64 enq_flags) __ksym;
extern void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
				     u64 enq_flags) __ksym __weak;
extern bool scx_bpf_dsq_move_to_local(u64 dsq_id) __ksym;
extern s32 scx_bpf_dsq_nr_queued(u64 dsq_id) __ksym __weak;
extern void scx_bpf_kick_cpu(s32 cpu, u64 flags) __ksym __weak;
extern u64 scx_bpf_now(void) __ksym __weak;
extern struct task_struct *scx_bpf_dsq_peek(u64 dsq_id) __ksym __weak;
extern u32 scx_bpf_nr_cpu_ids(void) __ksym __weak;
extern s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym;
extern bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask) __ksym;
extern void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data__sz) __ksym;
extern void scx_bpf_exit_bstr(s64 exit_code, char *fmt, unsigned long long *data,
			      u32 data__sz) __ksym __weak;

/*
 * The *_bstr kfuncs take a format string plus an array of u64 arguments
 * (like bpf_trace_vprintk). These wrappers build the array from varargs with
 * libbpf's ___bpf_fill()/___bpf_narg(). The format lives in a static array so
 * the verifier sees a pointer to read-only map memory; the argument array
 * has at least one element to keep the verifier happy with a zero size.
 */
static inline __attribute__((format(printf, 1, 2))) void ktstr_bstr_check(const char *fmt, ...) {}

#define KTSTR_BSTR_ARGS(fmt, args...)                                          \
	static char ___ktstr_fmt[] = fmt;                                      \
	unsigned long long ___ktstr_args[___bpf_narg(args) ?: 1] = {};         \
	_Pragma("GCC diagnostic push")                                         \
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")                 \
	___bpf_fill(___ktstr_args, args);                                      \
	_Pragma("GCC diagnostic pop")

/* Eject the scheduler with SCX_EXIT_ERROR_BPF and a formatted message. */
#define scx_bpf_error(fmt, args...)                                                  \
	({                                                                           \
		KTSTR_BSTR_ARGS(fmt, ##args)                                         \
		scx_bpf_error_bstr(___ktstr_fmt, ___ktstr_args, sizeof(___ktstr_args)); \
		ktstr_bstr_check(fmt, ##args);                                       \
	})

/* Unregister the scheduler cleanly (SCX_EXIT_UNREG_BPF) with an exit code. */
#define scx_bpf_exit(code, fmt, args...)                                             \
	({                                                                           \
		KTSTR_BSTR_ARGS(fmt, ##args)                                         \
		scx_bpf_exit_bstr(code, ___ktstr_fmt, ___ktstr_args, sizeof(___ktstr_args)); \
		ktstr_bstr_check(fmt, ##args);                                       \
	})

/* Copy the kernel's exit info into a struct ktstr_exit_info (from ops.exit). */
#define KTSTR_RECORD_EXIT(dst, ei)                                                   \
	({                                                                           \
		bpf_probe_read_kernel_str((dst).reason, sizeof((dst).reason), (ei)->reason); \
		bpf_probe_read_kernel_str((dst).msg, sizeof((dst).msg), (ei)->msg);  \
		bpf_probe_read_kernel_str((dst).dump, sizeof((dst).dump), (ei)->dump); \
		(dst).exit_code = (ei)->exit_code;                                   \
		(dst).exit_cpu = -1;                                                 \
		if (bpf_core_field_exists((ei)->exit_cpu))                           \
			(dst).exit_cpu = (ei)->exit_cpu;                             \
		__sync_val_compare_and_swap(&(dst).kind, (dst).kind, (ei)->kind);    \
	})

#endif /* KTSTR_SCX_COMMON_BPF_H */
