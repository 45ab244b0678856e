/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * benches.h - the one list of guest-side benchmarks (see bench.h).
 * X(id): the file defines `const struct hvs_bench hvs_bench_<id>`.
 */
#ifndef HVS_BENCHES_H
#define HVS_BENCHES_H

#define HVS_BENCHES(X) \
	X(exit_cpuid)        \
	X(exit_rdtsc)        \
	X(exit_hypercall)    \
	X(exit_pause)        \
	X(exit_xgetbv)       \
	X(exit_fep)          \
	X(exit_vmware)       \
	X(xen_privcmd)       \
	X(syscall_getppid)    \
	X(mm_pagefault)      \
	X(mm_munmap)         \
	X(mm_mprotect)       \
	X(mm_fork)           \
	X(mm_fork_exec)      \
	X(ipc_pipe)          \
	X(ipc_membarrier)    \
	X(timer_clock)       \
	X(timer_nanosleep)   \
	X(paging_chase)      \
	X(io_odirect)        \
	X(net_udp)           \
	X(net_tcp)

#endif
