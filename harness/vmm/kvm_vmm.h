/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvm_vmm.h - a minimal VMM on raw /dev/kvm ioctls that runs the ring-0
 * payload (microbench/ring0/) one benchmark per VM and collects its samples
 * and KVM's own exit counters.
 *
 * Names are object-first like KVM selftests: vm_create/vm_free,
 * vcpu_create/vcpu_run. __vm_ioctl()/__vcpu_ioctl() return the raw ioctl
 * result; vm_ioctl()/vcpu_ioctl() check it and, on failure, record
 * "KVM_xxx failed: <errno text>" (the stringified command) in the VM's error
 * buffer and return -errno. Nothing here prints or exits.
 */
#ifndef HVS_KVM_VMM_H
#define HVS_KVM_VMM_H

#include "microbench/ring0/ring0_abi.h"

#include <stddef.h>
#include <stdint.h>

struct kvm_run;

/* KVM's binary statistics (KVM_GET_STATS_FD): the scalar counters only. */
#define KVM_STATS_MAX 96
struct kvm_stats {
	int fd;
	int n;
	char name[KVM_STATS_MAX][48];
	uint64_t off[KVM_STATS_MAX]; /* byte offset in the data block */
	uint64_t data_off;
};

struct kvm_vcpu {
	int fd;
	struct kvm_run *run;
	size_t run_size;
	struct kvm_stats stats;
};

struct kvm_vm {
	int kvm_fd; /* borrowed */
	int fd;
	uint8_t *mem;
	size_t mem_size;
	int irqchip, pit, ioeventfd; /* what could be created */
	int hyperv;                  /* present KVM's Hyper-V leaves (--hyperv) */
	int efd[2];                  /* ioeventfds: PIO kick, MMIO kick */
	struct kvm_stats stats;
	struct kvm_vcpu vcpu;
	char err[160];
};

#define __vm_ioctl(vm, cmd, arg) ioctl((vm)->fd, (cmd), (arg))
#define __vcpu_ioctl(vm, cmd, arg) ioctl((vm)->vcpu.fd, (cmd), (arg))
#define vm_ioctl(vm, cmd, arg) vm_ioctl_checked((vm), (vm)->fd, (cmd), (arg), #cmd)
#define vcpu_ioctl(vm, cmd, arg) vm_ioctl_checked((vm), (vm)->vcpu.fd, (cmd), (arg), #cmd)

/* ioctl(fd, cmd, arg); on failure record "<name> failed: ..." in vm->err.
 * Returns the ioctl result (>= 0) or -errno. */
long vm_ioctl_checked(struct kvm_vm *vm, int fd, unsigned long cmd, void *arg, const char *name);

/*
 * Open /dev/kvm and check the API version. Returns the fd, or -errno
 * (-ENOENT no device, -EACCES/-EPERM no permission, -EPROTO wrong API).
 */
int kvm_open(void);

/* Where the paging mode in force is read from, for labelling results. */
struct kvm_paging_info {
	char mode[24];     /* "EPT", "NPT", "shadow", "unknown" (hvs_paging_name) */
	char detail[192];  /* the evidence, from the host probe */
	int tdp;           /* 1 two-dimensional, 0 shadow, -1 unknown */
	char module[16];   /* "kvm_intel", "kvm_amd", "kvm_pvm", "" unknown */
};
void kvm_paging_info(struct kvm_paging_info *pi);

/* Options of one benchmark run. */
struct kvm_bench_opts {
	int quick;
	uint32_t nsamples;  /* 0: payload default */
	uint32_t sample_us; /* 0: payload default */
	double timeout_s;   /* whole benchmark, watchdog on every KVM_RUN */
	uint64_t tsc_khz;   /* 0: ask KVM (KVM_GET_TSC_KHZ) */
	int hyperv;         /* present Hyper-V's CPUID leaves (KVM_GET_SUPPORTED_HV_CPUID) */
};

enum kvm_bench_status {
	KVM_BENCH_OK = 0,
	KVM_BENCH_SKIP,    /* payload or VMM: not supported here */
	KVM_BENCH_FAIL,    /* payload fault, unexpected exit, bad ucall */
	KVM_BENCH_TIMEOUT, /* watchdog fired */
};

/* A counter's change between the R0_UC_BEGIN and R0_UC_END ucalls. */
struct kvm_counter {
	char name[48];
	uint64_t delta;
	int vm; /* 1: VM-wide statistic, 0: vCPU */
};

struct kvm_bench_result {
	enum kvm_bench_status status;
	char reason[200];
	struct r0_result r0;   /* as the payload reported it */
	uint64_t *cycles;      /* r0.nsamples benchmark-loop samples (owned) */
	uint64_t *control;     /* r0.nsamples control-loop samples (owned) */
	uint64_t tsc_khz;
	int have_counters;     /* stats fd readable and both snapshots taken */
	struct kvm_counter counters[2 * KVM_STATS_MAX];
	int ncounters;
	uint64_t exits;        /* the "exits" counter delta (less the END ucall) */
	uint64_t last_exit_reason; /* KVM_EXIT_* of the last exit to user space */
	uint64_t rip;          /* at the end (timeouts, failures) */
	double elapsed_s;
};

/*
 * Run benchmark `id` of the embedded payload in a fresh VM. Returns 0 with
 * *res filled (whatever the benchmark's status), or -errno when the VMM
 * itself could not be set up (res->reason says why).
 */
int kvm_bench_run(int kvm_fd, enum r0_bench_id id, const struct kvm_bench_opts *o,
		  struct kvm_bench_result *res);
void kvm_bench_result_free(struct kvm_bench_result *res);

/* The counter delta named `name` (vCPU statistics first), or -1. */
long long kvm_counter_get(const struct kvm_bench_result *res, const char *name);

/* The embedded payload (microbench/ring0/ring0.mk). */
extern const unsigned char hvs_ring0_payload[], hvs_ring0_payload_end[];

#endif
