/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ring0_abi.h - the contract between the ring-0 payload (microbench/ring0/,
 * freestanding) and its two drivers: the /dev/kvm VMM (harness/vmm/kvm_vmm.c)
 * and the bootable image (serial console, scripts/run-image.sh).
 *
 * Included by freestanding payload code and by hosted harness code: only
 * <stdint.h>, no libc.
 *
 * Guest physical memory map (identity-mapped below 4 GiB with 2 MiB pages):
 *   0x00005000  struct r0_boot, written by the VMM before the first KVM_RUN
 *   0x00100000  the payload image (text, data, bss, page tables, stacks)
 *   0x00800000  scratch: sample buffers, pointer-chase index
 *   0x10000000  128 MiB never touched before pf.first_touch
 *   0x40000000  128 MiB pointer-chase working set (aliased with 4K/2M/1G pages)
 *   0xd0000000  unbacked: MMIO to user space; +0x1000 the ioeventfd MMIO kick
 *   0xfee00000  local APIC (in-kernel under the VMM)
 */
#ifndef HVS_RING0_ABI_H
#define HVS_RING0_ABI_H

#include <stdint.h>

#define R0_LOAD_ADDR 0x100000u
#define R0_BOOT_GPA 0x5000u
#define R0_BOOT_MAGIC 0x48565330u /* "HVS0" in EAX at entry: launched by the hvscope VMM */
#define R0_ABI_VERSION 1u

#define R0_SCRATCH_GPA 0x00800000ull
#define R0_TOUCH_GPA 0x10000000ull
#define R0_TOUCH_SIZE 0x08000000ull
#define R0_CHASE_GPA 0x40000000ull
#define R0_CHASE_MAX 0x08000000ull
#define R0_MMIO_GPA 0xd0000000ull
#define R0_MMIO_KICK_GPA 0xd0001000ull
#define R0_MEM_SIZE 0x48000000ull /* RAM the payload needs: up to the end of the chase set */

/* I/O ports. 0x4d0 is the 8259 ELCR: handled by KVM's in-kernel PIC (and
 * used by kvm-unit-tests' vmexit.flat for the same purpose). 0x1234 is
 * unassigned on every PC: the exit goes to the VMM in user space. */
#define R0_PORT_UCALL 0x0fe0
#define R0_PORT_KICK 0x0fe4
#define R0_PORT_KERNEL 0x04d0
#define R0_PORT_USER 0x1234
#define R0_PORT_COM1 0x3f8
#define R0_PORT_DEBUG_EXIT 0x00f4

/* What a benchmark claims to cause on every operation under a hypervisor
 * with hardware virtualization (checked against KVM's exit counters). */
#define R0_X_NONE 0u
#define R0_X_EXIT (1u << 0) /* at least one VM exit per operation */
#define R0_X_IO (1u << 1)   /* a port-I/O exit (io_exits) */
#define R0_X_MMIO (1u << 2) /* an MMIO exit to user space (mmio_exits) */
#define R0_X_HALT (1u << 3) /* a HLT exit (halt_exits) */
#define R0_X_TEST (1u << 8) /* test-only: never run unless named */
#define R0_X_VMM (1u << 9)  /* needs the hvscope VMM (ioeventfd, known ports) */

/*
 * The one list of ring-0 benchmarks: X(id, name, class, expect, what).
 * The payload implements r0b_<id>_{supported,op,ctl}; the host uses name,
 * class, expect and what. Adding a benchmark = one line here + its three
 * functions in microbench/ring0/benches.c.
 */
#define R0_CHASE_LIST(X, page)                                                            \
	X(chase_##page##_1m, "tlb.chase." #page ".1m", "paging", R0_X_NONE,                 \
	  "dependent load, one per page, random order over 1 MiB mapped with " #page " pages") \
	X(chase_##page##_16m, "tlb.chase." #page ".16m", "paging", R0_X_NONE,               \
	  "dependent load, one per page, random order over 16 MiB mapped with " #page " pages") \
	X(chase_##page##_128m, "tlb.chase." #page ".128m", "paging", R0_X_NONE,             \
	  "dependent load, one per page, random order over 128 MiB mapped with " #page " pages")

/*
 * Hypercalls in the other hypervisors' own ABIs (hc_abi.c): each skips with
 * the reason where its ABI is absent.
 */
#define R0_HC_ABIS(X)                                                                        \
	X(xen_version, "xen.hcpage.version", "hypercall", R0_X_EXIT,                             \
	  "Xen hypercall page (MSR from CPUID base+2): xen_version(XENVER_version), a trap to Xen and back") \
	X(xen_yield, "xen.hcpage.sched_yield", "hypercall", R0_X_EXIT,                           \
	  "Xen hypercall page: sched_op(SCHEDOP_yield), a trap to Xen through its scheduler and back") \
	X(xen_evtchn, "xen.hcpage.evtchn_send", "hypercall", R0_X_EXIT,                          \
	  "Xen hypercall page: EVTCHNOP_send on a port bound to our own unbound port (no upcall registered)") \
	X(hv_spin, "hyperv.notify_spin_wait", "hypercall", R0_X_EXIT,                            \
	  "Hyper-V hypercall page: fast HvCallNotifyLongSpinWait (0x0008), a trap to the hypervisor and back") \
	X(hv_invalid, "hyperv.invalid_code", "hypercall", R0_X_EXIT,                             \
	  "Hyper-V hypercall page: fast call with an unknown code (HV_STATUS_INVALID_HYPERCALL_CODE path)") \
	X(vmw_version, "vmware.getversion", "io", R0_X_EXIT | R0_X_IO,                           \
	  "VMware backdoor GETVERSION (IN port 0x5658, magic checked): a PIO exit to the VMM's user space plus the protocol")

#define R0_BENCHES(X)                                                                          \
	X(cpuid0, "cpuid.0", "exit", R0_X_EXIT, "CPUID leaf 0: an unconditional VM exit")       \
	X(cpuid_hv, "cpuid.hv", "exit", R0_X_EXIT, "CPUID leaf 0x40000000 (hypervisor leaf)")   \
	X(cpuid_call, "cpuid.0.call", "exit", R0_X_EXIT,                                         \
	  "CPUID leaf 0 inside an indirect call with PUSH/POP RBX (kvm-unit-tests' loop shape)") \
	X(hc_vapic, "hypercall.vapic_poll", "hypercall", R0_X_EXIT,                              \
	  "VMCALL/VMMCALL KVM_HC_VAPIC_POLL_IRQ (no-op hypercall)")                              \
	X(hc_unknown, "hypercall.unknown", "hypercall", R0_X_EXIT,                               \
	  "VMCALL/VMMCALL with an unknown number (-KVM_ENOSYS path)")                            \
	R0_HC_ABIS(X)                                                                          \
	X(hlt_wake, "hlt.wake", "exit", R0_X_EXIT,                                               \
	  "arm the LAPIC timer (1 tick), STI;HLT, take the interrupt")                           \
	X(rdmsr, "msr.rd.tsc_adjust", "exit", R0_X_EXIT, "RDMSR IA32_TSC_ADJUST (intercepted)")  \
	X(wrmsr, "msr.wr.tsc_adjust", "exit", R0_X_EXIT,                                         \
	  "WRMSR IA32_TSC_ADJUST with its current value (intercepted)")                          \
	X(cr8, "cr.cr8.write", "exit", R0_X_NONE, "MOV to CR8 (task priority)")                  \
	X(dr7, "dr.dr7.write", "exit", R0_X_NONE, "MOV to DR7 (debug control)")                  \
	X(rdtsc, "rdtsc", "exit", R0_X_NONE, "RDTSC (exits only if TSC exiting is on)")          \
	X(rdtscp, "rdtscp", "exit", R0_X_NONE, "RDTSCP (exits only if TSC exiting is on)")       \
	X(wbinvd, "wbinvd", "exit", R0_X_EXIT, "WBINVD (intercepted by KVM)")                    \
	X(xsetbv, "xsetbv", "exit", R0_X_EXIT, "XSETBV XCR0 with its current value")             \
	X(ud2, "exc.ud", "exit", R0_X_NONE, "UD2 and return from the guest's own #UD handler")   \
	X(pio_in_kernel, "pio.in.kernel", "io", R0_X_EXIT,                                       \
	  "IN from port 0x4d0 (8259 ELCR, in-kernel PIC)")                                       \
	X(pio_out_kernel, "pio.out.kernel", "io", R0_X_EXIT,                                     \
	  "OUT to port 0x4d0 (8259 ELCR, in-kernel PIC)")                                        \
	X(pio_in_user, "pio.in.user", "io", R0_X_EXIT | R0_X_IO,                                 \
	  "IN from port 0x1234 (unassigned: VMM in user space)")                                 \
	X(pio_out_user, "pio.out.user", "io", R0_X_EXIT | R0_X_IO,                               \
	  "OUT to port 0x1234 (unassigned: VMM in user space)")                                  \
	X(mmio_rd_user, "mmio.rd.user", "io", R0_X_EXIT | R0_X_MMIO,                             \
	  "32-bit read of unbacked guest-physical memory (VMM in user space)")                   \
	X(mmio_wr_user, "mmio.wr.user", "io", R0_X_EXIT | R0_X_MMIO,                             \
	  "32-bit write to unbacked guest-physical memory (VMM in user space)")                  \
	X(kick_pio, "ioeventfd.pio", "io", R0_X_EXIT | R0_X_VMM,                                 \
	  "16-bit OUT to a port bound to an ioeventfd (virtio PIO notify)")                      \
	X(kick_mmio, "ioeventfd.mmio", "io", R0_X_EXIT | R0_X_VMM,                               \
	  "32-bit write to an address bound to an ioeventfd (virtio MMIO notify)")               \
	X(first_touch, "pf.first_touch", "paging", R0_X_EXIT,                                    \
	  "first write to a never-touched 4 KiB page of guest memory (EPT/NPT or shadow fault)") \
	X(pf_guest, "pf.guest", "paging", R0_X_NONE,                                             \
	  "read of a not-present page, round trip through the guest's #PF handler")             \
	X(ptemod, "pf.ptemod", "paging", R0_X_NONE,                                              \
	  "write a live PTE, INVLPG, touch the page (write-protect exits under shadow paging)") \
	X(cr3_switch, "cr3.switch", "paging", R0_X_NONE,                                         \
	  "MOV to CR3 between two address spaces (no PCID: full TLB flush)")                     \
	R0_CHASE_LIST(X, 4k)                                                                   \
	R0_CHASE_LIST(X, 2m)                                                                   \
	R0_CHASE_LIST(X, 1g)                                                                   \
	X(hang, "selftest.hang", "test", R0_X_TEST, "CLI;HLT forever: the watchdog must fire")  \
	X(ud_selftest, "selftest.ud", "test", R0_X_TEST,                                         \
	  "one UD2 caught by the #UD handler (checks the IDT)")

enum r0_bench_id {
#define R0_ENUM(id, name, klass, expect, what) R0_B_##id,
	R0_BENCHES(R0_ENUM)
#undef R0_ENUM
	R0_NBENCH
};

/* Written by the VMM at R0_BOOT_GPA before the first KVM_RUN. */
#define R0_BOOT_QUICK (1u << 0)      /* fewer samples, shorter samples */
#define R0_BOOT_IOEVENTFD (1u << 1)  /* PIO/MMIO kick addresses are bound */
#define R0_BOOT_NO_IRQCHIP (1u << 2) /* KVM_CREATE_IRQCHIP failed: no in-kernel PIC/LAPIC */
struct r0_boot {
	uint32_t magic;   /* R0_BOOT_MAGIC */
	uint32_t version; /* R0_ABI_VERSION */
	uint32_t flags;   /* R0_BOOT_* */
	uint32_t bench;   /* enum r0_bench_id to run (one per VM) */
	uint64_t tsc_khz; /* 0: payload calibrates against the PIT */
	uint32_t nsamples;      /* 0: default */
	uint32_t sample_us;     /* 0: default target length of one sample */
};

/* ucall: the payload fills a struct r0_ucall and does OUTL R0_PORT_UCALL with
 * its guest-physical address (below 4 GiB). */
enum r0_ucall_type {
	R0_UC_BEGIN = 1, /* measurement starts: snapshot the exit counters now */
	R0_UC_END,       /* measurement ended: snapshot again */
	R0_UC_RESULT,    /* struct r0_result at arg */
	R0_UC_LOG,       /* NUL-terminated text at arg */
	R0_UC_DONE,      /* nothing more: tear down */
};

struct r0_ucall {
	uint32_t type;
	uint32_t bench;
	uint64_t arg; /* guest-physical address */
};

enum r0_status {
	R0_OK = 0,
	R0_SKIP,  /* not supported here: reason */
	R0_FAIL,  /* unexpected exception or wrong answer: reason */
};

#define R0_MAX_SAMPLES 1024
struct r0_result {
	uint32_t bench;
	uint32_t status;  /* enum r0_status */
	char reason[96];
	uint64_t iters;   /* operations per sample */
	uint32_t nsamples;
	uint32_t tsc_gap; /* fewest cycles between two back-to-back LFENCE;RDTSC (thousands: trapped) */
	uint64_t tsc_khz; /* what the payload used (VMM-given or PIT-calibrated) */
	uint64_t samples_gpa; /* uint64_t cycles[nsamples]: the benchmark loop */
	uint64_t control_gpa; /* uint64_t cycles[nsamples]: the control loop, same iters */
};

#endif
